"""Generative models of the dijet feature table, one kind per module, built and loaded by kind name.

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
from dijetgen.models.ae import AutoEncoder
from dijetgen.models.base import GenerativeModel, condition_problem
from dijetgen.models.cfm import FlowMatching
from dijetgen.models.flow import Flow
from dijetgen.models.gan import GAN
from dijetgen.models.vae import VariationalAutoEncoder

MODELS: dict[str, type[GenerativeModel]] = {
    cls.kind: cls for cls in (AutoEncoder, VariationalAutoEncoder, GAN, Flow, FlowMatching)
}


def check_condition(name: str, entry: dict, features: list[str], columns: list[str]) -> None:
    """A model entry's `condition` must name table `columns` that are not among the `features`."""
    condition = entry.get("condition", [])
    unknown = [column for column in condition if column not in columns]
    if unknown:
        raise InputError(f"models.{name}.condition: {', '.join(unknown)} not a feature-table column")
    problem = condition_problem(condition, features)
    if problem:
        raise InputError(f"models.{name}.condition: {problem}")


def build_model(kind: str, features: list[str], hparams: dict, seed: int) -> GenerativeModel:
    """An untrained model; unknown kinds and hyperparameters are InputErrors."""
    if kind not in MODELS:
        raise InputError(f"kind: {kind!r} is not one of {', '.join(MODELS)}")
    return MODELS[kind](features, hparams, seed)


def load_model(path, features: list[str] | None = None) -> GenerativeModel:
    """A saved model of any kind; with `features`, a model trained on other features is a CheckpointError."""
    header, tensors = load_checkpoint(path)
    if header.get("kind") not in MODELS:
        raise CheckpointError(f"{path}: unknown model kind {header.get('kind')!r}")
    return MODELS[header["kind"]].restore(path, header, tensors, features)
