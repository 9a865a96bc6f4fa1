"""A full-covariance Gaussian mixture over latent codes, fitted after training and saved with the weights.

The AE samples from it (it has no prior of its own), and a VAE with `latent_sampling: mixture` samples from
it instead of N(0, 1): the codes of the training events, its aggregate posterior, are often far from the
prior, and decoding prior draws then misses parts of the data. The mixture lives in buffers of a small
module, so it is saved and loaded with the weights (no pickled sklearn object).

For a conditional model it is fitted to (z, c) jointly and z is drawn from the mixture's exact conditional
p(z | c): a mixture whose components are the Gaussian conditionals, weighted by how well each explains c.
"""

import torch
from torch import nn


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
        from sklearn.mixture import GaussianMixture  # sklearn costs every job that loads a model ~1.5 s

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
