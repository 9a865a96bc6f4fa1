"""The bump hunt that ends the resonant search: after a cut on an anomaly score, fit the mjj sidebands with the
dijet function, predict the signal region's background from the fit, and give the local significance of the
excess there::

    table = bump_hunt(mjj, scores, [0.1, 0.01, 0.002], signal_region=[3300, 3700], sidebands=[2800, 4600], bins=36)
    table[["efficiency", "observed", "predicted", "predicted_error", "significance"]]

Statistical choices:

- The background shape is the standard 3-parameter dijet function (CMS, PRL 105 (2010) 211801; ATLAS,
  PRL 105 (2010) 161801): enough for a window of a few TeV with up to ~1e5 events. The 4- and 5-parameter
  forms (an extra x^(p3 ln x)) only pay for themselves with far more events and a wider range.
- The fit is a binned extended Poisson likelihood of the sideband bins only (iminuit's ExtendedBinnedNLL
  with the signal-region bins masked), with each bin's expectation the integral of the function over the
  bin (Gauss–Legendre), not its value at the bin centre. Its minimum is the Poisson deviance (Baker &
  Cousins, NIM 221 (1984) 437), asymptotically χ² with (sideband bins − 3) degrees of freedom: the fit quality.
- The predicted SR count's error is linear propagation of the fit covariance (HESSE) through the analytic
  gradient of the SR integral.
- The significance is the profile-likelihood significance of the on/off problem, with the fit's
  prediction b ± σ read as an auxiliary measurement of the background (τ = b/σ²): Li & Ma, ApJ 272 (1983)
  317, eq. 17; in the form of Cowan, "Discovery sensitivity for a counting experiment with background
  uncertainty" (2012), eq. 20, with the observed count in place of s + b. Signed: a deficit is negative.
"""

import logging
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from iminuit import Minuit
from iminuit.cost import ExtendedBinnedNLL
from scipy.special import xlogy
from scipy.stats import chi2

from dijetgen.errors import InputError

SQRT_S = 13000.0  # GeV: the LHC's (and the LHCO R&D data set's) collision energy
# Gauss–Legendre nodes per bin: the dijet function changes smoothly across a bin, so 8 nodes integrate it to
# machine precision, where the bin-centre value is off by the curvature (a few per mille of a steep spectrum).
NODES = 8
PARAMETERS = ("p0", "p1", "p2")


def dijet_function(mjj, p0: float, p1: float, p2: float, sqrt_s: float = SQRT_S):
    """dN/dmjj (events per GeV) = p0 (1 − x)^p1 / x^p2 with x = mjj / √s.

    >>> float(dijet_function(6500.0, 1.0, 2.0, 1.0))
    0.5
    """
    x = np.asarray(mjj, dtype=np.float64) / sqrt_s
    return p0 * (1.0 - x) ** p1 / x**p2


def mjj_edges(signal_region: list[float], sidebands: list[float], bins: int) -> np.ndarray:
    """About `bins` equal-width bins over the sidebands' outer range, with the signal region's bounds on
    bin edges (each of the three regions gets a whole number of bins of nearly the same width).

    >>> mjj_edges([3300, 3700], [2800, 4600], 9).tolist()
    [2800.0, 3050.0, 3300.0, 3500.0, 3700.0, 3925.0, 4150.0, 4375.0, 4600.0]
    """
    low, high = signal_region
    outer_low, outer_high = sidebands
    if not outer_low < low < high < outer_high:
        raise InputError(f"bump hunt: signal region {list(signal_region)} must lie inside sidebands {list(sidebands)}")
    if bins < 3:
        raise InputError(f"bump hunt: bins {bins} must be at least 3")
    width = (outer_high - outer_low) / bins
    parts = [
        np.linspace(a, b, max(1, round((b - a) / width)) + 1)[:-1]
        for a, b in ((outer_low, low), (low, high), (high, outer_high))
    ]
    return np.append(np.concatenate(parts), float(outer_high))


def log_basis(x: np.ndarray) -> np.ndarray:
    """(1, ln(1 − x), −ln x) along a new last axis: log dN/dmjj is this times (ln p0, p1, p2)."""
    return np.stack([np.ones_like(x), np.log1p(-x), -np.log(x)], axis=-1)


def quadrature(edges: np.ndarray, sqrt_s: float) -> tuple[np.ndarray, np.ndarray]:
    """(log_basis at NODES Gauss–Legendre nodes per bin (bins, NODES, 3), their weights in GeV (bins, NODES))."""
    nodes, weights = np.polynomial.legendre.leggauss(NODES)
    half = np.diff(edges)[:, None] / 2
    return log_basis((edges[:-1, None] + half * (nodes + 1)) / sqrt_s), half * weights


