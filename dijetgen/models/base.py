"""What every generative model shares: hyperparameters, preprocessing, fit/sample/score, save/load.

A model kind subclasses GenerativeModel and fills in `build` (its networks), `train_step`,
`validation_losses`, `generate` (standardised samples) and `score_standardised`. Models work in the
standardised space of dijetgen.preprocessing; the public methods take and return physical-unit DataFrames.
"""

from typing import ClassVar

import numpy as np
import pandas as pd
import torch
from torch import nn

from dijetgen import training
from dijetgen.checkpoints import CheckpointError, first_sentence, save_checkpoint
from dijetgen.errors import InputError
from dijetgen.preprocessing import FeatureTransform

COMMON_DEFAULTS = {"epochs": 50, "batch_size": 256, "lr": 1e-3, "hidden": [64, 64], "patience": 10}
CHUNK = 65536  # rows per forward pass when sampling or scoring, to bound memory


def mlp(n_in: int, hidden: list[int], n_out: int, activation=nn.SiLU) -> nn.Sequential:
    layers = []
    for width in hidden:
        layers += [nn.Linear(n_in, width), activation()]
        n_in = width
    return nn.Sequential(*layers, nn.Linear(n_in, n_out))


class GenerativeModel:
    kind: ClassVar[str]
    defaults: ClassVar[dict] = {}
    warmup_epochs = 0

    def __init__(self, features: list[str], hparams: dict, seed: int):
        known = COMMON_DEFAULTS | self.defaults
        unknown = sorted(set(hparams) - set(known) - {"kind"})
        if unknown:
            raise InputError(f"{', '.join(unknown)}: not a hyperparameter of kind {self.kind} ({', '.join(known)})")
        self.features = list(features)
        self.hparams = known | {k: v for k, v in hparams.items() if k != "kind"}
        self.seed = int(seed)
        self.transform: FeatureTransform | None = None
        self.device = torch.device("cpu")
        torch.manual_seed(self.seed)  # identical initial weights for a given seed
        self.nets: dict[str, nn.Module] = self.build(len(self.features))
        self.optimizers = self.build_optimizers()

    # --- what a model kind provides -------------------------------------------------------------------
    def build(self, n_features: int) -> dict[str, nn.Module]:
        raise NotImplementedError

    def build_optimizers(self) -> dict[str, torch.optim.Optimizer]:
        params = [p for net in self.nets.values() for p in net.parameters()]
        return {"adam": torch.optim.Adam(params, lr=self.hparams["lr"])}

    def train_step(self, batch: torch.Tensor, epoch: int) -> dict[str, torch.Tensor]:
        """One optimisation step on a batch; returns its loss terms as detached scalar tensors."""
        raise NotImplementedError

    @staticmethod
    def descend(loss: torch.Tensor, optimizer: torch.optim.Optimizer) -> None:
        """One gradient step of `optimizer` on `loss`."""
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def validation_losses(self, x: torch.Tensor, epoch: int) -> dict[str, float]:
        """Loss terms on the whole validation set; "val_loss" is the one early stopping watches."""
        raise NotImplementedError

    def generate(self, n: int, generator: torch.Generator) -> torch.Tensor:
        raise NotImplementedError

    def score_standardised(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def after_fit(self, x_train: torch.Tensor) -> None:
        """Hook for work on the final weights (the AE fits its latent density here)."""

    # --- the shared interface -------------------------------------------------------------------------
    def fit(self, train: pd.DataFrame, val: pd.DataFrame, workdir, device="auto", max_epochs=None) -> pd.DataFrame:
        """Train with the shared loop (see dijetgen.training.train); returns the per-epoch history."""
        self.transform = FeatureTransform.fit(train, self.features)
        x_train, x_val = self._standardise(train), self._standardise(val)
        history, finished = training.train(
            self, x_train, x_val, workdir, device=training.choose_device(device), max_epochs=max_epochs
        )
        if finished:
            self._eval()
            with torch.no_grad():
                self.after_fit(x_train.to(self.device))
        return history

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        """n events in physical units with the feature columns; the same seed gives the same events."""
        generator = torch.Generator().manual_seed(seed)
        self._eval()
        with torch.no_grad():
            parts = [self.generate(min(CHUNK, n - start), generator) for start in range(0, n, CHUNK)]
        z = torch.cat(parts) if parts else torch.empty(0, len(self.features))
        return self._require_transform().inverse(z.cpu().double().numpy())

    def score(self, table: pd.DataFrame) -> np.ndarray:
        """Per-event anomaly score (higher = less like the training data); see each kind for its meaning."""
        x = self._standardise(table).to(self.device)
        self._eval()
        with torch.no_grad():
            return torch.cat([self.score_standardised(x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)]).cpu().numpy()

    def header(self) -> dict:
        return {"kind": self.kind, "features": self.features, "hparams": self.hparams, "seed": self.seed}

    def save(self, path) -> None:
        header = self.header() | {"transform": self._require_transform().to_dict()}
        save_checkpoint(path, header, {name: net.state_dict() for name, net in self.nets.items()})

    @classmethod
    def restore(cls, path, header: dict, tensors: dict, features: list[str] | None) -> "GenerativeModel":
        """Rebuild a model from a checkpoint's contents; dijetgen.models.load_model reads the file."""
        if features is not None and list(features) != header["features"]:
            raise CheckpointError(
                f"{path}: trained on features {header['features']}, but {list(features)} are configured"
            )
        try:
            model = cls(header["features"], header["hparams"], header["seed"])
            model.transform = FeatureTransform.from_dict(header["transform"])
            for name, net in model.nets.items():
                net.load_state_dict(tensors[name])
        except (KeyError, TypeError, RuntimeError, InputError) as err:
            raise CheckpointError(f"{path}: does not match its {cls.kind} settings ({first_sentence(err)})") from err
        return model

    def to(self, device: torch.device) -> "GenerativeModel":
        self.device = torch.device(device)
        for net in self.nets.values():
            net.to(self.device)
        return self

    def _eval(self) -> None:
        for net in self.nets.values():
            net.eval()

    def _standardise(self, table: pd.DataFrame) -> torch.Tensor:
        return torch.as_tensor(self._require_transform().forward(table), dtype=torch.float32)

    def _require_transform(self) -> FeatureTransform:
        if self.transform is None:
            raise RuntimeError(f"{self.kind} model: fit or load it before use")
        return self.transform


class LatentModel(GenerativeModel):
    """A model with an encoder to a latent code and a decoder back: the AE and the VAE."""

    def mean_code(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def encode(self, table: pd.DataFrame) -> np.ndarray:
        """(n, latent_dim) code of each event (the mean of q(z|x) for the VAE)."""
        x = self._standardise(table).to(self.device)
        self._eval()
        with torch.no_grad():
            return self.mean_code(x).cpu().numpy()

    def decode(self, z: np.ndarray) -> pd.DataFrame:
        """The decoder's output for codes z, in physical units, without a VAE's observation noise."""
        self._eval()
        with torch.no_grad():
            x = self.nets["decoder"](torch.as_tensor(z, dtype=torch.float32, device=self.device))
        return self._require_transform().inverse(x.cpu().double().numpy())
