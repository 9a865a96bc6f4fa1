"""Snakemake adapter: sample the background template in the signal region from the sideband density (its
replicas, evenly, when `search.density.replicas` > 1)."""

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.models import load_model
from dijetgen.search import sample_template
from dijetgen.snakemake_adapter import run


def build_template(snakemake):
    params = snakemake.params
    models = [load_model(path, features=params.settings["features"]) for path in snakemake.input.models]
    template = sample_template(models, pd.read_parquet(snakemake.input.events), params.settings, params.seed)
    print(f"template: {len(template)} events")
    write_atomic(lambda tmp: template.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, build_template)  # noqa: F821 (injected by Snakemake)
