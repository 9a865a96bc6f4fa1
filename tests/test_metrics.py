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


def test_chi2_ndf_keeps_every_event_of_a_discrete_reference():
    reference = np.repeat([0.0, 1.0], 500)  # quantile edges collapse to one
    assert metrics.chi2_ndf(reference, reference, bins=40) == 0


def test_frechet_distance_of_gaussians_in_closed_form():
    mu, cov = np.array([1.0, 2.0]), np.diag([4.0, 1.0])
    # |mu|^2 + Tr(I + cov - 2 cov^1/2) = 5 + (1 + 4 - 4) + (1 + 1 - 2)
    assert metrics.frechet_distance(np.zeros(2), np.eye(2), mu, cov) == pytest.approx(6.0)


def test_fpd_of_identical_samples_is_zero(rng):
    x = rng.normal(size=(5000, 4))
    value, error = metrics.fpd(x, x, 500, 5000, seed=1)
    assert abs(value) < 3 * error + 1e-3


def test_fpd_of_two_samples_of_one_distribution_is_of_order_dimension_over_size(rng):
    # Extrapolation removes the batch-size bias, not the difference between the two finite samples: about
    # 2d/N from their means and d(d+1)/2N from their covariances.
    d, n = 4, 5000
    value, _ = metrics.fpd(rng.normal(size=(n, d)), rng.normal(size=(n, d)), 500, n, seed=1)
    assert abs(value) < 4 * (2 * d + d * (d + 1) / 2) / n


def test_fpd_of_shifted_gaussians_is_the_squared_shift(rng):
    mu = np.array([1.0, 0.5, 0.0])
    value, _ = metrics.fpd(rng.normal(size=(8000, 3)), rng.normal(mu, size=(8000, 3)), 1000, 8000, seed=1)
    # The two finite samples' means scatter by √(2/8000) per dimension: |mu|^2 moves by about 2|mu| that.
    assert value == pytest.approx(mu @ mu, abs=3 * 2 * np.sqrt(mu @ mu) * np.sqrt(2 / 8000))


def test_fpd_needs_three_batch_sizes(rng):
    with pytest.raises(ValueError, match="3 distinct batch sizes"):
        metrics.fpd(rng.normal(size=(10, 2)), rng.normal(size=(10, 2)), 5, 6, num_points=5)


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


def test_classifier_cannot_separate_equal_distributions(rng):
    auc, error = metrics.classifier_auc(rng.normal(size=(2000, 3)), rng.normal(size=(2000, 3)), folds=3)
    assert error == pytest.approx(0.009, abs=0.001)
    assert auc == pytest.approx(0.5, abs=3.5 * error)


def test_classifier_separates_shifted_distributions(rng):
    shift = 1.0  # in one of three features: the best possible AUC is Phi(shift / sqrt 2)
    a, b = rng.normal(size=(2000, 3)), rng.normal(size=(2000, 3))
    b[:, 0] += shift
    auc, error = metrics.classifier_auc(a, b, folds=3)
    assert 0.65 < auc < norm.cdf(shift / np.sqrt(2)) + 3 * error


def test_auc_error_at_chance_level():
    assert metrics.classifier.auc_error(0.5, 100, 300) == pytest.approx(np.sqrt(401 / (12 * 100 * 300)), rel=0.01)


def test_chi2_ndf_of_a_constant_observable_is_undefined():
    assert np.isnan(metrics.chi2_ndf(np.ones(50), np.ones(80)))
