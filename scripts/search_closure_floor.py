"""Snakemake adapter: the template's closure floor, SR data against samples of the idealized reference's
density (its replicas, evenly), drawn and told apart exactly as the template is."""

import json

import pandas as pd

from dijetgen.atomic import write_json
from dijetgen.crossfit import cross_fit, cross_validated_auc
from dijetgen.models import load_model
from dijetgen.search import classifier_inputs, sample_template
from dijetgen.snakemake_adapter import run


def closure_floor(snakemake):
    settings, seed = snakemake.params.settings, snakemake.params.seed
    models = [load_model(path, features=settings["features"]) for path in snakemake.input.models]
    events = pd.read_parquet(snakemake.input.events)
    learnt_reference = sample_template(models, events, settings, seed)
    x, y, folds = classifier_inputs("template", events, learnt_reference, settings["features"])
    train_scores, _ = cross_fit(x, y, folds, x[:0], folds[:0], settings["classifier"], seed, threads=1)
    summary = {"method": "closure_floor"} | cross_validated_auc(y, train_scores)
    print(json.dumps(summary, indent=1))
    write_json(summary, snakemake.output[0], indent=1)


run(snakemake, closure_floor)  # noqa: F821 (injected by Snakemake)
