"""Snakemake adapter: concatenate the training samples' feature tables and split them into train/val/test."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.snakemake_adapter import run
from dijetgen.splits import PARTS, split_table


def split_features(snakemake):
    table = pd.concat([pd.read_parquet(path) for path in snakemake.input], ignore_index=True)
    parts = split_table(table, snakemake.params.split, snakemake.params.split["seed"])
    for name in PARTS:
        print(f"{name}: {len(parts[name])} events")
        write_atomic(lambda tmp, part=parts[name]: part.to_parquet(tmp, index=False), snakemake.output[name])


run(snakemake, split_features)  # noqa: F821 (injected by Snakemake)
