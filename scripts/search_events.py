"""Snakemake adapter: one injection's search events: data (background + injected signal) in the SR and the
sidebands, and the spare signal events in the SR, with region, role, fold and the mass-ordered features."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.search import injection_events
from dijetgen.snakemake_adapter import run


def build_events(snakemake):
    params, n = snakemake.params, int(snakemake.wildcards.inject)
    background, signal = (pd.read_parquet(path) for path in (snakemake.input.background, snakemake.input.signal))
    events = injection_events(background, signal, n, params.settings, params.seed)
    write_atomic(lambda tmp: events.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, build_events)  # noqa: F821 (injected by Snakemake)
