"""Autoencoder: a bottlenecked encoder/decoder trained on reconstruction error.

An AE has no prior over its latent space, so to generate events a Gaussian mixture is fitted to the latent
codes of the training set after training, and decoded draws from it are the samples. The mixture lives in
buffers of a small module, so it is saved and loaded with the weights (no pickled sklearn object).
score = per-event squared reconstruction error in the standardised space.
"""

import torch
from sklearn.mixture import GaussianMixture
from torch import nn

from dijetgen.models.base import LatentModel, mlp


class GaussianMixturePrior(nn.Module):
    """A fitted full-covariance Gaussian mixture over latent codes, sampled with a torch generator."""

    def __init__(self, components: int, dim: int):
        super().__init__()
        self.register_buffer("weights", torch.full((components,), 1.0 / components, dtype=torch.float64))
        self.register_buffer("means", torch.zeros(components, dim, dtype=torch.float64))
        self.register_buffer("cholesky", torch.eye(dim, dtype=torch.float64).repeat(components, 1, 1))

    def fit(self, codes: torch.Tensor, seed: int) -> None:
        gmm = GaussianMixture(len(self.weights), covariance_type="full", reg_covar=1e-5, random_state=seed)
        gmm.fit(codes.cpu().double().numpy())
        device = self.means.device
        self.weights.copy_(torch.as_tensor(gmm.weights_, device=device))
        self.means.copy_(torch.as_tensor(gmm.means_, device=device))
        self.cholesky.copy_(torch.linalg.cholesky(torch.as_tensor(gmm.covariances_, device=device)))

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        component = torch.multinomial(self.weights.cpu(), n, replacement=True, generator=generator)
        eps = torch.randn(n, self.means.shape[1], 1, generator=generator, dtype=torch.float64)
        draws = self.means.cpu()[component] + (self.cholesky.cpu()[component] @ eps).squeeze(-1)
        return draws.float().to(self.means.device)


class AutoEncoder(LatentModel):
    kind = "ae"

    def build(self, n_features):
        hidden, latent = self.hparams["hidden"], self.hparams["latent_dim"]
        return {
            "encoder": mlp(n_features, hidden, latent),
            "decoder": mlp(latent, hidden[::-1], n_features),
            "prior": GaussianMixturePrior(self.hparams["gmm_components"], latent),
        }

    def mean_code(self, x):
        return self.nets["encoder"](x)

    def _errors(self, x):
        return (self.nets["decoder"](self.mean_code(x)) - x).pow(2).sum(dim=1)

    def train_step(self, batch, epoch):
        loss = self._errors(batch).mean()
        self.descend(loss, self.optimizers["adam"])
        return {"recon": loss.detach()}

    def validation_losses(self, x, epoch):
        return {"val_loss": self._errors(x).mean().item()}

    def after_fit(self, x_train):
        self.nets["prior"].fit(self.mean_code(x_train), self.seed)

    def generate(self, n, generator):
        return self.nets["decoder"](self.nets["prior"].sample(n, generator))

    def score_standardised(self, x):
        return self._errors(x)
