"""Snakemake adapter: train one configured model on the train/val split and save it with its history."""

import logging
import os

import pandas as pd
import torch

from dijetgen.atomic import write_json
from dijetgen.errors import InputError
from dijetgen.models import build_model
from dijetgen.preprocessing import require_columns
from dijetgen.snakemake_adapter import run
from dijetgen.training import device_hparams, still_improving


def train_model(snakemake):
    name, params = snakemake.wildcards.model, snakemake.params
    torch.set_num_threads(snakemake.threads)
    tables = {}
    for part in ("train", "val"):
        tables[part] = pd.read_parquet(snakemake.input[part])
        require_columns(tables[part], params.features + params.hparams.get("condition", []), snakemake.input[part])
    try:
        model = build_model(params.hparams["kind"], params.features, params.hparams, params.seed)
        history = model.fit(
            tables["train"],
            tables["val"],
            os.path.dirname(snakemake.output.model),
            snakemake.config["device"],
            selection=params.selection,
        )
    except InputError as err:
        raise InputError(f"models.{name}: {err}") from err
    model.save(snakemake.output.model)
    print(f"{name}: {len(history)} epochs on {model.device}")
    summary = model.header() | {"name": name, "device": str(model.device), "epochs_trained": len(history)}
    summary["device_hparams"] = device_hparams(model.hparams, model.device)
    summary["still_improving"] = still_improving(
        history, summary["device_hparams"]["epochs"], summary["device_hparams"]["patience"]
    )
    if summary["still_improving"]:
        logging.warning(
            f"models.{name}: training reached epochs={len(history)} while the validation loss still improved; "
            "more epochs would likely help"
        )
    write_json(summary, snakemake.output.config, indent=2)


run(snakemake, train_model)  # noqa: F821 (injected by Snakemake)
