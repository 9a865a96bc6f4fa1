"""Snakemake adapter: compare one model's generated events with the test set and write metrics.json."""

import json

import pandas as pd

from dijetgen.atomic import write_json
from dijetgen.models import load_model
from dijetgen.snakemake_adapter import run
from dijetgen.validation import ValidationSettings, json_safe, latent_use_of, read_checked, summary_row, validate


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
    latent = latent_use_of(load_model(snakemake.input.model, features=params.features), tables["test"])
    if latent is not None:
        metrics["latent"] = latent
    with open(snakemake.input.training) as file:
        training = json.load(file)
    metrics["training"] = {key: training.get(key) for key in ("epochs_trained", "still_improving")}
    print(pd.Series(summary_row(name, metrics)).to_string())
    write_json(json_safe({"model": name} | metrics), snakemake.output[0], indent=1, allow_nan=False)


run(snakemake, validate_model)  # noqa: F821 (injected by Snakemake)
