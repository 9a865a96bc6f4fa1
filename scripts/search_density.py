"""Snakemake adapter: train the conditional density of the search features on one injection's data of one
region (the sidebands for the template, the signal region for ANODE), or on the idealized reference's SR
events (the template's floor)."""

import os

import pandas as pd
import torch

from dijetgen.errors import InputError
from dijetgen.search import train_density, train_reference_density
from dijetgen.snakemake_adapter import run


def fit_density(snakemake):
    params = snakemake.params
    torch.set_num_threads(snakemake.threads)
    events = pd.read_parquet(snakemake.input[0])
    workdir, device = os.path.dirname(snakemake.output.model), snakemake.config["device"]
    try:
        if params.from_reference:
            model = train_reference_density(events, params.settings, workdir, device, params.seed)
        else:
            model = train_density(events, params.settings, workdir, device, params.seed, params.where)
    except InputError as err:
        raise InputError(f"search.density: {err}") from err
    model.save(snakemake.output.model)


run(snakemake, fit_density)  # noqa: F821 (injected by Snakemake)
