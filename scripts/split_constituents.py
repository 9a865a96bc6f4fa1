"""Snakemake adapter: the constituents of the train/val/test events, in the order of the feature-table splits."""

import pandas as pd

from dijetgen.constituents import read_constituents, split_constituents, write_constituents
from dijetgen.snakemake_adapter import run
from dijetgen.splits import PARTS


def split_particles(snakemake):
    parts = {part: pd.read_parquet(snakemake.input[part]) for part in PARTS}
    by_sample = {sample: read_constituents(files) for sample, files in snakemake.params.files.items()}
    for part, rows in split_constituents(parts, by_sample).items():
        print(f"{part}: {len(rows)} events")
        write_constituents([rows], snakemake.output[part])


run(snakemake, split_particles)  # noqa: F821 (injected by Snakemake)
