"""Fréchet physics distance (FPD) of Kansal et al. 2022, as in jetnet.evaluation.fpd.

The Fréchet distance between Gaussians fitted to two samples of N events is biased upwards by O(1/N).
FPD measures it at several N, fits FD(N) = FPD + slope/N and reports the intercept: an estimate of the
Fréchet distance between the two parent distributions, which is 0 when they agree (up to their first two
moments). An estimate consistent with 0 may come out slightly negative.

Two choices make the intercept and its error mean that:
- Batches are drawn without replacement, and the largest is at most half of the smaller sample. A batch
  drawn so from an i.i.d. sample is an i.i.d. sample of the parent distribution, so the mean FD(N) follows
  the parent's FD + c/N. Batches drawn with replacement follow the FD of the two finite samples instead,
  whose bias of order d/n the extrapolation keeps (two samples of 1625 events of one 9-dimensional Gaussian
  gave 0.016-0.034). The cap leaves the batches of one size different from each other.
- The error is the standard deviation of the FPD over bootstrap replicates of both samples. The batches all
  come from the same two samples, so the scatter of FD(N) around the fitted line (the fit's own error)
  misses how much the two samples themselves fluctuate, which dominates.
"""

import numpy as np

MAX_POOL_FRACTION = 0.5


def frechet_distance(mu1: np.ndarray, cov1: np.ndarray, mu2: np.ndarray, cov2: np.ndarray) -> float:
    """|mu1 - mu2|² + Tr(cov1 + cov2 - 2 (cov1 cov2)^½), the 2-Wasserstein distance² of two Gaussians."""
    # Tr (cov1 cov2)^½ is the sum of the square roots of the eigenvalues of cov1 cov2, which are real and
    # non-negative (it is similar to cov1^½ cov2 cov1^½); rounding can leave tiny imaginary or negative
    # parts. This is 10x faster than scipy's sqrtm, and FPD's bootstrap needs thousands of these.
    eigenvalues = np.linalg.eigvals(cov1 @ cov2).real.clip(min=0)
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(cov1 + cov2) - 2 * np.sqrt(eigenvalues).sum())


def batch_sizes(min_samples: int, max_samples: int, num_points: int, pool: int) -> np.ndarray:
    """`num_points` batch sizes evenly spaced in 1/N (as jetnet); ValueError unless they fit the pool."""
    largest = int(MAX_POOL_FRACTION * pool)
    if min_samples < 2:
        raise ValueError(f"fpd: needs batches of at least 2 events, got {min_samples}")
    if max_samples > largest:
        raise ValueError(f"fpd: the largest batch ({max_samples}) exceeds half the smaller sample ({pool} events)")
    sizes = np.unique((1 / np.linspace(1 / min_samples, 1 / max_samples, num_points)).astype(int))
    if len(sizes) < 3:
        raise ValueError(f"fpd: needs 3 distinct batch sizes, got {sizes.tolist()}")
    return sizes


def extrapolated_fd(
    real: np.ndarray, generated: np.ndarray, sizes: np.ndarray, num_batches: int, rng: np.random.Generator
) -> float:
    """The intercept at 1/N = 0 of a straight-line fit to the mean FD of batches of each size."""
    mean_fd = []
    for n in sizes:
        values = []
        for _ in range(num_batches):
            x = real[rng.choice(len(real), n, replace=False)]
            y = generated[rng.choice(len(generated), n, replace=False)]
            values.append(
                frechet_distance(x.mean(axis=0), np.cov(x, rowvar=False), y.mean(axis=0), np.cov(y, rowvar=False))
            )
        mean_fd.append(np.mean(values))
    _, intercept = np.polyfit(1.0 / sizes, mean_fd, 1)
    return float(intercept)


def fpd(
    real: np.ndarray,
    generated: np.ndarray,
    min_samples: int = 500,
    max_samples: int = 5000,
    num_points: int = 5,
    num_batches: int = 10,
    seed: int = 0,
    bootstrap: int = 10,
) -> tuple[float, float]:
    """FPD and its error (see the module doc), from FD at `num_points` sizes between min and max_samples.

    max_samples may be at most half the smaller sample; each size averages `num_batches` pairs of batches,
    and the error is the spread over `bootstrap` replicates.

    >>> rng = np.random.default_rng(1)
    >>> value, error = fpd(rng.normal(size=(4000, 2)), rng.normal([1.0, 0.0], size=(4000, 2)), max_samples=2000)
    >>> abs(value - 1.0) < 3 * error
    True
    """
    if bootstrap < 2:
        raise ValueError(f"fpd: needs at least 2 bootstrap replicates for its error, got {bootstrap}")
    sizes = batch_sizes(min_samples, max_samples, num_points, min(len(real), len(generated)))
    rng = np.random.default_rng(seed)
    value = extrapolated_fd(real, generated, sizes, num_batches, rng)
    replicas = [
        extrapolated_fd(
            real[rng.integers(len(real), size=len(real))],
            generated[rng.integers(len(generated), size=len(generated))],
            sizes,
            num_batches,
            rng,
        )
        for _ in range(bootstrap)
    ]
    return value, float(np.std(replicas, ddof=1))
