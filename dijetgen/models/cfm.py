"""Conditional flow matching (Lipman et al. 2023, Tong et al. 2024): a vector field that carries noise to data.

Straight paths x_t = (1 - t) x0 + t x1 join a draw x0 ~ N(0, 1) to a standardised event x1. An MLP v(x_t, t)
is trained to regress the path's velocity x1 - x0 (loss = mean squared error, averaged over the features);
integrating dx/dt = v from t = 0 to 1 then carries N(0, 1) to the data. The ODE is solved with torchdiffeq:
`solver` is an adaptive method (dopri5, bosh3, ...) with tolerances `atol` and `rtol`, or a fixed-grid one
(euler, midpoint, rk4) with `steps` steps.

score = -log p(x) in physical units, as for the flow: the instantaneous change of variables,
d log p(x_t)/dt = -div v, integrated back from the event at t = 1 to its noise at t = 0, gives the
standardised log p(x) = log N(x0) - integral of div v dt, and the preprocessing's log-Jacobian is added.
The divergence is the exact trace of the Jacobian, one backward pass per feature, which is cheap in 9 dimensions.

A conditional model feeds the standardised condition to v as extra inputs, and so learns p(x | c). The
validation loss uses one fixed draw of (x0, t) for the whole run, so its changes come from the weights.

With ema_decay = d > 0, an exponential moving average of the field's weights, updated after every step,
does the sampling, the scoring and the validation loss, as is common practice for diffusion and flow
matching (the regression target x1 - x0 is noisy, so the last step's weights jitter). At paper scale it
changed the classifier AUC by less than its error; the width and depth of the field mattered more.
"""

import math

import torch
from torch import nn
from torchdiffeq import odeint

from dijetgen.errors import InputError
from dijetgen.models.base import GenerativeModel, mlp, moving_average

ADAPTIVE_SOLVERS = ("dopri5", "dopri8", "bosh3", "fehlberg2", "adaptive_heun")
FIXED_SOLVERS = ("euler", "midpoint", "rk4")


class VectorField(nn.Module):
    """v(x, t, c): an MLP of the state, the time and the condition."""

    def __init__(self, n_features: int, n_condition: int, hidden: list[int]):
        super().__init__()
        self.net = mlp(n_features + 1 + n_condition, hidden, n_features)

    def forward(self, t: torch.Tensor, x: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return self.net(torch.cat([x, t.reshape(-1, 1).expand(len(x), 1), c], dim=1))


class FlowMatching(GenerativeModel):
    kind = "cfm"
    scores_density = True

    def build(self, n_features):
        if self.hparams["solver"] not in ADAPTIVE_SOLVERS + FIXED_SOLVERS:
            solvers = ", ".join(ADAPTIVE_SOLVERS + FIXED_SOLVERS)
            raise InputError(f"solver: {self.hparams['solver']!r} is not one of {solvers}")
        nets = {"field": VectorField(n_features, self.n_condition, self.hparams["hidden"])}
        if self.hparams["ema_decay"]:
            nets["field_ema"] = moving_average(nets["field"], self.hparams["ema_decay"])
        return nets

    def build_optimizers(self, lr):
        return {"adam": torch.optim.Adam(self.nets["field"].parameters(), lr=lr)}

    @property
    def _final_field(self) -> nn.Module:
        """The field that samples and scores: the moving average of the weights if there is one."""
        return self.nets.get("field_ema", self.nets["field"])

    def _loss(self, field, batch, x0, t):
        x1, c = self.split(batch)
        xt = (1 - t) * x0 + t * x1
        return (field(t, xt, c) - (x1 - x0)).pow(2).mean()

    def train_step(self, batch, epoch):
        n = len(batch)
        x0 = torch.randn(n, len(self.features), device=batch.device)
        loss = self._loss(self.nets["field"], batch, x0, torch.rand(n, 1, device=batch.device))
        self.descend(loss, self.optimizers["adam"])
        if "field_ema" in self.nets:
            self.nets["field_ema"].update_parameters(self.nets["field"])
        return {"fm": loss.detach()}

    def validation_losses(self, x, epoch):
        generator = torch.Generator().manual_seed(self.seed)
        x0 = torch.randn(len(x), len(self.features), generator=generator).to(x.device)
        t = torch.rand(len(x), 1, generator=generator).to(x.device)
        return {"val_loss": self._loss(self._final_field, x, x0, t).item()}

    def _solve(self, dynamics, state, start: float, end: float):
        """The state at time `end` of the ODE d(state)/dt = dynamics(t, state) started at time `start`."""
        times = torch.tensor([start, end], device=self.device)
        solver = self.hparams["solver"]
        if solver in FIXED_SOLVERS:
            options = {"method": solver, "options": {"step_size": 1.0 / self.hparams["steps"]}}
        else:
            options = {"method": solver, "atol": self.hparams["atol"], "rtol": self.hparams["rtol"]}
        trajectory = odeint(dynamics, state, times, **options)
        return tuple(part[-1] for part in trajectory) if isinstance(state, tuple) else trajectory[-1]

    def generate(self, condition, generator):
        x0 = torch.randn(len(condition), len(self.features), generator=generator).to(self.device)
        field = self._final_field
        return self._solve(lambda t, x: field(t, x, condition), x0, 0.0, 1.0)

    def score_standardised(self, batch):
        x1, c = self.split(batch)
        field = self._final_field

        def dynamics(t, state):
            with torch.enable_grad():
                x = state[0].detach().requires_grad_(True)
                v = field(t, x, c)
                columns = range(x.shape[1])
                divergence = sum(torch.autograd.grad(v[:, i].sum(), x, retain_graph=True)[0][:, i] for i in columns)
            return v.detach(), divergence.detach()

        x0, integral = self._solve(dynamics, (x1, torch.zeros(len(x1), device=x1.device)), 1.0, 0.0)
        # integral = integral from 1 to 0 of div v dt = -(integral from 0 to 1), so log p(x1) = log N(x0) + integral
        log_normal = -0.5 * (x0.pow(2) + math.log(2 * math.pi)).sum(dim=1)
        return -(log_normal + integral)
