"""Variational autoencoder, and the beta-VAE as the same model with beta != 1.

The encoder gives (mu, log sigma^2) of q(z|x); z = mu + sigma * eps keeps the draw differentiable, and
loss = recon + beta * KL(q(z|x) || N(0, 1)). recon is the Gaussian negative log-likelihood of x around the
decoder output with a learned width per feature (a "calibrated decoder", Rybkin et al. 2021): with a fixed
width the KL term wins, the latent code collapses to the prior, and samples crowd at the mean (beta = 4
collapsed completely on Pythia QCD). Samples are decoder(z) + width * noise for z ~ N(0, 1), or, with
`latent_sampling: mixture`, for z from a Gaussian mixture fitted after training to one draw of q(z|x) per
training event (the aggregate posterior, which the prior matches only roughly); the decoder's noise stays.

With kl_warmup_epochs = k the KL weight grows linearly from 0 over the first k epochs, so the decoder learns
to use z before the prior pulls the codes together; validation always uses the full beta, and warm-up
epochs never count as best. score = recon of the mean code, plus beta * KL if score_with_kl.

A conditional VAE is a CVAE: q(z | x, c) and p(x | z, c), with the prior N(0, 1) for every c.

With free_bits = lambda > 0 the training loss charges each latent dimension's batch-mean KL only above
lambda nats ("free bits", Kingma et al. 2016), so every dimension may carry lambda nats for free. This
keeps a beta > 1 model from collapsing. val_loss, which early stopping follows, is that same objective;
val_kl is the plain KL.
"""

import math

import torch
from torch import nn

from dijetgen.errors import InputError
from dijetgen.models.base import LatentModel, mlp
from dijetgen.models.mixture import GaussianMixturePrior

LATENT_SAMPLING = ("prior", "mixture")


class VariationalAutoEncoder(LatentModel):
    kind = "vae"

    def build(self, n_features):
        hidden, latent = self.hparams["hidden"], self.hparams["latent_dim"]
        self.warmup_epochs = self.hparams["kl_warmup_epochs"]
        width = nn.Module()
        width.log_sigma = nn.Parameter(torch.zeros(n_features))
        nets = {
            "encoder": mlp(n_features + self.n_condition, hidden, 2 * latent),
            "decoder": mlp(latent + self.n_condition, hidden[::-1], n_features),
            "width": width,
        }
        if self.hparams["latent_sampling"] not in LATENT_SAMPLING:
            raise InputError(f"latent_sampling: {self.hparams['latent_sampling']!r} is not one of {LATENT_SAMPLING}")
        if self.hparams["latent_sampling"] == "mixture":
            components = self.hparams["gmm_components"]
            nets["prior"] = GaussianMixturePrior(components, latent + self.n_condition, self.n_condition)
        return nets

    def mean_code(self, x):
        return self.nets["encoder"](x).chunk(2, dim=1)[0]

    def _terms(self, batch, draw: bool):
        x, c = self.split(batch)
        mu, log_var = self.nets["encoder"](batch).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu) if draw else mu
        log_sigma = self.nets["width"].log_sigma
        pull = (self.decoder(z, c) - x) / log_sigma.exp()
        recon = (0.5 * pull.pow(2) + log_sigma + 0.5 * math.log(2 * math.pi)).sum(dim=1)
        kl = 0.5 * (mu.pow(2) + log_var.exp() - 1 - log_var)  # (events, latent dimensions)
        return recon, kl

    def _kl_weight(self, epoch):
        warmup = self.hparams["kl_warmup_epochs"]
        return self.hparams["beta"] * (min(1.0, epoch / warmup) if warmup else 1.0)

    def train_step(self, batch, epoch):
        recon, kl = self._terms(batch, draw=True)
        recon, kl_per_dim = recon.mean(), kl.mean(dim=0)
        loss = recon + self._kl_weight(epoch) * self._charged(kl_per_dim)
        self.descend(loss, self.optimizers["adam"])
        return {"loss": loss.detach(), "recon": recon.detach(), "kl": kl_per_dim.sum().detach()}

    def _charged(self, kl_per_dim):
        """The KL the loss charges: each dimension's batch-mean KL, but at least free_bits nats."""
        return kl_per_dim.clamp(min=self.hparams["free_bits"]).sum()

    def validation_losses(self, x, epoch):
        recon, kl = self._terms(x, draw=True)
        recon, kl_per_dim = recon.mean().item(), kl.mean(dim=0)
        loss = recon + self.hparams["beta"] * self._charged(kl_per_dim).item()
        return {"val_loss": loss, "val_recon": recon, "val_kl": kl_per_dim.sum().item()}

    def after_fit(self, x_train):
        if "prior" in self.nets:
            mu, log_var = self.nets["encoder"](x_train).chunk(2, dim=1)
            draws = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
            self.nets["prior"].fit(torch.cat([draws, self.split(x_train)[1]], dim=1), self.seed)

    def generate(self, condition, generator):
        if "prior" in self.nets:
            z = self.nets["prior"].sample(condition, generator)
        else:
            z = torch.randn(len(condition), self.hparams["latent_dim"], generator=generator).to(self.device)
        x = self.decoder(z, condition)
        return x + self.nets["width"].log_sigma.exp() * torch.randn(x.shape, generator=generator).to(self.device)

    def score_standardised(self, x):
        recon, kl = self._terms(x, draw=False)
        return recon + self.hparams["beta"] * kl.sum(dim=1) if self.hparams["score_with_kl"] else recon

    def posterior(self, table):
        """(mu, log sigma^2) of q(z|x) for each event of `table`: two (events, latent_dim) arrays."""
        x = self._standardise(table).to(self.device)
        self._eval()
        with torch.no_grad():
            mu, log_var = self.nets["encoder"](x).chunk(2, dim=1)
        return mu.cpu().numpy(), log_var.cpu().numpy()
