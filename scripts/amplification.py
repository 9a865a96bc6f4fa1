"""Snakemake adapter: the amplification of one model at one training size N, over the configured draws
(dijetgen.amplification), each draw a real training of the model's kind and hyperparameters on N events."""

import tempfile

import pandas as pd
import torch

from dijetgen.amplification import AmplificationSettings, measure
from dijetgen.atomic import write_atomic
from dijetgen.models import build_model
from dijetgen.snakemake_adapter import run
from dijetgen.validation import read_checked

VALIDATION_FRACTION = 0.2  # of the N events, held back for the training's early stopping


def generator_fit(hparams: dict, features: list[str], device: str):
    """fit(events, seed) for dijetgen.amplification: a model trained on exactly these N events (a fifth of them
    for early stopping), and its sampler."""

    def fit(events, seed):
        table = pd.DataFrame(events, columns=features)
        n_val = max(1, int(VALIDATION_FRACTION * len(table)))
        model = build_model(hparams["kind"], features, hparams, seed)
        with tempfile.TemporaryDirectory() as workdir:
            model.fit(table.iloc[n_val:], table.iloc[:n_val], workdir, device)
        return lambda n, sample_seed: model.sample(n, seed=sample_seed)[features].to_numpy()

    return fit


def amplify(snakemake):
    params, output = snakemake.params, snakemake.output
    torch.set_num_threads(snakemake.threads)
    tables = {part: read_checked(snakemake.input[part], params.features) for part in ("train", "val", "test")}
    train = tables["train"][params.features].to_numpy()
    held_out = pd.concat([tables["val"], tables["test"]])[params.features].to_numpy()
    fit = generator_fit(params.hparams, params.features, snakemake.config["device"])
    settings = AmplificationSettings(**params.settings)
    draws, curves = measure(train, held_out, [params.size], params.draws, fit, settings, params.seed)
    model = snakemake.wildcards.model
    print(draws.to_string(index=False))
    write_atomic(lambda tmp: draws.assign(model=model).to_csv(tmp, index=False), output.draws)
    write_atomic(lambda tmp: curves.assign(model=model).to_csv(tmp, index=False), output.curves)


run(snakemake, amplify)  # noqa: F821 (injected by Snakemake)
