"""How well a sample reproduces the linear correlations between features."""

import numpy as np


def correlation_matrix(sample: np.ndarray) -> np.ndarray:
    """Pearson correlations of the columns; a constant column (a collapsed model) is taken as uncorrelated."""
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = np.corrcoef(sample, rowvar=False)
    return np.nan_to_num(corr, nan=0.0)


def correlation_difference(sample: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """corr(sample) - corr(reference), column by column."""
    return correlation_matrix(sample) - correlation_matrix(reference)


def mean_abs_off_diagonal(matrix: np.ndarray) -> float:
    """Mean |entry| off the diagonal: one number for a correlation difference."""
    off = ~np.eye(len(matrix), dtype=bool)
    return float(np.abs(matrix[off]).mean()) if off.any() else 0.0
