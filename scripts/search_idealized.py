"""Snakemake adapter: the independent background sample's signal-region events, the idealized reference."""

import logging

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.search import DATA, SIGNAL_REGION, signal_region_events
from dijetgen.snakemake_adapter import run


def build_reference(snakemake):
    params = snakemake.params
    events = signal_region_events(pd.read_parquet(snakemake.input.sample), params.settings, params.seed)
    print(f"idealized: {len(events)} background events in the signal region")
    data = pd.read_parquet(snakemake.input.events, columns=["region", "role", "label"])
    n_data = int(((data["region"] == SIGNAL_REGION) & (data["role"] == DATA)).sum())
    if len(events) < 2 * n_data:
        logging.warning(
            f"search.idealized: {len(events)} reference events in the signal region, fewer than twice the data's "
            f"{n_data}: the idealized classifier is limited by its reference (CATHODE uses 2.3x)"
        )
    write_atomic(lambda tmp: events.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, build_reference)  # noqa: F821 (injected by Snakemake)
