"""Generative models of the dijet feature table, one kind per module (declared in dijetgen.registry), built and
loaded by kind name.

model = build_model("flow", ["ptj1", "mj1"], {"epochs": 20}, seed=42)
model.fit(train, val, workdir="results/models/flow")
model.save("results/models/flow/model.pt")
events = load_model("results/models/flow/model.pt").sample(1000, seed=1)

Conditional models (any kind, `condition` among the hyperparameters) are sampled at given condition values:

model = build_model("cfm", ["mj1", "mj2"], {"condition": ["mjj"]}, seed=42)
events = model.sample(1000, seed=1, condition=test)   # test holds mjj; events hold mj1, mj2 and mjj
"""

from dijetgen.checkpoints import CheckpointError, load_checkpoint
from dijetgen.errors import InputError
from dijetgen.models.base import GenerativeModel
from dijetgen.registry import KINDS

# Kinds of feature-table rows, and kinds that generate the particles of given jets (configured under
# `particle_models:`): both share the training loop and checkpoints, not the feature-table fit/sample/score.
MODELS: dict[str, type[GenerativeModel]] = {name: kind.load() for name, kind in KINDS.items() if not kind.particles}
PARTICLE_MODELS: dict[str, type[GenerativeModel]] = {
    name: kind.load() for name, kind in KINDS.items() if kind.particles
}
CLASSES = MODELS | PARTICLE_MODELS


def build_model(kind: str, features: list[str], hparams: dict, seed: int) -> GenerativeModel:
    """An untrained model; unknown kinds and hyperparameters are InputErrors."""
    if kind not in CLASSES:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(CLASSES)}")
    return CLASSES[kind](features, hparams, seed)


def load_model(path, features: list[str] | None = None) -> GenerativeModel:
    """A saved model of any kind; with `features`, a model trained on other features is a CheckpointError."""
    header, tensors = load_checkpoint(path)
    if header.get("kind") not in CLASSES:
        raise CheckpointError(f"{path}: unknown model kind {header.get('kind')!r}")
    return CLASSES[header["kind"]].restore(path, header, tensors, features)
