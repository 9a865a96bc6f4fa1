"""Normalizing flow (zuko NSF or MAF) trained by maximum likelihood.

An invertible map f sends the standardised features to a standard normal, so log p(x) is exact and the
loss is -<log p(x)>. Samples are f^-1(z) for z ~ N(0, 1); score = -log p(x) of the physical features (per
GeV for masses and momenta), the natural anomaly score: the standardised -log p minus the log-Jacobian
of the preprocessing, without which events would be ranked by density in the log-scaled space. NSF's
rational-quadratic splines act on [-5, 5] and are the identity outside, which standardised inputs rarely
leave.
"""

import torch
import zuko

from dijetgen.errors import InputError
from dijetgen.models.base import GenerativeModel

FLOWS = {"nsf": zuko.flows.NSF, "maf": zuko.flows.MAF}


class Flow(GenerativeModel):
    kind = "flow"
    defaults = {"flow": "nsf", "transforms": 4, "bins": 8}

    def build(self, n_features):
        name = self.hparams["flow"]
        if name not in FLOWS:
            raise InputError(f"flow: {name!r} is not one of {', '.join(FLOWS)}")
        options = {"bins": self.hparams["bins"]} if name == "nsf" else {}
        flow = FLOWS[name](
            n_features, transforms=self.hparams["transforms"], hidden_features=self.hparams["hidden"], **options
        )
        return {"flow": flow}

    def _nll(self, x):
        return -self.nets["flow"]().log_prob(x)

    def train_step(self, batch, epoch):
        loss = self._nll(batch).mean()
        self.descend(loss, self.optimizers["adam"])
        return {"nll": loss.detach()}

    def validation_losses(self, x, epoch):
        return {"val_loss": self._nll(x).mean().item()}

    def generate(self, n, generator):
        distribution = self.nets["flow"]()
        z = torch.randn(n, len(self.features), generator=generator).to(self.device)
        return distribution.transform.inv(z)

    def score_standardised(self, x):
        return self._nll(x)

    def score(self, table):
        return super().score(table) - self._require_transform().log_abs_det_jacobian(table)
