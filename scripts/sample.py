"""Snakemake adapter: draw events from a trained model, in physical units, with the dijet observables added.

A conditional model generates at the test split's condition values (resampled if n_samples differs from its
size), so validation compares it with test events at the same conditions. The condition columns are stored
as given; an observable that is also a condition column (mjj) keeps the condition's value.
"""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.models import load_model
from dijetgen.observables import with_observables
from dijetgen.snakemake_adapter import run


def sample_model(snakemake):
    params = snakemake.params
    model = load_model(snakemake.input.model, features=params.features)
    test = pd.read_parquet(snakemake.input.test)
    n = params.n_samples if params.n_samples is not None else len(test)
    sample = model.sample(n, seed=params.seed, condition=test if model.condition else None)
    events = with_observables(sample, params.features)
    events[model.condition] = sample[model.condition]
    print(f"{snakemake.wildcards.model}: {n} events sampled")
    write_atomic(lambda tmp: events.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, sample_model)  # noqa: F821 (injected by Snakemake)
