"""A toy dijet feature table with the shapes that matter to the models, for tests and benchmarks.

It has a falling pT spectrum, balanced jets, back-to-back azimuths, and 30% of j1 from a 500 GeV
resonance with a lower tau21. That is enough structure to show that a model learns, without Pythia.
"""

import numpy as np
import pandas as pd


def toy_dijet_table(n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    ptj1 = 1200 + rng.exponential(250, n)
    peak = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "ptj1": ptj1,
            "etaj1": rng.normal(0, 1, n),
            "mj1": np.where(peak, rng.normal(500, 20, n), rng.lognormal(np.log(0.07 * ptj1), 0.5)),
            "ptj2": ptj1 * rng.uniform(0.75, 1.0, n),
            "etaj2": rng.normal(0, 1, n),
            "dphijj": np.pi + rng.normal(0, 0.1, n),
            "mj2": rng.lognormal(np.log(60), 0.6, n),
            "tau21j1": np.where(peak, rng.beta(3, 5, n), rng.beta(5, 3, n)),
            "tau21j2": rng.beta(5, 3, n),
        }
    )
