"""What every generative model shares: hyperparameters, preprocessing, fit/sample/score, save/load.

A model kind subclasses GenerativeModel and fills in `build` (its networks), `train_step`,
`validation_losses`, `generate` (standardised samples) and `score_standardised`. Models work in the
standardised space of dijetgen.preprocessing; the public methods take and return physical-unit DataFrames.

Any kind may be conditional: with `condition: [mjj]` it learns p(features | mjj). The condition columns get
their own fitted transform, and the tensors the kinds see hold the standardised features followed by the
standardised condition (`split` takes them apart), so the training loop batches both together. An
unconditional model has an empty condition block and the same networks as before conditioning existed::

    model = build_model("flow", ["mj1", "mj2"], {"condition": ["mjj"]}, seed=1)
    model.fit(sidebands, sideband_val, workdir)        # frames with mj1, mj2 and mjj
    events = model.sample(1000, seed=2, condition=signal_region)   # mj1, mj2 and mjj, at signal-region mjj
"""

from typing import ClassVar

import numpy as np
import pandas as pd
import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel

from dijetgen import training
from dijetgen.checkpoints import CheckpointError, first_sentence, save_checkpoint
from dijetgen.errors import InputError
from dijetgen.hyperparameters import condition_problem, resolve
from dijetgen.preprocessing import FeatureTransform

CHUNK = 65536  # rows per forward pass when sampling or scoring, to bound memory


def mlp(n_in: int, hidden: list[int], n_out: int, activation=nn.SiLU) -> nn.Sequential:
    layers = []
    for width in hidden:
        layers += [nn.Linear(n_in, width), activation()]
        n_in = width
    return nn.Sequential(*layers, nn.Linear(n_in, n_out))


def ema_rate(decay: float, updates: int) -> float:
    """The moving average's decay at its `updates`-th update: `decay`, warmed up as (1 + n) / (10 + n).

    Without the warm-up the first weights, random ones, keep a share decay ** n of the average: 26 % after
    the 1350 steps of a CPU-sized particle training at 0.999. With it their share falls below 1e-6 within 60
    steps, and the average then follows the last ~1 / (1 - decay) steps.

    >>> round(ema_rate(0.999, 1), 4), round(ema_rate(0.999, 100), 4), ema_rate(0.999, 100_000)
    (0.1818, 0.9182, 0.999)
    """
    return min(decay, (1 + updates) / (10 + updates))


def moving_average(net: nn.Module, decay: float) -> AveragedModel:
    """A copy of `net` whose weights follow net's as an exponential moving average (`update_parameters`
    after each optimiser step), with a warm-up (ema_rate). Samples from averaged weights are usually better
    than from the last step's, which keep moving around the optimum (GANs: Yazıcı et al. 2019; flow matching
    and diffusion alike)."""
    if not 0.0 < decay < 1.0:
        raise InputError(f"ema_decay: {decay} must be in [0, 1)")

    @torch.no_grad()
    def update(averaged, current, updates):
        weight = 1.0 - ema_rate(decay, int(updates))
        for average, value in zip(averaged, current, strict=True):
            average.lerp_(value, weight)

    return AveragedModel(net, multi_avg_fn=update)