def bin_counts(edges: np.ndarray, parameters, sqrt_s: float = SQRT_S) -> np.ndarray:
    """Expected events per bin: the dijet function with parameters (p0, p1, p2) integrated over each bin.

    >>> bin_counts(np.array([6000.0, 7000.0]), (1.0, 0.0, 0.0)).round(6).tolist()
    [1000.0]
    """
    p0, p1, p2 = parameters
    basis, weights = quadrature(np.asarray(edges, dtype=np.float64), sqrt_s)
    return np.sum(weights * np.exp(basis @ np.array([np.log(p0), p1, p2])), axis=1)


class SparseSidebands(InputError):
    """The selected sideband events fill too few bins for the dijet fit: a cut too tight for the sample. The
    bump hunt reports such a working point as a row without a prediction instead of failing as a whole."""


@dataclass(frozen=True)
class SidebandFit:
    """A dijet-function fit of the sidebands: p0, p1, p2 and their covariance, the predicted SR count and
    its error, and the fit quality (Poisson deviance `chi2` on `ndf` degrees of freedom, its p-value)."""

    parameters: np.ndarray
    covariance: np.ndarray
    predicted: float
    predicted_error: float
    chi2: float
    ndf: int
    pvalue: float
    valid: bool


def fit_sidebands(
    mjj, signal_region: list[float], sidebands: list[float], bins: int, sqrt_s: float = SQRT_S
) -> SidebandFit:
    """Fit the dijet function to the mjj histogram of the sideband events (the SR bins masked) and predict
    the SR count.

    >>> fit = fit_sidebands(mjj, [3300, 3700], [2800, 4600], bins=36)
    >>> fit.predicted, fit.predicted_error, fit.pvalue  # e.g. 3518 ± 58 events, p = 0.41 (20k toy events)
    """
    if sidebands[1] >= sqrt_s:
        raise InputError(f"bump hunt: sidebands {list(sidebands)} must end below sqrt_s {sqrt_s:g} GeV")
    edges = mjj_edges(signal_region, sidebands, bins)
    counts = np.histogram(mjj, edges)[0].astype(np.float64)
    centres = (edges[:-1] + edges[1:]) / 2
    in_sidebands = (centres < signal_region[0]) | (centres > signal_region[1])
    filled = in_sidebands & (counts > 0)
    if filled.sum() < len(PARAMETERS):
        raise SparseSidebands(
            f"bump hunt: {int(counts[in_sidebands].sum())} events in the sidebands fill {filled.sum()} bins; "
            f"the {len(PARAMETERS)}-parameter fit needs at least {len(PARAMETERS)}"
        )

    # Over a sideband window x spans a narrow range where ln(1 − x) and ln x are almost collinear, so p0, p1 and
    # p2 are >99 % correlated and HESSE's matrix is near-singular. MIGRAD instead sees a = R (ln p0, p1, p2),
    # with R from the QR decomposition of the log-basis at the filled bins, each row weighted by sqrt(n):
    # the Poisson Fisher information in a is then about the identity. It is the same function, reparametrised.
    weight = np.sqrt(counts[filled])[:, None]
    centres_basis = log_basis(centres[filled] / sqrt_s) * weight
    log_density = np.log(counts[filled] / np.diff(edges)[filled])[:, None] * weight
    log_parameters = np.linalg.lstsq(centres_basis, log_density, rcond=None)[0][:, 0]  # the start: near the minimum
    r = np.linalg.qr(centres_basis, mode="r")
    to_log_parameters = np.linalg.inv(r)
    basis, weights = quadrature(edges, sqrt_s)
    design = basis @ to_log_parameters  # log dN/dmjj at each node is design @ a

    def expected(a) -> tuple[np.ndarray, np.ndarray]:
        """(expected counts per bin, their gradient in a (bins, 3))."""
        density = weights * np.exp(design @ np.asarray(a))
        return density.sum(axis=1), np.einsum("bk,bkj->bj", density, design)

    # iminuit calls these with xe = the histogram's own edges, at which `design` already holds the basis.
    def scaled_cdf(xe, *a):
        return np.append(0.0, np.cumsum(expected(a)[0]))

    def scaled_cdf_gradient(xe, *a):
        return np.hstack([np.zeros((len(a), 1)), np.cumsum(expected(a)[1].T, axis=1)])

    cost = ExtendedBinnedNLL(counts, edges, scaled_cdf, grad=scaled_cdf_gradient, name=("a0", "a1", "a2"))
    cost.mask = in_sidebands
    minuit = Minuit(cost, *(r @ log_parameters))
    minuit.migrad()
    minuit.hesse()
    a, covariance_a = np.array(minuit.values), np.array(minuit.covariance)
    log_p0, p1, p2 = to_log_parameters @ a
    jacobian = np.diag([np.exp(log_p0), 1.0, 1.0]) @ to_log_parameters  # d(p0, p1, p2) / da
    mu, gradient = expected(a)
    predicted, gradient = mu[~in_sidebands].sum(), gradient[~in_sidebands].sum(axis=0)
    ndf = int(minuit.ndof)
    valid = bool(minuit.valid and minuit.accurate)
    if not valid:
        logging.warning("bump hunt: the sideband fit did not converge (%d sideband events)", counts[in_sidebands].sum())
    return SidebandFit(
        parameters=np.array([np.exp(log_p0), p1, p2]),
        covariance=jacobian @ covariance_a @ jacobian.T,
        predicted=float(predicted),
        predicted_error=float(np.sqrt(gradient @ covariance_a @ gradient)),
        chi2=float(minuit.fval),
        ndf=ndf,
        pvalue=float(chi2.sf(minuit.fval, ndf)) if ndf > 0 else float("nan"),
        valid=valid,
    )


