"""Snakemake adapter: gather a sample's jet shards into its feature table."""

import logging

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.features import feature_table
from dijetgen.snakemake_adapter import run


def build_features(snakemake):
    name = snakemake.wildcards.sample
    table = feature_table([pd.read_parquet(path) for path in snakemake.input], name)
    if table.empty:
        logging.warning("sample %s: no event passed the selection; writing an empty feature table", name)
    print(f"{name}: {len(table)} events in the feature table")
    write_atomic(lambda tmp: table.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, build_features)  # noqa: F821 (injected by Snakemake)
