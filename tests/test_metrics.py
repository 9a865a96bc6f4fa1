"""Metrics on cases with known answers: equal samples give the floor, shifted Gaussians a known distance."""

import numpy as np
import pytest
from scipy.stats import norm

from dijetgen import metrics


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def test_wasserstein_of_a_shift_is_the_shift():
    a = np.random.default_rng(0).normal(size=2000)
    value, error = metrics.wasserstein(a + 0.7, a)
    assert value == pytest.approx(0.7)
    assert 0 < error < 0.1


def test_wasserstein_of_shifted_gaussians(rng):
    value, error = metrics.wasserstein(rng.normal(0.5, 1, 20000), rng.normal(0, 1, 20000))
    assert value == pytest.approx(0.5, abs=3 * error + 0.01)


def test_ks_statistic_of_equal_and_disjoint_samples(rng):
    a = rng.normal(size=1000)
    assert metrics.ks_statistic(a, a) == 0
    assert metrics.ks_statistic(a, a + 100) == 1


def test_chi2_ndf_is_about_one_for_equal_shapes_and_large_for_different(rng):
    same = [metrics.chi2_ndf(rng.normal(size=5000), rng.normal(size=5000), bins=40) for _ in range(10)]
    assert np.mean(same) == pytest.approx(1.0, abs=0.15)
    a = rng.normal(size=1000)
    assert metrics.chi2_ndf(a, a) == 0
    assert metrics.chi2_ndf(rng.normal(0.5, 1, 5000), rng.normal(size=5000)) > 10


def hand_written_chi2_ndf(sample, reference, bins):
    """The formula chi2_ndf had before it called scipy's chi2_contingency: ROOT's Chi2Test "UU" written out."""
    inner = np.unique(np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1]))
    n = np.bincount(np.searchsorted(inner, sample, side="right"), minlength=len(inner) + 1)
    r = np.bincount(np.searchsorted(inner, reference, side="right"), minlength=len(inner) + 1)
    used = (n + r) > 0
    n, r = n[used].astype(np.float64), r[used].astype(np.float64)
    chi2 = np.sum((r.sum() * n - n.sum() * r) ** 2 / (n + r)) / (n.sum() * r.sum())
    return chi2 / (used.sum() - 1)


@pytest.mark.parametrize("bins", [2, 3, 40])
def test_chi2_ndf_equals_the_hand_written_formula(rng, bins):
    for sample, reference in [
        (rng.normal(0.2, 1.1, 700), rng.normal(size=1300)),
        (rng.exponential(size=50), rng.exponential(size=4000)),
        (rng.integers(0, 5, 900).astype(float), rng.integers(0, 4, 600).astype(float)),  # discrete: bins merge
        (rng.normal(size=300), rng.normal(5, 1, 300)),  # sample beyond the reference: outer bins only
    ]:
        assert metrics.chi2_ndf(sample, reference, bins) == pytest.approx(
            hand_written_chi2_ndf(sample, reference, bins), rel=1e-12
        )


def test_chi2_ndf_keeps_every_event_of_a_discrete_reference():
    reference = np.repeat([0.0, 1.0], 500)  # quantile edges collapse to one
    assert metrics.chi2_ndf(reference, reference, bins=40) == 0


def test_frechet_distance_of_gaussians_in_closed_form():
    mu, cov = np.array([1.0, 2.0]), np.diag([4.0, 1.0])
    # |mu|^2 + Tr(I + cov - 2 cov^1/2) = 5 + (1 + 4 - 4) + (1 + 1 - 2)
    assert metrics.frechet_distance(np.zeros(2), np.eye(2), mu, cov) == pytest.approx(6.0)


def test_fpd_of_identical_samples_is_zero(rng):
    x = rng.normal(size=(5000, 4))
    value, error = metrics.fpd(x, x, 500, 2500, seed=1)
    assert abs(value) < 3 * error + 1e-3


def test_fpd_of_two_samples_of_one_distribution_is_consistent_with_zero():
    # The case: two 9-dimensional Gaussian samples of 1625 events. Batches drawn with replacement
    # gave 0.016-0.034 "+- 0.001-0.007" here; FD between such samples scatters by about 0.012.
    results = []
    for seed in range(5):
        rng = np.random.default_rng(seed)
        results.append(metrics.fpd(rng.normal(size=(1625, 9)), rng.normal(size=(1625, 9)), 406, 812, seed=seed))
    values, errors = np.array(results).T
    assert (np.abs(values) < 2 * errors).sum() >= 4
    assert (errors > 0.005).all()
    assert abs(values.mean()) < 2 * errors.mean() / np.sqrt(len(values))


