"""How much a model's ensemble AUC moves with the seeds: the ensemble trained again for other master seeds.

    python -m benchmarks.seed_spread CONFIG MODEL SEED [SEED ...]

CONFIG is a study's config whose splits exist (its `results`/splits/); MODEL one of its `models:`. For each
master seed the model's replicas (the config's `replicas:` for it, seeds `replica_seeds(master, K)`) are
trained on the study's own splits with the pipeline's `build_model` and `fit`, each sampled at the test
split's size with the master seed (as rules/sample.smk samples with the config's seed), and their ensemble
(`ensemble_events`) and each replica are validated with `validate` seeded by the master seed (its
classifier test and floor too). Unconditional models only (a conditional one would need the test split's
condition values). Prints per seed the ensemble's classifier AUC, its floor and the replicas' AUCs, then
the mean over the seeds with the error of the mean: one run of the study draws a single value from that
spread. BENCHMARKS.md, "The flow's ensemble AUC over independent
seeds", holds the figures for configs/paper.yaml's flow.
"""

import sys

import numpy as np
import pandas as pd
import torch

from dijetgen.cli import checked_config
from dijetgen.errors import InputError
from dijetgen.models import build_model
from dijetgen.replicas import ensemble_events, model_replicas, replica_seeds, training_hparams
from dijetgen.validation import ValidationSettings, validate


def classifier_auc(sample: pd.DataFrame, train, test, config: dict, seed: int) -> tuple[float, float, float]:
    """(AUC, its error, the train-vs-test floor) of the classifier test of `sample` against the test split."""
    metrics = validate(sample, train, test, config["features"], ValidationSettings(**config["validation"]), seed)
    auc = metrics["classifier_auc"]
    return auc["generated"]["value"], auc["generated"]["error"], auc["floor"]["value"]


def main(config_path: str, model: str, *seeds: str) -> None:
    config = checked_config(config_path)
    torch.set_num_threads(1)
    if model not in config["models"]:
        raise InputError(f"{config_path}: models.{model}: no such model")
    folder = config["results"]
    train, val, test = (pd.read_parquet(f"{folder}/splits/{part}.parquet") for part in ("train", "val", "test"))
    entry = config["models"][model]
    if entry.get("condition"):
        raise InputError(f"{config_path}: models.{model}: conditional; this benchmark samples without a condition")
    replicas = len(model_replicas(config)[model])
    ensembles = []
    for master in map(int, seeds):
        samples, replica_aucs = [], []
        for seed in replica_seeds(master, replicas):
            generator = build_model(entry["kind"], config["features"], training_hparams(entry), seed)
            workdir = f"{folder}/bench/seed_spread/{model}/{master}/{seed}"
            generator.fit(train, val, workdir, "cpu", selection=config["selection"])
            samples.append(generator.sample(len(test), master))
            replica_aucs.append(classifier_auc(samples[-1], train, test, config, master)[0])
        auc, error, floor = classifier_auc(ensemble_events(samples, master), train, test, config, master)
        ensembles.append(auc)
        print(
            f"master seed {master}: ensemble AUC {auc:.4f} +- {error:.4f} (floor {floor:.4f}); replicas"
            f" {', '.join(f'{value:.4f}' for value in replica_aucs)}",
            flush=True,
        )
    if len(ensembles) > 1:
        spread = np.std(ensembles, ddof=1)
        print(
            f"{model}: ensemble AUC over {len(ensembles)} master seeds {np.mean(ensembles):.4f} +-"
            f" {spread / np.sqrt(len(ensembles)):.4f} (spread {spread:.4f})"
        )


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    try:
        main(*sys.argv[1:])
    except InputError as err:
        sys.exit(str(err))