def significance(observed, predicted, predicted_error):
    """Signed local significance Z of `observed` events against a background prediction b ± σ (see the
    module's notes: the on/off profile-likelihood ratio of Li & Ma, in Cowan's form). With σ = 0 it is the
    Poisson likelihood ratio sqrt(2 (n ln(n/b) − (n − b))); for n − b ≪ b it tends to (n − b)/sqrt(b + σ²).

    >>> round(float(significance(15, 5.0, 0.0)), 3)
    3.6
    """
    n, b, sigma = np.broadcast_arrays(
        *(np.asarray(v, dtype=np.float64) for v in (observed, predicted, predicted_error))
    )
    if not (np.isfinite([n, b, sigma]).all() and (n >= 0).all() and (b > 0).all() and (sigma >= 0).all()):
        raise InputError("significance: observed must be >= 0, predicted > 0 and predicted_error >= 0 (all finite)")
    var = sigma**2
    safe_var = np.where(var > 0, var, 1.0)  # the σ = 0 branch below takes those entries
    with_error = 2 * (
        xlogy(n, n * (b + var) / (b**2 + n * var)) - b**2 / safe_var * np.log1p(var * (n - b) / (b * (b + var)))
    )
    poisson = 2 * (xlogy(n, n / b) - (n - b))
    q0 = np.maximum(np.where(var > 0, with_error, poisson), 0.0)  # rounding can leave -1e-16 at n = b
    return np.sign(n - b) * np.sqrt(q0)


def bump_hunt(
    mjj,
    scores,
    efficiencies: list[float],
    signal_region: list[float],
    sidebands: list[float],
    bins: int,
    sqrt_s: float = SQRT_S,
) -> pd.DataFrame:
    """Per working point (a cut on `scores` that keeps `efficiency` of the events inside the sidebands' outer
    range, SR included, so sideband and SR events pass the same cut): the cut's threshold, the events
    selected, the observed and predicted SR counts, the significance, the fit quality and parameters. A
    working point that leaves too few sideband events to fit gets no prediction (NaN) and a warning.

    >>> bump_hunt(mjj, scores, [0.1, 0.01], [3300, 3700], [2800, 4600], bins=36)[["observed", "significance"]]
       observed  significance
    0       909      5.693283
    1       111      4.606792
    """
    mjj, scores = np.asarray(mjj, dtype=np.float64), np.asarray(scores, dtype=np.float64)
    if mjj.shape != scores.shape:
        raise InputError(f"bump hunt: {len(mjj)} mjj values but {len(scores)} scores")
    window = (mjj >= sidebands[0]) & (mjj < sidebands[1])
    if not window.any():
        raise InputError(f"bump hunt: no events in the sidebands {list(sidebands)}")
    if not np.isfinite(scores[window]).all():
        raise InputError(f"bump hunt: {int((~np.isfinite(scores[window])).sum())} events have no finite score")
    mjj, scores = mjj[window], scores[window]
    rows = []
    for efficiency in efficiencies:
        if not 0.0 < efficiency <= 1.0:
            raise InputError(f"bump hunt: efficiency {efficiency} must be in (0, 1]")
        threshold = float(np.quantile(scores, 1.0 - efficiency))
        selected = mjj[scores >= threshold]
        observed = int(((selected >= signal_region[0]) & (selected < signal_region[1])).sum())
        try:
            fit = fit_sidebands(selected, signal_region, sidebands, bins, sqrt_s)
        except SparseSidebands as err:
            logging.warning("bump hunt at efficiency %g: %s; no prediction at this working point", efficiency, err)
            fit = None
        # A fit that ran away (a handful of events) predicts nothing usable either.
        predicts = fit is not None and np.isfinite([fit.predicted, fit.predicted_error]).all() and fit.predicted > 0
        rows.append(
            {
                "efficiency": efficiency,
                "threshold": threshold,
                "selected": len(selected),
                "observed": observed,
                "predicted": fit.predicted if predicts else math.nan,
                "predicted_error": fit.predicted_error if predicts else math.nan,
                "significance": float(significance(observed, fit.predicted, fit.predicted_error))
                if predicts
                else math.nan,
                "chi2_ndf": fit.chi2 / fit.ndf if predicts and fit.ndf > 0 else math.nan,
                "fit_pvalue": fit.pvalue if predicts else math.nan,
                "fit_valid": predicts and fit.valid,
                **dict(zip(PARAMETERS, fit.parameters.tolist() if predicts else [math.nan] * len(PARAMETERS))),
            }
        )
    return pd.DataFrame(rows)