def test_fpd_of_shifted_and_scaled_gaussians_is_the_analytic_distance(rng):
    d, mu, scale = 5, np.array([0.6, 0.3, 0.0, 0.0, 0.0]), 1.2
    truth = mu @ mu + d * (scale - 1) ** 2  # |mu|^2 + Tr(I + s^2 I - 2 s I)
    value, error = metrics.fpd(rng.normal(size=(6000, d)), rng.normal(mu, scale, size=(6000, d)), 600, 3000, seed=1)
    assert value == pytest.approx(truth, abs=3 * error)
    assert error < 0.2 * truth


def test_fpd_needs_three_batch_sizes(rng):
    with pytest.raises(ValueError, match="3 distinct batch sizes"):
        metrics.fpd(rng.normal(size=(20, 2)), rng.normal(size=(20, 2)), 5, 6, num_points=5)


def test_fpd_batches_leave_half_of_each_sample_out(rng):
    with pytest.raises(ValueError, match="exceeds half the smaller sample"):
        metrics.fpd(rng.normal(size=(3000, 2)), rng.normal(size=(1000, 2)), 200, 600)


def test_mmd_with_a_linear_kernel_measures_the_mean_shift(rng):
    mu = np.array([1.0, -1.0, 0.0, 0.0])
    values = [
        metrics.mmd_poly_unbiased(rng.normal(size=(2000, 4)), rng.normal(mu, size=(2000, 4)), 1) for _ in range(5)
    ]
    assert np.mean(values) == pytest.approx(mu @ mu / 4, rel=0.05)


def test_kpd_is_zero_for_equal_distributions_and_positive_for_shifted(rng):
    x = rng.normal(size=(3000, 4))
    value, error = metrics.kpd(x, rng.normal(size=(3000, 4)), batch_size=1000, seed=2)
    assert abs(value) < max(3 * error, 1e-3)
    shifted, shifted_error = metrics.kpd(x, rng.normal(0.5, 1, size=(3000, 4)), batch_size=1000, seed=2)
    assert shifted > 5 * shifted_error > 0


def test_correlation_difference_and_its_summary(rng):
    x = rng.normal(size=(20000, 2))
    correlated = np.column_stack([x[:, 0], 0.6 * x[:, 0] + 0.8 * x[:, 1]])
    difference = metrics.correlation_difference(correlated, x)
    assert difference[0, 1] == pytest.approx(0.6, abs=0.03)
    assert np.diag(difference) == pytest.approx(0)
    assert metrics.mean_abs_off_diagonal(difference) == pytest.approx(0.6, abs=0.03)


def test_correlation_of_a_constant_column_is_zero(rng):
    collapsed = np.column_stack([rng.normal(size=100), np.ones(100)])
    assert np.isfinite(metrics.correlation_difference(collapsed, rng.normal(size=(100, 2)))).all()


def test_classifier_auc_of_one_distribution_covers_one_half():
    # Coverage: over several pairs of samples of one distribution the AUC falls within 2 errors of 0.5 in
    # about 95% of cases. With the error of the pooled out-of-fold AUC (Hanley-McNeil, 0.0105 at this size)
    # it did in 75% of 20 trials: the AUC scattered by 0.015.
    results = [
        metrics.classifier_auc(*np.random.default_rng(seed).normal(size=(2, 1500, 4)), seed=seed) for seed in range(6)
    ]
    aucs, errors = np.array(results).T
    assert (np.abs(aucs - 0.5) < 2 * errors).sum() >= 5
    # One fold's Hanley-McNeil error (300 events per class), scaled for correlated folds: 0.0158.
    assert errors == pytest.approx(np.sqrt(601 / (12 * 300**2)) * np.sqrt(1 / 5 + 1 / 4), rel=0.3)


def test_classifier_recovers_the_auc_of_a_known_separation():
    shift = 1.0  # two unit Gaussians this far apart: the best possible AUC is Phi(shift / sqrt 2) = 0.760
    rng = np.random.default_rng(7)
    auc, error = metrics.classifier_auc(rng.normal(size=(3000, 1)), rng.normal(shift, size=(3000, 1)), seed=2)
    assert auc == pytest.approx(norm.cdf(shift / np.sqrt(2)), abs=2.5 * error)


def test_auc_error_at_chance_level():
    assert metrics.classifier.auc_error(0.5, 100, 300) == pytest.approx(np.sqrt(401 / (12 * 100 * 300)), rel=0.01)


def test_chi2_ndf_of_a_constant_observable_is_undefined():
    assert np.isnan(metrics.chi2_ndf(np.ones(50), np.ones(80)))
