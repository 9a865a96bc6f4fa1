"""Autoencoder: a bottlenecked encoder/decoder trained on reconstruction error.

An AE has no prior over its latent space, so to generate events a Gaussian mixture
(dijetgen.models.mixture) is fitted to the latent codes of the training set after training, and decoded
draws from it are the samples. score = per-event squared reconstruction error in the standardised space.

A decoder alone puts every sample on the latent_dim-dimensional surface it spans, which a two-sample
classifier tells from data at once (AUC 0.88 at paper scale). With residual_noise (the default) the AE is
read as a Gaussian observation model, like the VAE's decoder: after training, the standard deviation of the
reconstruction residuals of the training events is measured per feature and samples get that much noise
(0.74 at paper scale, 0.69 with latent_dim 8).

A conditional AE feeds the condition c to the encoder and the decoder. Its codes still depend on c, so
z is drawn from the mixture's p(z | c).
"""

import torch
from torch import nn

from dijetgen.models.base import LatentModel, mlp
from dijetgen.models.mixture import GaussianMixturePrior


class ResidualWidth(nn.Module):
    """The per-feature standard deviation of the training residuals, in a buffer saved with the weights."""

    def __init__(self, n_features: int):
        super().__init__()
        self.register_buffer("std", torch.zeros(n_features))


class AutoEncoder(LatentModel):
    kind = "ae"

    def build(self, n_features):
        hidden, latent = self.hparams["hidden"], self.hparams["latent_dim"]
        return {
            "encoder": mlp(n_features + self.n_condition, hidden, latent),
            "decoder": mlp(latent + self.n_condition, hidden[::-1], n_features),
            "prior": GaussianMixturePrior(self.hparams["gmm_components"], latent + self.n_condition, self.n_condition),
            "residual": ResidualWidth(n_features),
        }

    def mean_code(self, x):
        return self.nets["encoder"](x)

    def _errors(self, batch):
        x, c = self.split(batch)
        return (self.decoder(self.mean_code(batch), c) - x).pow(2).sum(dim=1)

    def train_step(self, batch, epoch):
        loss = self._errors(batch).mean()
        self.descend(loss, self.optimizers["adam"])
        return {"recon": loss.detach()}

    def validation_losses(self, x, epoch):
        return {"val_loss": self._errors(x).mean().item()}

    def after_fit(self, x_train):
        x, c = self.split(x_train)
        codes = self.mean_code(x_train)
        self.nets["prior"].fit(torch.cat([codes, c], dim=1), self.seed)
        if self.hparams["residual_noise"]:
            self.nets["residual"].std.copy_((self.decoder(codes, c) - x).std(dim=0))

    def generate(self, condition, generator):
        x = self.decoder(self.nets["prior"].sample(condition, generator), condition)
        noise = torch.randn(x.shape, generator=generator).to(self.device)
        return x + self.nets["residual"].std * noise

    def score_standardised(self, x):
        return self._errors(x)
