"""1D distances between the marginal distributions of one observable in two samples.

`reference` is the real sample (the test set); the histogram chi2 bins by its quantiles, so every bin is
populated wherever the reference is and no tail bin is dominated by a handful of events.
"""

import numpy as np
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance


def wasserstein(sample: np.ndarray, reference: np.ndarray, bootstrap: int = 10, seed: int = 0) -> tuple[float, float]:
    """1-Wasserstein distance (in the observable's units) and its error, the spread over bootstrap resamples.

    >>> wasserstein(np.arange(10.0), np.arange(10.0) + 2.5)[0]
    2.5
    """
    if bootstrap < 2:
        raise ValueError("wasserstein: bootstrap needs at least 2 resamples to estimate an error")
    rng = np.random.default_rng(seed)
    resampled = [
        wasserstein_distance(rng.choice(sample, len(sample)), rng.choice(reference, len(reference)))
        for _ in range(bootstrap)
    ]
    return float(wasserstein_distance(sample, reference)), float(np.std(resampled, ddof=1))


def ks_statistic(sample: np.ndarray, reference: np.ndarray) -> float:
    """Two-sample Kolmogorov-Smirnov statistic: the largest difference of the two empirical CDFs."""
    return float(ks_2samp(sample, reference).statistic)


def chi2_ndf(sample: np.ndarray, reference: np.ndarray, bins: int = 40) -> float:
    """χ²/ndf of the two-sample test of unweighted histograms (ROOT's Chi2Test "UU"); about 1 for equal shapes.

    That test is Pearson's χ² of the 2 × bins contingency table of the two histograms over bins with entries,
    χ² = Σ_i (N_r n_i - N_s r_i)² / (N_s N_r (n_i + r_i)), ndf = bins used - 1: scipy's chi2_contingency
    without Yates' correction. The bins hold equal shares of the reference, and the outer two reach to ±inf,
    so no event is lost. NaN when all events fall in one bin (a constant observable), where the test has
    nothing to compare.
    """
    inner = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    n = np.bincount(np.searchsorted(inner, sample, side="right"), minlength=len(inner) + 1)
    r = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=len(inner) + 1)
    used = (n + r) > 0
    if used.sum() < 2:
        return float("nan")
    test = chi2_contingency(np.stack([n[used], r[used]]), correction=False)
    return float(test.statistic / test.dof)
