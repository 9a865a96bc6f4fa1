"""Independent trainings of one model: the seed of each replica, for models (`replicas:`) and for the search's
repeated density trainings (`search.repeats:`), so both vary their training seeds the same way::

    replica_seeds(42, 3)   # [42, ..., ...]: replica 0 keeps the base seed, so one replica is the plain model

A model with `replicas: K` > 1 (top level, or its own entry's key) is K trainings on the same data. Their
names and folders (model_replicas), relative to the study folder::

    replica      trains into       sampled to                    validated into
    flow         models/flow/      samples/flow.parquet          validation/flow/              (K = 1)
    flow/replica0  models/flow/    samples/flow/replica0.parquet validation/flow/replica0/     (K > 1)
    flow/replica1  models/flow/replica1/ samples/flow/replica1.parquet validation/flow/replica1/

Replica 0 trains into the plain model's folder with the plain model's seed, so raising K from 1 trains only
the new replicas. With K > 1 the model's own name is its ensemble: samples/flow.parquet draws each event
from one replica, evenly (ensemble_assignment), and is validated and scored like a single model.
"""

import math
import zlib
from typing import NamedTuple

import numpy as np
import pandas as pd

from dijetgen.hyperparameters import ENTRY_KEYS

# The summary columns whose spread over replicas summary.csv reports.
SPREAD_COLUMNS = ("classifier_auc", "median_w1_ratio", "fpd")
# Latent use is a property of one trained model: an ensemble's row takes its replicas' mean.
LATENT_COLUMNS = ("active_units", "kl_per_dim")


def replica_seed(seed: int, replica: int, level: str = "replica") -> int:
    """The training seed of replica `replica` (0, 1, ...) of a model whose base seed is `seed`.

    Replica 0 is the model as trained without replicas; the others get well-separated seeds from a hash, so
    adding a replica never changes the seeds (and the cached trainings) of the existing ones. Replicas
    nested in replicas (the search's density replicas inside its repeats) hash another `level`: with one
    hash for both, the sum seed + h(repeat) + h(replica) would give replica k of repeat 0 the seed of
    repeat k's own training, so two "independent" trainings would be one.
    """
    if replica == 0:
        return seed
    return (seed + zlib.crc32(f"{level}{replica}".encode())) % 2**31


def replica_seeds(seed: int, replicas: int) -> list[int]:
    return [replica_seed(seed, replica) for replica in range(replicas)]


class Replica(NamedTuple):
    """One training of a model: `name` is its sample's and validation's name, `training` its models/ folder."""

    name: str
    model: str
    index: int
    training: str
    seed: int


def training_hparams(entry: dict) -> dict:
    """A model entry without its replica count or the events it dresses (a particle model's `from_model`):
    its kind and what one training depends on (and its checkpoint records)."""
    return {key: value for key, value in entry.items() if key == "kind" or key not in ENTRY_KEYS}


def model_replicas(config: dict) -> dict[str, list[Replica]]:
    """{model: its replicas} for every entry of `models:`; an entry's `replicas:` overrides the top-level one."""
    out = {}
    for model, entry in config["models"].items():
        count = entry.get("replicas", config["replicas"])
        if count == 1:
            out[model] = [Replica(model, model, 0, model, config["seed"])]
            continue
        out[model] = [
            Replica(f"{model}/replica{index}", model, index, model if index == 0 else f"{model}/replica{index}", seed)
            for index, seed in enumerate(replica_seeds(config["seed"], count))
        ]
    return out


def ensemble_assignment(n_events: int, n_replicas: int, seed: int) -> np.ndarray:
    """Which replica each of `n_events` ensemble events comes from: every replica equally often (to within
    one event), in a seeded random order."""
    return np.random.default_rng(seed).permutation(np.arange(n_events) % n_replicas)


def ensemble_events(samples: list[pd.DataFrame], seed: int) -> pd.DataFrame:
    """The ensemble's sample from its replicas' equally long samples: event i is event i of replica
    ensemble_assignment[i], so a conditional ensemble keeps the condition values its replicas were sampled at."""
    if len({len(sample) for sample in samples}) != 1:
        raise ValueError(f"replica samples of unequal lengths {[len(sample) for sample in samples]}")
    assignment = ensemble_assignment(len(samples[0]), len(samples), seed)
    events = samples[0].copy()
    for replica, sample in enumerate(samples[1:], start=1):
        events[assignment == replica] = sample[assignment == replica]
    return events


def replica_spread(row: dict, replica_rows: list[dict]) -> dict:
    """A model's summary row with `replicas` and, per SPREAD_COLUMNS, the mean and standard deviation (ddof 1)
    over its replicas' rows; NaN with one replica, whose spread is unknown. An ensemble's latent use is its
    replicas' mean."""
    out = dict(row) | {"replicas": len(replica_rows)}
    for column in LATENT_COLUMNS:
        if math.isnan(out[column]):
            out[column] = float(np.mean([replica[column] for replica in replica_rows]))
    for column in SPREAD_COLUMNS:
        values = np.array([replica[column] for replica in replica_rows], dtype=float)
        out[f"{column}_replica_mean"] = float(values.mean())
        out[f"{column}_replica_std"] = float(values.std(ddof=1)) if len(values) > 1 else math.nan
    return out


def trainings_behind(replicas: dict[str, list[Replica]], name: str) -> list[str]:
    """The models/ folders behind a sampled or validated `name`: a replica's own training, or every replica's
    of an ensemble (a model with more than one replica)."""
    if name in replicas and len(replicas[name]) > 1:
        return [replica.training for replica in replicas[name]]
    return [next(replica.training for group in replicas.values() for replica in group if replica.name == name)]
