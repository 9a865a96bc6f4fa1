"""Distances between a generated sample and real events: plain functions over arrays, one idea per module.

Where a statistical error means something, a metric returns (value, error), as jetnet.evaluation does:
    marginals    1D distances per observable: Wasserstein-1, KS statistic, histogram chi2/ndf
    frechet      FPD, the Fréchet distance extrapolated to infinite sample size (Kansal et al. 2022)
    kernel       KPD, the unbiased MMD^2 with a polynomial kernel, median over batches
    correlation  the difference of two correlation matrices
    classifier   the AUC of a classifier trained to tell the two samples apart
"""

from dijetgen.metrics.classifier import classifier_auc
from dijetgen.metrics.correlation import correlation_difference, mean_abs_off_diagonal
from dijetgen.metrics.frechet import fpd, frechet_distance
from dijetgen.metrics.kernel import kpd, mmd_poly_unbiased
from dijetgen.metrics.marginals import chi2_ndf, ks_statistic, wasserstein

__all__ = [
    "chi2_ndf",
    "classifier_auc",
    "correlation_difference",
    "fpd",
    "frechet_distance",
    "kpd",
    "ks_statistic",
    "mean_abs_off_diagonal",
    "mmd_poly_unbiased",
    "wasserstein",
]
