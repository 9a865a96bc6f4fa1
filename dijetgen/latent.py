"""Looking inside an autoencoder's latent space: traversals and a 2D projection.

Needs a model with `encode(table) -> (n, latent_dim) array` (the mean code of each event) and
`decode(z) -> DataFrame` (the decoded features in physical units, without observation noise).
"""

import numpy as np
import pandas as pd


def latent_traversal(model, table: pd.DataFrame, steps: int = 9, quantile: float = 0.025) -> pd.DataFrame:
    """Decode the median code of `table` while one latent dimension at a time sweeps its central 95%.

    This is "interpreting latent variables by perturbation": how each decoded feature moves along one
    direction shows what that dimension encodes. Returns one row per (dim, step): dim, z, then the features.
    """
    codes = model.encode(table)
    base = np.median(codes, axis=0)
    parts = []
    for dim in range(codes.shape[1]):
        grid = np.linspace(*np.quantile(codes[:, dim], [quantile, 1 - quantile]), steps)
        points = np.tile(base, (steps, 1))
        points[:, dim] = grid
        decoded = model.decode(points).reset_index(drop=True)
        parts.append(pd.concat([pd.DataFrame({"dim": dim, "z": grid}), decoded], axis=1))
    return pd.concat(parts, ignore_index=True)


def latent_projection(
    model, background: pd.DataFrame, signal: pd.DataFrame
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """2D coordinates of background and signal codes, and the axis names.

    Codes of more than two dimensions are projected on the background's two leading principal components,
    the plane in which the training data spread most.
    """
    codes_background, codes_signal = model.encode(background), model.encode(signal)
    if codes_background.shape[1] <= 2:
        names = [f"$z_{i}$" for i in range(codes_background.shape[1])]
        pad = 2 - codes_background.shape[1]
        return (
            np.pad(codes_background, ((0, 0), (0, pad))),
            np.pad(codes_signal, ((0, 0), (0, pad))),
            names + [""] * pad,
        )
    from sklearn.decomposition import PCA  # only the latent figures need it; validation reads this module

    pca = PCA(n_components=2).fit(codes_background)
    share = pca.explained_variance_ratio_
    names = [f"PC{i + 1} of the latent means ({share[i]:.0%})" for i in range(2)]
    return pca.transform(codes_background), pca.transform(codes_signal), names


ACTIVE_UNIT_THRESHOLD = 0.01


def latent_use(mu: np.ndarray, log_var: np.ndarray) -> dict:
    """How much of a VAE's latent space carries information, from q(z|x) = N(mu, exp(log_var)) per event.

    kl_per_dim: each dimension's KL(q(z|x) || N(0, 1)) in nats, averaged over the events; a dimension
    the encoder ignores sits at 0. active_units: dimensions whose posterior mean varies with x,
    Cov_x(E_q[z|x]) > 0.01 (Burda et al. 2016). A collapsed posterior has no active units.
    """
    kl = 0.5 * (mu**2 + np.exp(log_var) - 1 - log_var)
    kl_per_dim = kl.mean(axis=0)
    return {
        "kl_per_dim": kl_per_dim.tolist(),
        "kl_total": float(kl_per_dim.sum()),
        "mean_variance": mu.var(axis=0).tolist(),
        "active_units": int((mu.var(axis=0) > ACTIVE_UNIT_THRESHOLD).sum()),
        "latent_dim": int(mu.shape[1]),
    }
