"""Variational autoencoder, and the beta-VAE as the same model with beta != 1.

The encoder gives (mu, log sigma^2) of q(z|x); z = mu + sigma * eps keeps the draw differentiable, and
loss = recon + beta * KL(q(z|x) || N(0, 1)). recon is the Gaussian negative log-likelihood of x around the
decoder output with a learned width per feature (a "calibrated decoder", Rybkin et al. 2021): with a fixed
width the KL term wins, the latent code collapses to the prior, and samples crowd at the mean (beta = 4
collapsed completely on Pythia QCD). Samples are decoder(z) + width * noise for z ~ N(0, 1).

With kl_warmup_epochs = k the KL weight grows linearly from 0 over the first k epochs, so the decoder learns
to use z before the prior pulls the codes together; validation always uses the full beta, and warm-up
epochs never count as best. score = recon of the mean code, plus beta * KL if score_with_kl.

A conditional VAE is a CVAE: q(z | x, c) and p(x | z, c), with the prior N(0, 1) for every c.
"""

import math

import torch
from torch import nn

from dijetgen.models.base import LatentModel, mlp


class VariationalAutoEncoder(LatentModel):
    kind = "vae"

    def build(self, n_features):
        hidden, latent = self.hparams["hidden"], self.hparams["latent_dim"]
        self.warmup_epochs = self.hparams["kl_warmup_epochs"]
        width = nn.Module()
        width.log_sigma = nn.Parameter(torch.zeros(n_features))
        return {
            "encoder": mlp(n_features + self.n_condition, hidden, 2 * latent),
            "decoder": mlp(latent + self.n_condition, hidden[::-1], n_features),
            "width": width,
        }

    def mean_code(self, x):
        return self.nets["encoder"](x).chunk(2, dim=1)[0]

    def _terms(self, batch, draw: bool):
        x, c = self.split(batch)
        mu, log_var = self.nets["encoder"](batch).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu) if draw else mu
        log_sigma = self.nets["width"].log_sigma
        pull = (self.decoder(z, c) - x) / log_sigma.exp()
        recon = (0.5 * pull.pow(2) + log_sigma + 0.5 * math.log(2 * math.pi)).sum(dim=1)
        kl = 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var).sum(dim=1)
        return recon, kl

    def _kl_weight(self, epoch):
        warmup = self.hparams["kl_warmup_epochs"]
        return self.hparams["beta"] * (min(1.0, epoch / warmup) if warmup else 1.0)

    def train_step(self, batch, epoch):
        recon, kl = (term.mean() for term in self._terms(batch, draw=True))
        loss = recon + self._kl_weight(epoch) * kl
        self.descend(loss, self.optimizers["adam"])
        return {"loss": loss.detach(), "recon": recon.detach(), "kl": kl.detach()}

    def validation_losses(self, x, epoch):
        recon, kl = (term.mean().item() for term in self._terms(x, draw=True))
        return {"val_loss": recon + self.hparams["beta"] * kl, "val_recon": recon, "val_kl": kl}

    def generate(self, condition, generator):
        z = torch.randn(len(condition), self.hparams["latent_dim"], generator=generator).to(self.device)
        x = self.decoder(z, condition)
        return x + self.nets["width"].log_sigma.exp() * torch.randn(x.shape, generator=generator).to(self.device)

    def score_standardised(self, x):
        recon, kl = self._terms(x, draw=False)
        return recon + self.hparams["beta"] * kl if self.hparams["score_with_kl"] else recon
