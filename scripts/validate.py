"""Snakemake adapter: compare one model's generated events with the test set and write metrics.json."""

import json

import pandas as pd

from dijetgen.atomic import write_json
from dijetgen.models import load_model
from dijetgen.snakemake_adapter import run
from dijetgen.validation import ValidationSettings, json_safe, latent_use_of, read_checked, summary_row, validate


def file_list(files) -> list[str]:
    """A named input as a list: Snakemake gives one file as a string, several as a list."""
    return [files] if isinstance(files, str) else list(files)


def validate_model(snakemake):
    params, name = snakemake.params, snakemake.wildcards.model
    tables = {part: read_checked(snakemake.input[part], params.features) for part in ("generated", "train", "test")}
    metrics = validate(
        tables["generated"],
        tables["train"],
        tables["test"],
        params.features,
        ValidationSettings(**params.settings),
        params.seed,
        snakemake.threads,
        params.selection,
    )
    # One trained model, or an ensemble's replicas; latent use is one model's (summary.csv averages replicas').
    models = file_list(snakemake.input.model)
    if len(models) == 1:
        latent = latent_use_of(load_model(models[0], features=params.features), tables["test"])
        if latent is not None:
            metrics["latent"] = latent
    trainings = []
    for path in file_list(snakemake.input.training):
        with open(path) as file:
            trainings.append(json.load(file))
    metrics["training"] = {
        "epochs_trained": max(training["epochs_trained"] for training in trainings),
        "still_improving": any(training["still_improving"] for training in trainings),
    }
    print(pd.Series(summary_row(name, metrics)).to_string())
    write_json(json_safe({"model": name} | metrics), snakemake.output[0], indent=1, allow_nan=False)


run(snakemake, validate_model)  # noqa: F821 (injected by Snakemake)