class GenerativeModel:
    kind: ClassVar[str]
    warmup_epochs = 0
    # Kinds whose score_standardised is -log p of the standardised features: `score` adds the preprocessing's
    # log-Jacobian, so events are ranked by density in physical units, not in the log-scaled space.
    scores_density: ClassVar[bool] = False

    def __init__(self, features: list[str], hparams: dict, seed: int):
        self.hparams = resolve(self.kind, hparams)
        self.features = list(features)
        self.condition = list(self.hparams["condition"])
        problem = condition_problem(self.condition, self.features)
        if problem:
            raise InputError(f"condition: {problem}")
        training.check_device_overrides(self.hparams["cuda"])
        self.seed = int(seed)
        self.transform: FeatureTransform | None = None
        self.condition_transform = FeatureTransform.empty(self.condition)
        self.device = torch.device("cpu")
        torch.manual_seed(self.seed)  # identical initial weights for a given seed
        self.nets: dict[str, nn.Module] = self.build(len(self.features))
        self.optimizers: dict[str, torch.optim.Optimizer] = {}  # built by fit, with the lr of the chosen device

    # --- what a model kind provides -------------------------------------------------------------------
    def build(self, n_features: int) -> dict[str, nn.Module]:
        raise NotImplementedError

    def build_optimizers(self, lr: float) -> dict[str, torch.optim.Optimizer]:
        params = [p for net in self.nets.values() for p in net.parameters()]
        return {"adam": torch.optim.Adam(params, lr=lr)}

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

    def generate(self, condition: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Standardised features of one event per row of the standardised `condition` ((n, 0) if none)."""
        raise NotImplementedError

    def score_standardised(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def after_fit(self, x_train: torch.Tensor) -> None:
        """Hook for work on the final weights (the AE fits its latent density here)."""

    @property
    def n_condition(self) -> int:
        return len(self.condition)

    def split(self, batch: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(features, condition) columns of a standardised batch; the condition is (n, 0) if there is none."""
        return batch[:, : len(self.features)], batch[:, len(self.features) :]

    # --- the shared interface -------------------------------------------------------------------------
    def fit(
        self, train: pd.DataFrame, val: pd.DataFrame, workdir, device="auto", max_epochs=None, selection=None
    ) -> pd.DataFrame:
        """Train with the shared loop (see dijetgen.training.train); returns the per-epoch history.

        Both frames hold the feature and condition columns. On a GPU the entry's `cuda:` overrides apply.
        With the event `selection` ({min_pt, max_abs_eta}) that the training events passed, generated events
        keep ptj1 above min_pt (dijetgen.preprocessing).
        """
        device = training.choose_device(device)
        self._check_condition_columns(train, "train")
        self.transform = FeatureTransform.fit(train, self.features, selection)
        self.condition_transform = FeatureTransform.fit(train, self.condition)
        x_train, x_val = self._standardise(train), self._standardise(val)
        self.optimizers = self.build_optimizers(training.device_hparams(self.hparams, device)["lr"])
        history, finished = training.train(self, x_train, x_val, workdir, device=device, max_epochs=max_epochs)
        if finished:
            self._eval()
            with torch.no_grad():
                self.after_fit(x_train.to(self.device))
        return history

    def sample(self, n: int, seed: int, condition: pd.DataFrame | np.ndarray | None = None) -> pd.DataFrame:
        """n events in physical units (float64, on the CPU whatever the device); the same seed, the same events.

        A conditional model needs `condition`: a frame with the condition columns, or an array of their
        values ((m,) for one column, else (m, columns)). With m == n row i is generated at row i's values;
        otherwise n rows are drawn from it with replacement (seeded). The condition columns come back as
        given, after the feature columns.
        """
        values = self._condition_values(n, seed, condition)
        c = torch.as_tensor(self.condition_transform.forward(values), dtype=torch.float32)
        if not c.isfinite().all():
            names = ", ".join(self.condition)
            raise InputError(f"condition: values of {names} must be finite and physical (masses >= 0)")
        generator = torch.Generator().manual_seed(seed)
        self._eval()
        with torch.no_grad():
            parts = [self.generate(c[i : i + CHUNK].to(self.device), generator) for i in range(0, n, CHUNK)]
        z = torch.cat(parts) if parts else torch.empty(0, len(self.features))
        events = self._require_transform().inverse(z.cpu().double().numpy())
        return pd.concat([events, values.astype(np.float64)], axis=1)

    def score(self, table: pd.DataFrame) -> np.ndarray:
        """Per-event anomaly score (higher = less like the training data); see each kind for its meaning."""
        x = self._standardise(table).to(self.device)  # first: it names a missing column
        columns = self.features + self.condition
        finite = np.isfinite(table[columns].to_numpy(np.float64)).all(axis=1)
        if not finite.all():
            raise InputError(
                f"score: {np.count_nonzero(~finite)} event(s) with a non-finite value in {', '.join(columns)} "
                f"(first: row {int(np.argmin(finite))}); a score of such an event would be NaN"
            )
        self._eval()
        with torch.no_grad():
            scores = torch.cat([self.score_standardised(x[i : i + CHUNK]) for i in range(0, len(x), CHUNK)])
        scores = scores.cpu().double().numpy()
        return scores - self._require_transform().log_abs_det_jacobian(table) if self.scores_density else scores

    def header(self) -> dict:
        return {"kind": self.kind, "features": self.features, "hparams": self.hparams, "seed": self.seed}

    def save(self, path) -> None:
        header = self.header() | {
            "transform": self._require_transform().to_dict(),
            "condition_transform": self.condition_transform.to_dict(),
        }
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
            if model.condition:
                model.condition_transform = FeatureTransform.from_dict(header["condition_transform"])
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
        """The standardised features, then the standardised condition, of every row of `table`."""
        self._check_condition_columns(table, "table")
        z = np.hstack([self._require_transform().forward(table), self.condition_transform.forward(table)])
        return torch.as_tensor(z, dtype=torch.float32)

    def _check_condition_columns(self, table: pd.DataFrame, what: str) -> None:
        missing = [name for name in self.condition if name not in table.columns]
        if missing:
            raise InputError(f"condition: the {what} has no column(s) {', '.join(missing)} to condition on")

    def _condition_values(self, n: int, seed: int, condition) -> pd.DataFrame:
        """(n, condition columns) frame of the values to generate at; (n, 0) for an unconditional model."""
        if not self.condition:
            if condition is not None:
                raise InputError(f"condition: this {self.kind} model is not conditional; sample it without one")
            return pd.DataFrame(index=range(n))
        if condition is None:
            raise InputError(f"condition: this {self.kind} model needs values of {', '.join(self.condition)}")
        if isinstance(condition, pd.DataFrame):
            self._check_condition_columns(condition, "condition table")
            table = condition[self.condition]
        else:
            values = np.asarray(condition, dtype=np.float64).reshape(len(condition), -1)
            if values.shape[1] != self.n_condition:
                raise InputError(f"condition: {values.shape[1]} columns given for {', '.join(self.condition)}")
            table = pd.DataFrame(values, columns=self.condition)
        if table.empty:
            raise InputError("condition: the condition table has no rows")
        if len(table) != n:
            table = table.iloc[np.random.default_rng(seed).integers(0, len(table), n)]
        return table.reset_index(drop=True)

    def _require_transform(self) -> FeatureTransform:
        if self.transform is None:
            raise RuntimeError(f"{self.kind} model: fit or load it before use")
        return self.transform


class LatentModel(GenerativeModel):
    """A model with an encoder to a latent code and a decoder back: the AE and the VAE."""

    def mean_code(self, x: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError

    def encode(self, table: pd.DataFrame) -> np.ndarray:
        """(n, latent_dim) code of each event (the mean of q(z|x, c) for the VAE)."""
        x = self._standardise(table).to(self.device)
        self._eval()
        with torch.no_grad():
            return self.mean_code(x).cpu().numpy()

    def decode(self, z: np.ndarray, condition: pd.DataFrame | np.ndarray | None = None) -> pd.DataFrame:
        """The decoder's output for codes z, in physical units, without a VAE's observation noise.

        A conditional model decodes at `condition` (as in `sample`); without it, at the training mean of the
        standardised condition, a typical value, so latent traversals need no condition.
        """
        if condition is None:
            c = torch.zeros(len(z), self.n_condition)
        else:
            c = torch.as_tensor(self.condition_transform.forward(self._condition_values(len(z), 0, condition)))
        self._eval()
        with torch.no_grad():
            codes = torch.as_tensor(z, dtype=torch.float32, device=self.device)
            x = self.decoder(codes, c.float().to(self.device))
        return self._require_transform().inverse(x.cpu().double().numpy())

    def decoder(self, z: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        """The decoder's mean of the standardised features at codes z and standardised condition c."""
        return self.nets["decoder"](torch.cat([z, c], dim=1))
