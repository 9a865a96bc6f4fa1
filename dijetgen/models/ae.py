"""Autoencoder: a bottlenecked encoder/decoder trained on reconstruction error.

An AE has no prior over its latent space, so to generate events a Gaussian mixture is fitted to the latent
codes of the training set after training, and decoded draws from it are the samples. The mixture lives in
buffers of a small module, so it is saved and loaded with the weights (no pickled sklearn object).
score = per-event squared reconstruction error in the standardised space.

A conditional AE feeds the condition c to the encoder and the decoder. Its codes still depend on c, so
the mixture is fitted to (z, c) jointly and z is drawn from the mixture's exact conditional p(z | c): a
mixture whose components are the Gaussian conditionals, weighted by how well each component explains c.
"""

import torch
from sklearn.mixture import GaussianMixture
from torch import nn

from dijetgen.models.base import LatentModel, mlp


class GaussianMixturePrior(nn.Module):
    """A fitted full-covariance Gaussian mixture over latent codes (and the condition, as the last
    `n_condition` of its `dim` columns), sampled with a torch generator."""

    def __init__(self, components: int, dim: int, n_condition: int = 0):
        super().__init__()
        self.n_condition = n_condition
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

    def sample(self, condition: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """One code per row of `condition` ((n, 0) for an unconditional mixture), drawn from p(z | c)."""
        if self.n_condition:
            weights, means, cholesky = self._given(condition.cpu().double())
            component = torch.multinomial(weights, 1, generator=generator).squeeze(1)
            rows = torch.arange(len(condition))
            means, cholesky = means[rows, component], cholesky[component]
        else:
            component = torch.multinomial(self.weights.cpu(), len(condition), replacement=True, generator=generator)
            means, cholesky = self.means.cpu()[component], self.cholesky.cpu()[component]
        eps = torch.randn(len(condition), means.shape[1], 1, generator=generator, dtype=torch.float64)
        draws = means + (cholesky @ eps).squeeze(-1)
        return draws.float().to(self.means.device)

    def _given(self, c: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """The mixture of the code given c: per-event weights (n, K), means (n, K, d), Cholesky factors (K, d, d)."""
        d = self.means.shape[1] - self.n_condition
        cov = self.cholesky.cpu() @ self.cholesky.cpu().mT
        mean_z, mean_c = self.means.cpu()[:, :d], self.means.cpu()[:, d:]
        cov_zc, cov_cc = cov[:, :d, d:], cov[:, d:, d:]
        log_likelihood = torch.distributions.MultivariateNormal(mean_c, cov_cc).log_prob(c[:, None, :])
        weights = torch.softmax(self.weights.cpu().log() + log_likelihood, dim=1)
        gain = cov_zc @ torch.linalg.inv(cov_cc)
        means = mean_z + (gain @ (c[:, None, :] - mean_c).unsqueeze(-1)).squeeze(-1)
        return weights, means, torch.linalg.cholesky(cov[:, :d, :d] - gain @ cov_zc.mT)


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
