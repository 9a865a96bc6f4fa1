"""A particle-cloud generator: conditional flow matching of each jet's constituents with an EPiC vector field.

The EPiC layers (Buhmann, Kasieczka & Thaler, arXiv:2301.08128; as flow matching in EPiC-FM, arXiv:2310.06897)
alternate a per-particle MLP with a global vector built from the masked mean and sum of the particles, so the
field is permutation-equivariant and costs O(particles), not O(particles^2) as attention would. It learns
p(particles | jet) for one jet at a time, conditioned on the jet's (pT, eta, mass, multiplicity); j1 and j2
of each event are two training jets. A jet with nconst particles (at most the constituent cap) occupies the
first nconst slots of a padded (cap, 3) array; the mask keeps the padded slots out of the pooling, the loss
and the samples, which tests/test_epicfm.py checks.

Each particle is (log pt_rel, deta, dphi), standardised with the training particles' mean and spread; the
condition is (log pt, eta, log(1 + m), log nconst), standardised likewise. Flow matching is that of
dijetgen.models.cfm, on every real particle: straight paths from N(0, 1) noise, velocity regression, the
same torchdiffeq solvers, the same optional moving average of the weights (`ema_decay`).

    model = build_model("epicfm", PARTICLE_CONDITION, {"epochs": 20}, seed=1)
    model.fit(ParticleJets(...), ParticleJets(...), workdir)
    values, mask = model.sample_particles(jets, seed=2)   # jets: a frame of pt, eta, m, nconst
"""

import numpy as np
import pandas as pd
import torch
from torch import nn

from dijetgen import training
from dijetgen.checkpoints import CheckpointError, first_sentence, save_checkpoint
from dijetgen.clouds import FIELDS, PARTICLE_CONDITION, ParticleJets
from dijetgen.errors import InputError
from dijetgen.models.base import CHUNK, GenerativeModel, mlp, moving_average
from dijetgen.models.cfm import ADAPTIVE_SOLVERS, FIXED_SOLVERS, FlowMatching

N_FEATURES = len(FIELDS)  # (pt_rel, deta, dphi) per particle


def _condition_features(jets: pd.DataFrame) -> np.ndarray:
    return np.column_stack(
        [np.log(jets["pt"]), jets["eta"], np.log1p(jets["m"]), np.log(np.maximum(jets["nconst"], 1))]
    )


def _radial(angles: np.ndarray, scale: float, inverse: bool = False) -> np.ndarray:
    """(deta, dphi) with the distance r from the jet axis mapped to scale * asinh(r / scale) (or back), the
    direction kept: linear in the core, logarithmic beyond `scale`, so that the hard particles a few
    milliradians from the axis are not lost in the spread of the wide-angle ones."""
    if not scale:
        return angles
    r = np.hypot(angles[..., 0], angles[..., 1])[..., None]
    mapped = scale * (np.sinh(r / scale) if inverse else np.arcsinh(r / scale))
    return angles * np.divide(mapped, r, out=np.ones_like(r), where=r > 0)


def _particle_features(values: np.ndarray, angle_scale: float) -> np.ndarray:
    # Padded pt_rel of 0 would be -inf: those slots are masked everywhere, so any finite value serves.
    log_pt = np.log(np.where(values[..., 0] > 0, values[..., 0], 1.0))
    return np.concatenate([log_pt[..., None], _radial(values[..., 1:], angle_scale)], axis=-1)


def transverse_sum(values: np.ndarray) -> np.ndarray:
    """|sum of pt_rel * (cos dphi, sin dphi)| per jet: the pT of the particles' sum over the jet's pT.

    The field draws each particle's pt_rel with the others in view, but nothing makes them add up: at 60
    epochs the sum spreads over 0.57-1.48 (5-95 %) where the data's lies within 0.99-1.03. Samples are
    divided by it, so that the particles rebuild the pT of the jet they were drawn for; the EFPs and tau_N
    (ratios of pT) are unchanged by it, the rebuilt mass follows the pT."""
    pt = values[..., 0]
    return np.maximum(np.hypot((pt * np.cos(values[..., 2])).sum(-1), (pt * np.sin(values[..., 2])).sum(-1)), 1e-12)


class EPiCLayer(nn.Module):
    """Global update from the masked mean and (scaled) sum of the particles, then a per-particle update
    from each particle, the new global vector and the context (time and condition); both residual."""

    def __init__(self, width: int, global_dim: int, context: int):
        super().__init__()
        self.global_net = mlp(2 * width + global_dim + context, [width], global_dim, nn.LeakyReLU)
        self.particle_net = mlp(width + global_dim + context, [width], width, nn.LeakyReLU)

    def forward(self, p, g, context, mask):
        m = mask.unsqueeze(-1)
        total = (p * m).sum(dim=1)
        mean = total / m.sum(dim=1).clamp(min=1)
        # The sum tells the multiplicity; scaled by the slot count so its size does not grow with the cap.
        g = g + self.global_net(torch.cat([mean, total / mask.shape[1], g, context], dim=1))
        local = torch.cat(
            [p, g.unsqueeze(1).expand(-1, p.shape[1], -1), context.unsqueeze(1).expand(-1, p.shape[1], -1)], -1
        )
        return (p + self.particle_net(local)) * m, g


