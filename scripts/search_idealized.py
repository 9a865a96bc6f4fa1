"""Snakemake adapter: the independent background sample's signal-region events, the idealized reference."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.search import signal_region_events
from dijetgen.snakemake_adapter import run


def build_reference(snakemake):
    params = snakemake.params
    events = signal_region_events(pd.read_parquet(snakemake.input[0]), params.settings, params.seed)
    print(f"idealized: {len(events)} background events in the signal region")
    write_atomic(lambda tmp: events.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, build_reference)  # noqa: F821 (injected by Snakemake)
