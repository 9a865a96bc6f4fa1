"""Normalizing flow (zuko NSF or MAF) trained by maximum likelihood.

An invertible map f sends the standardised features to a standard normal, so log p(x) is exact and the
loss is -<log p(x)>. Samples are f^-1(z) for z ~ N(0, 1); score = -log p(x) of the physical features (per
GeV for masses and momenta), the natural anomaly score: the standardised -log p minus the log-Jacobian
of the preprocessing, without which events would be ranked by density in the log-scaled space. NSF's
rational-quadratic splines act on [-5, 5] and are the identity outside, which standardised inputs rarely
leave. A conditional flow passes the condition to zuko as its context.
"""

import torch
import zuko

from dijetgen.errors import InputError
from dijetgen.models.base import GenerativeModel

FLOWS = {"nsf": zuko.flows.NSF, "maf": zuko.flows.MAF}


class Flow(GenerativeModel):
    kind = "flow"
    scores_density = True

    def build(self, n_features):
        name = self.hparams["flow"]
        if name not in FLOWS:
            raise InputError(f"flow: {name!r} is not one of {', '.join(FLOWS)}")
        options = {"bins": self.hparams["bins"]} if name == "nsf" else {}
        flow = FLOWS[name](
            n_features,
            context=self.n_condition,
            transforms=self.hparams["transforms"],
            hidden_features=self.hparams["hidden"],
            **options,
        )
        return {"flow": flow}

    def _distribution(self, c):
        return self.nets["flow"](c if self.condition else None)

    def _nll(self, batch):
        x, c = self.split(batch)
        return -self._distribution(c).log_prob(x)

    def train_step(self, batch, epoch):
        loss = self._nll(batch).mean()
        self.descend(loss, self.optimizers["adam"])
        return {"nll": loss.detach()}

    def validation_losses(self, x, epoch):
        return {"val_loss": self._nll(x).mean().item()}

    def generate(self, condition, generator):
        z = torch.randn(len(condition), len(self.features), generator=generator).to(self.device)
        return self._distribution(condition).transform.inv(z)

    def score_standardised(self, x):
        return self._nll(x)
