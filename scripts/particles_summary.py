"""Snakemake adapter: one row per particle model, validation_particles/summary.csv."""

import json

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.metrics.particles import summary_row
from dijetgen.snakemake_adapter import run


def summarise(snakemake):
    rows = []
    for model, path in zip(snakemake.params.models, snakemake.input):
        with open(path) as file:
            rows.append(summary_row(model, json.load(file)))
    table = pd.DataFrame(rows)
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), snakemake.output[0])


run(snakemake, summarise)  # noqa: F821 (injected by Snakemake)
