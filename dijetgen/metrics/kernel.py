"""Kernel physics distance (KPD) of Kansal et al. 2022, as in jetnet.evaluation.kpd.

KPD is the unbiased estimator of the squared maximum mean discrepancy (MMD²) with the polynomial kernel
k(x, y) = (x·y/d + 1)^4, which compares all moments up to the fourth. Being unbiased, it scatters around 0
for equal distributions (and can go slightly negative); the median over batches and half the central 68%
interval are reported.
"""

import numpy as np


def mmd_poly_unbiased(x: np.ndarray, y: np.ndarray, degree: int = 4) -> float:
    """Unbiased MMD² of samples x and y with the kernel (x·y/d + 1)^degree.

    With degree 1 its expectation is |mean(x) - mean(y)|² / d.
    """
    d = x.shape[1]
    kxx = (x @ x.T / d + 1) ** degree
    kyy = (y @ y.T / d + 1) ** degree
    kxy = (x @ y.T / d + 1) ** degree
    m, n = len(x), len(y)
    # Dropping the diagonal (a point paired with itself) is what makes the estimator unbiased.
    return float(
        (kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1)) - 2 * kxy.mean()
    )


def kpd(
    real: np.ndarray, generated: np.ndarray, batch_size: int = 1000, num_batches: int = 10, seed: int = 0
) -> tuple[float, float]:
    """Median MMD² over `num_batches` pairs of batches and half its 68% spread.

    Batches are drawn without replacement and hold at most half of the smaller sample, so that they differ
    from each other and the spread means something.
    """
    batch_size = min(batch_size, len(real) // 2, len(generated) // 2)
    if batch_size < 2:
        raise ValueError("kpd: needs at least 2 events in each sample")
    rng = np.random.default_rng(seed)
    values = [
        mmd_poly_unbiased(
            real[rng.choice(len(real), batch_size, replace=False)],
            generated[rng.choice(len(generated), batch_size, replace=False)],
        )
        for _ in range(num_batches)
    ]
    low, high = np.percentile(values, [16, 84])
    return float(np.median(values)), float((high - low) / 2)
