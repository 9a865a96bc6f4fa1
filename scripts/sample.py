"""Snakemake adapter: draw events from a trained model, in physical units, with the dijet observables added."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.models import load_model
from dijetgen.observables import with_observables
from dijetgen.snakemake_adapter import run


def sample_model(snakemake):
    params = snakemake.params
    model = load_model(snakemake.input.model, features=params.features)
    n = params.n_samples if params.n_samples is not None else len(pd.read_parquet(snakemake.input.test))
    events = with_observables(model.sample(n, seed=params.seed), params.features)
    print(f"{snakemake.wildcards.model}: {n} events sampled")
    write_atomic(lambda tmp: events.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, sample_model)  # noqa: F821 (injected by Snakemake)
