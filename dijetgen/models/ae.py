"""Autoencoder: a bottlenecked encoder/decoder trained on reconstruction error.

An AE has no prior over its latent space, so to generate events a Gaussian mixture
(dijetgen.models.mixture) is fitted to the latent codes of the training set after training, and decoded
draws from it are the samples. score = per-event squared reconstruction error in the standardised space.

A conditional AE feeds the condition c to the encoder and the decoder. Its codes still depend on c, so
z is drawn from the mixture's p(z | c).
"""

import torch

from dijetgen.models.base import LatentModel, mlp
from dijetgen.models.mixture import GaussianMixturePrior


class AutoEncoder(LatentModel):
    kind = "ae"

    def build(self, n_features):
        hidden, latent = self.hparams["hidden"], self.hparams["latent_dim"]
        return {
            "encoder": mlp(n_features + self.n_condition, hidden, latent),
            "decoder": mlp(latent + self.n_condition, hidden[::-1], n_features),
            "prior": GaussianMixturePrior(self.hparams["gmm_components"], latent + self.n_condition, self.n_condition),
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
        self.nets["prior"].fit(torch.cat([self.mean_code(x_train), self.split(x_train)[1]], dim=1), self.seed)

    def generate(self, condition, generator):
        return self.decoder(self.nets["prior"].sample(condition, generator), condition)

    def score_standardised(self, x):
        return self._errors(x)
