"""Snakemake adapter: one method's k-fold classifier ensembles (template, idealized or supervised), and the
out-of-fold score of every search event; the JSON holds the cross-validated AUC of what they learnt."""

import json

import pandas as pd

from dijetgen.atomic import write_atomic, write_json
from dijetgen.crossfit import cross_fit, cross_validated_auc
from dijetgen.search import classifier_inputs
from dijetgen.snakemake_adapter import run


def classify(snakemake):
    params, method = snakemake.params, snakemake.wildcards.method
    features = params.settings["features"]
    events = pd.read_parquet(snakemake.input.events)
    reference = pd.read_parquet(snakemake.input.reference) if "reference" in snakemake.input.keys() else None
    x, y, folds = classifier_inputs(method, events, reference, features)
    x_eval = events[features].to_numpy(float)
    train_scores, scores = cross_fit(
        x, y, folds, x_eval, events["fold"].to_numpy(), params.settings["classifier"], params.seed, threads=1
    )
    summary = {"method": method} | cross_validated_auc(y, train_scores)
    print(json.dumps(summary, indent=1))
    write_atomic(lambda tmp: pd.DataFrame({"score": scores}).to_parquet(tmp, index=False), snakemake.output.scores)
    write_json(summary, snakemake.output.auc, indent=1)


run(snakemake, classify)  # noqa: F821 (injected by Snakemake)
