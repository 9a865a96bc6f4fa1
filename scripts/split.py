"""Snakemake adapter: the training samples' background events, split into train/val/test."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.snakemake_adapter import run
from dijetgen.splits import PARTS, background_events, split_table


def split_features(snakemake):
    tables = {name: pd.read_parquet(path) for name, path in zip(snakemake.params.samples, snakemake.input)}
    table = background_events(tables, snakemake.params.selection)
    parts = split_table(table, snakemake.params.split, snakemake.params.split["seed"])
    for name in PARTS:
        print(f"{name}: {len(parts[name])} events")
        write_atomic(lambda tmp, part=parts[name]: part.to_parquet(tmp, index=False), snakemake.output[name])


run(snakemake, split_features)  # noqa: F821 (injected by Snakemake)
