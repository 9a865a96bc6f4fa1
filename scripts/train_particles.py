"""Snakemake adapter: train one particle model on the constituents of the train/val split."""

import os

import pandas as pd
import torch

from dijetgen.atomic import write_json
from dijetgen.clouds import PARTICLE_CONDITION
from dijetgen.constituents import particle_jets, read_constituents
from dijetgen.errors import InputError
from dijetgen.models import build_model
from dijetgen.snakemake_adapter import run
from dijetgen.training import device_hparams


def train_particle_model(snakemake):
    name, params = snakemake.wildcards.particle_model, snakemake.params
    torch.set_num_threads(snakemake.threads)
    data = {
        part: particle_jets(
            pd.read_parquet(snakemake.input[part]),
            read_constituents([snakemake.input[f"{part}_particles"]]),
            params.cap,
        )
        for part in ("train", "val")
    }
    try:
        model = build_model(params.hparams["kind"], PARTICLE_CONDITION, params.hparams, params.seed)
        history = model.fit(
            data["train"], data["val"], os.path.dirname(snakemake.output.model), snakemake.config["device"]
        )
    except InputError as err:
        raise InputError(f"particle_models.{name}: {err}") from err
    model.save(snakemake.output.model)
    epoch_seconds = history["seconds"].median()
    print(f"{name}: {len(history)} epochs on {model.device}, {epoch_seconds:.1f} s per epoch (median)")
    summary = model.header() | {"name": name, "device": str(model.device), "epochs_trained": len(history)}
    summary |= {"device_hparams": device_hparams(model.hparams, model.device), "median_epoch_seconds": epoch_seconds}
    write_json(summary, snakemake.output.config, indent=2)


run(snakemake, train_particle_model)  # noqa: F821 (injected by Snakemake)
