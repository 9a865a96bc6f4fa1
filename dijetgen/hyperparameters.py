"""Every model kind's hyperparameters and their defaults, without torch, so a config is checked when parsed.

>>> resolve("flow", {"epochs": 5})["transforms"]
4
>>> resolve("flow", {"latent_dim": 3})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
dijetgen.errors.InputError: latent_dim: not a hyperparameter of kind flow (epochs, ..., bins)
"""

from dijetgen.errors import InputError

COMMON_DEFAULTS = {
    "epochs": 50,
    "batch_size": 256,
    "lr": 1e-3,
    "hidden": [64, 64],
    "patience": 10,
    "condition": [],
    "cuda": {},
}
# Keys of a model entry that are not hyperparameters of its training: the kind, and how many replicas of it
# train (dijetgen.replicas), which no single training depends on.
ENTRY_KEYS = ("kind", "replicas")
KIND_DEFAULTS = {
    "ae": {"latent_dim": 6, "gmm_components": 20, "residual_noise": True},
    "vae": {
        "latent_dim": 6,
        "beta": 1.0,
        "kl_warmup_epochs": 10,
        "score_with_kl": False,
        "free_bits": 0.0,
        "latent_sampling": "prior",
        "gmm_components": 20,
    },
    "gan": {
        "lr": 2e-4,
        "patience": 50,
        "latent_dim": 16,
        "loss": "nonsaturating",
        "betas": [0.5, 0.999],
        "n_critic": 1,
        "gp_weight": 10.0,
        "label_smoothing": 0.0,
        "ema_decay": 0.0,
    },
    "flow": {"flow": "nsf", "transforms": 4, "bins": 8},
    "cfm": {
        "hidden": [128, 128, 128],
        "solver": "dopri5",
        "atol": 1e-5,
        "rtol": 1e-5,
        "steps": 50,
        "ema_decay": 0.0,
    },
    # The particle-cloud kind (dijetgen.models.epicfm): configured under `particle_models:`, trained on the
    # constituent files, no anomaly score, no latent space. `hidden` is one width per EPiC layer.
    "epicfm": {
        "hidden": [64, 64, 64],
        "global_dim": 16,
        "solver": "midpoint",
        "atol": 1e-5,
        "rtol": 1e-5,
        "steps": 20,
        "ema_decay": 0.0,
    },
}
# Kinds that generate particle clouds rather than feature-table rows.
PARTICLE_KINDS = ("epicfm",)


def resolve(kind: str, hparams: dict) -> dict:
    """The kind's defaults updated with `hparams` (without ENTRY_KEYS); an unknown kind or key is an InputError."""
    if kind not in KIND_DEFAULTS:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(KIND_DEFAULTS)}")
    known = COMMON_DEFAULTS | KIND_DEFAULTS[kind]
    unknown = sorted(set(hparams) - set(known) - set(ENTRY_KEYS))
    if unknown:
        raise InputError(f"{', '.join(unknown)}: not a hyperparameter of kind {kind} ({', '.join(known)})")
    return known | {key: value for key, value in hparams.items() if key not in ENTRY_KEYS}


def condition_problem(condition: list[str], features: list[str]) -> str | None:
    """Why `condition` cannot go with `features` (a column that is both), or None."""
    both = [name for name in condition if name in features]
    return f"{', '.join(both)} also among the features; a column is one or the other" if both else None


def check_condition(name: str, entry: dict, features: list[str], columns: list[str]) -> None:
    """A model entry's `condition` must name table `columns` that are not among the `features`."""
    condition = entry.get("condition", [])
    unknown = [column for column in condition if column not in columns]
    if unknown:
        raise InputError(f"models.{name}.condition: {', '.join(unknown)} not a feature-table column")
    problem = condition_problem(condition, features)
    if problem:
        raise InputError(f"models.{name}.condition: {problem}")
