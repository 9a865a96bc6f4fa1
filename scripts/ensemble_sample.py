"""Snakemake adapter: the ensemble's sample, each event taken from one replica's sample, every replica equally
often (dijetgen.replicas.ensemble_events)."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.replicas import ensemble_events
from dijetgen.snakemake_adapter import run


def sample_ensemble(snakemake):
    events = ensemble_events([pd.read_parquet(path) for path in snakemake.input], snakemake.params.seed)
    print(f"{snakemake.wildcards.model}: {len(events)} events from {len(snakemake.input)} replicas")
    write_atomic(lambda tmp: events.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, sample_ensemble)  # noqa: F821 (injected by Snakemake)