class EPiCField(nn.Module):
    """v(x, t, c) for a padded (n, slots, 3) cloud; zero at the padded slots."""

    def __init__(self, n_condition: int, width: int, layers: int, global_dim: int):
        super().__init__()
        context = 1 + n_condition
        self.particle_in = nn.Linear(N_FEATURES + context, width)
        self.global_in = mlp(context, [width], global_dim, nn.LeakyReLU)
        self.layers = nn.ModuleList(EPiCLayer(width, global_dim, context) for _ in range(layers))
        self.particle_out = nn.Linear(width, N_FEATURES)

    def forward(self, t, x, c, mask):
        context = torch.cat([t.reshape(-1, 1).expand(len(x), 1), c], dim=1)
        m = mask.unsqueeze(-1)
        p = (
            nn.functional.leaky_relu(
                self.particle_in(torch.cat([x, context.unsqueeze(1).expand(-1, x.shape[1], -1)], -1))
            )
            * m
        )
        g = self.global_in(context)
        for layer in self.layers:
            p, g = layer(p, g, context, mask)
        return self.particle_out(p) * m


class EPiCFlowMatching(GenerativeModel):
    """`features` are the jet condition (PARTICLE_CONDITION). The shared training loop batches rows of one
    tensor, so each jet is one row: its standardised condition, its cap * 3 standardised particle values,
    then its cap mask entries."""

    kind = "epicfm"

    def __init__(self, features, hparams, seed):
        if list(features) != PARTICLE_CONDITION:
            raise InputError(f"features: an epicfm model is conditioned on {PARTICLE_CONDITION}, not {features}")
        super().__init__(features, hparams, seed)
        if self.condition:
            raise InputError("condition: an epicfm model is conditioned on its jet; remove `condition`")
        # Fitted: the standardisation of particles and condition, and the slots per jet (the constituent
        # files' cap, read from the training data; the field itself works for any number of slots).
        self.scales: dict[str, np.ndarray] | None = None
        self.cap = 0

    def build(self, n_features):
        solvers = ADAPTIVE_SOLVERS + FIXED_SOLVERS
        if self.hparams["solver"] not in solvers:
            raise InputError(f"solver: {self.hparams['solver']!r} is not one of {', '.join(solvers)}")
        widths = set(self.hparams["hidden"])
        if len(widths) != 1:
            raise InputError(f"hidden: {self.hparams['hidden']} must repeat one width (one entry per EPiC layer)")
        field = EPiCField(n_features, widths.pop(), len(self.hparams["hidden"]), self.hparams["global_dim"])
        nets = {"field": field}
        if self.hparams["ema_decay"]:
            nets["field_ema"] = moving_average(field, self.hparams["ema_decay"])
        return nets

    build_optimizers = FlowMatching.build_optimizers
    _final_field = FlowMatching._final_field
    _solve = FlowMatching._solve

    # --- the packed rows --------------------------------------------------------------------------------
    def _pack(self, data: ParticleJets) -> torch.Tensor:
        values, mask = data.values, data.mask
        if values.shape[1] != self.cap:
            raise InputError(f"constituents.cap: the data have {values.shape[1]} slots per jet, the model {self.cap}")
        c = (_condition_features(data.jets) - self.scales["condition_mean"]) / self.scales["condition_std"]
        particles = _particle_features(values, self.hparams["angle_scale"])
        x = (particles - self.scales["particle_mean"]) / self.scales["particle_std"]
        x = np.where(mask[..., None], x, 0.0)
        return torch.as_tensor(np.hstack([c, x.reshape(len(x), -1), mask]), dtype=torch.float32)

    def _unpack(self, batch):
        n_c = len(self.features)
        x = batch[:, n_c : n_c + N_FEATURES * self.cap].reshape(len(batch), self.cap, N_FEATURES)
        return x, batch[:, :n_c], batch[:, n_c + N_FEATURES * self.cap :]

    def _loss(self, field, batch, x0, t):
        x1, c, mask = self._unpack(batch)
        xt = (1 - t.unsqueeze(-1)) * x0 + t.unsqueeze(-1) * x1
        squared = (field(t, xt, c, mask) - (x1 - x0)).pow(2).sum(dim=-1)
        # Mean over the real particles only: a padded slot never reaches the loss.
        return (squared * mask).sum() / (N_FEATURES * mask.sum().clamp(min=1))

    def train_step(self, batch, epoch):
        n = len(batch)
        x0 = torch.randn(n, self.cap, N_FEATURES, device=batch.device)
        loss = self._loss(self.nets["field"], batch, x0, torch.rand(n, 1, device=batch.device))
        self.descend(loss, self.optimizers["adam"])
        if "field_ema" in self.nets:
            self.nets["field_ema"].update_parameters(self.nets["field"])
        return {"fm": loss.detach()}

    def validation_losses(self, x, epoch):
        generator = torch.Generator().manual_seed(self.seed)
        x0 = torch.randn(len(x), self.cap, N_FEATURES, generator=generator).to(x.device)
        t = torch.rand(len(x), 1, generator=generator).to(x.device)
        return {"val_loss": self._loss(self._final_field, x, x0, t).item()}

    # --- the interface, for particle clouds ---------------------------------------------------------------
    def fit(self, train: ParticleJets, val: ParticleJets, workdir, device="auto", max_epochs=None):
        """Train on the jets of `train` (early stopping on `val`); returns the per-epoch history."""
        device = training.choose_device(device)
        real = _particle_features(train.values, self.hparams["angle_scale"])[train.mask]
        condition = _condition_features(train.jets)
        self.cap = train.values.shape[1]
        self.scales = {
            "particle_mean": real.mean(axis=0),
            "particle_std": np.where(real.std(axis=0) > 0, real.std(axis=0), 1.0),
            "condition_mean": condition.mean(axis=0),
            "condition_std": np.where(condition.std(axis=0) > 0, condition.std(axis=0), 1.0),
        }
        self.optimizers = self.build_optimizers(training.device_hparams(self.hparams, device)["lr"])
        history, finished = training.train(
            self, self._pack(train), self._pack(val), workdir, device=device, max_epochs=max_epochs
        )
        if finished:
            self._eval()
        return history

    def sample_particles(self, jets: pd.DataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
        """One particle cloud per row of `jets` (PARTICLE_CONDITION columns): the padded (n, cap, 3) physical
        (pt_rel, deta, dphi), zero beyond each jet's min(nconst, cap) particles, and that mask."""
        if self.scales is None:
            raise RuntimeError("epicfm model: fit or load it before use")
        missing = [name for name in self.features if name not in jets.columns]
        if missing:
            raise InputError(f"condition: the jets have no column(s) {', '.join(missing)}")
        mask = np.arange(self.cap) < np.minimum(jets["nconst"].to_numpy(), self.cap)[:, None]
        c = (_condition_features(jets) - self.scales["condition_mean"]) / self.scales["condition_std"]
        c = torch.as_tensor(c, dtype=torch.float32)
        m = torch.as_tensor(mask, dtype=torch.float32)
        generator = torch.Generator().manual_seed(seed)
        field = self._final_field
        self._eval()
        parts = []
        with torch.no_grad():
            for i in range(0, len(jets), CHUNK // self.cap):
                ci, mi = c[i : i + CHUNK // self.cap].to(self.device), m[i : i + CHUNK // self.cap].to(self.device)
                x0 = torch.randn(len(ci), self.cap, N_FEATURES, generator=generator).to(self.device)
                parts.append(self._solve(lambda t, x, ci=ci, mi=mi: field(t, x, ci, mi), x0, 0.0, 1.0).cpu())
        x = torch.cat(parts).double().numpy() if parts else np.zeros((0, self.cap, N_FEATURES))
        x = x * self.scales["particle_std"] + self.scales["particle_mean"]
        angles = _radial(x[..., 1:], self.hparams["angle_scale"], inverse=True)
        values = np.concatenate([np.exp(x[..., :1]), angles], axis=-1)
        # pt_rel comes back positive (a logarithm was modelled); dphi into (-pi, pi] as in the files.
        values[..., 2] = np.pi - np.remainder(np.pi - values[..., 2], 2 * np.pi)
        values = np.where(mask[..., None], values, 0.0)
        values[..., 0] /= transverse_sum(values)[:, None]
        return values.astype(np.float32), mask

    def sample(self, n, seed, condition=None):
        raise InputError("sample: an epicfm model generates particles of given jets; use sample_particles")

    def score(self, table):
        raise InputError("score: an epicfm model has no anomaly score")

    def save(self, path) -> None:
        header = self.header() | {"cap": self.cap, "scales": {key: v.tolist() for key, v in self.scales.items()}}
        save_checkpoint(path, header, {name: net.state_dict() for name, net in self.nets.items()})

    @classmethod
    def restore(cls, path, header, tensors, features):
        try:
            model = cls(header["features"], header["hparams"], header["seed"])
            model.cap = header["cap"]
            model.scales = {key: np.asarray(value) for key, value in header["scales"].items()}
            for name, net in model.nets.items():
                net.load_state_dict(tensors[name])
        except (KeyError, TypeError, RuntimeError, InputError) as err:
            raise CheckpointError(f"{path}: does not match its epicfm settings ({first_sentence(err)})") from err
        return model
