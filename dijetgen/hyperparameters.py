"""A model entry's hyperparameters resolved against its kind's defaults (dijetgen.registry), without torch, so a
config is checked when parsed.

>>> resolve("flow", {"epochs": 5})["transforms"]
4
>>> resolve("flow", {"latent_dim": 3})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
dijetgen.errors.InputError: latent_dim: not a hyperparameter of kind flow (epochs, ..., bins)
"""

from dijetgen.errors import InputError
from dijetgen.registry import KINDS

# Keys of a model entry that are not hyperparameters of its training: the kind, how many replicas of it
# train (dijetgen.replicas), and the generated events a particle model dresses (`from_model`), which no
# single training depends on.
ENTRY_KEYS = ("kind", "replicas", "from_model")


def resolve(kind: str, hparams: dict) -> dict:
    """The kind's defaults updated with `hparams` (without ENTRY_KEYS); an unknown kind or key is an InputError."""
    if kind not in KINDS:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
    known = KINDS[kind].defaults()
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
