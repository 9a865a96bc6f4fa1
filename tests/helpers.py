"""Shared by the model, training, validation, plot and command tests: the model features, small networks, fast
validation settings and toy dijet events. (Fixtures and the workflow helpers are in conftest.py.)"""

import numpy as np
import pandas as pd

from dijetgen.clouds import ParticleJets
from dijetgen.validation import ValidationSettings

FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]
SELECTION = {"min_pt": 1200.0, "max_abs_eta": 2.5}
# Small networks per kind: enough to see learning, fast on two CPU cores.
TINY_NETWORKS = {
    "ae": {"hidden": [32, 32], "latent_dim": 3, "gmm_components": 3},
    "vae": {"hidden": [32, 32], "latent_dim": 3, "kl_warmup_epochs": 1},
    "gan": {"hidden": [32, 32], "latent_dim": 4, "lr": 1e-3},
    "flow": {"hidden": [32, 32], "transforms": 2},
    "cfm": {"hidden": [32, 32], "solver": "rk4", "steps": 8},
}
FAST = ValidationSettings(bootstrap=3, fpd_points=3, fpd_batches=3, kpd_batches=3, classifier_folds=3)


def toy_events(n: int, seed: int, mass_scale: float = 1.0) -> pd.DataFrame:
    """Dijet-like features with a pT-mass correlation; mass_scale mimics a model that gets the masses wrong."""
    rng = np.random.default_rng(seed)
    ptj1 = 1200 + rng.exponential(200, n)
    mj1 = mass_scale * (0.05 * ptj1 + rng.exponential(60, n))
    return pd.DataFrame(
        {
            "ptj1": ptj1,
            "etaj1": rng.normal(0, 1, n),
            "mj1": mj1,
            "ptj2": ptj1 * rng.uniform(0.7, 1.0, n),
            "etaj2": rng.normal(0, 1, n),
            "dphijj": rng.normal(np.pi, 0.2, n),
            "mj2": mass_scale * rng.exponential(50, n),
            "tau21j1": rng.beta(5, 3, n),
            "tau21j2": rng.beta(5, 3, n),
        }
    )


class LinearAutoEncoder:
    """A stand-in for a trained VAE: the code is two fixed linear combinations of the standardised masses."""

    features = ["mj1", "mj2", "tau21j1"]

    def encode(self, table):
        return np.column_stack([(table["mj1"] - 100) / 50, (table["mj2"] - 50) / 50])

    def decode(self, z):
        z = np.asarray(z)
        return pd.DataFrame({"mj1": 100 + 50 * z[:, 0], "mj2": 50 + 50 * z[:, 1], "tau21j1": 0.5 + 0 * z[:, 0]})


def toy_jets(n: int, seed: int, cap: int = 24, spread: float = 0.05) -> ParticleJets:
    """Particle clouds of 3..cap+5 particles (the cap cuts the largest), softer particles farther from the axis."""
    rng = np.random.default_rng(seed)
    nconst = rng.integers(3, cap + 6, n)
    mask = np.arange(cap) < np.minimum(nconst, cap)[:, None]
    pt_rel = -np.sort(-rng.dirichlet(np.ones(cap), n), axis=1)
    spread = spread / np.sqrt(pt_rel * cap)
    values = np.stack([pt_rel, rng.normal(0, spread), rng.normal(0, spread)], axis=-1).astype(np.float32)
    values[~mask] = 0.0
    jets = pd.DataFrame(
        {
            "pt": 1200 + rng.exponential(200, n),
            "eta": rng.normal(0, 1, n),
            "m": rng.exponential(80, n),
            "nconst": nconst,
        }
    )
    return ParticleJets(jets, values, mask)
