import numpy as np
import pytest

from dijetgen.amplification import (
    AmplificationSettings,
    equivalent_size,
    measure,
    sliced_quantile_distance,
    summarise,
)
from dijetgen.errors import InputError

COVARIANCE = np.array([[1.0, 0.6, 0.2], [0.6, 1.0, 0.3], [0.2, 0.3, 1.0]])
SETTINGS = AmplificationSettings(generated=10000, bins=10)


def gaussian_truth(n, rng, covariance=COVARIANCE):
    return rng.multivariate_normal([0.0, 1.0, 2.0], covariance, size=n)


def resampler(events, seed):
    """A 'generator' that only reproduces its training events (draws them with replacement)."""
    return lambda n, sample_seed: events[np.random.default_rng(sample_seed).integers(0, len(events), n)]


def fitted_gaussian(events, seed):
    mean, covariance = events.mean(axis=0), np.cov(events.T)
    return lambda n, sample_seed: np.random.default_rng(sample_seed).multivariate_normal(mean, covariance, size=n)


def amplification_of(fit, rng):
    train, held_out = gaussian_truth(1500, rng), gaussian_truth(8000, rng)
    draws, curves = measure(train, held_out, [150], 6, fit, SETTINGS, seed=3)
    assert set(curves["kind"]) == {"truth", "generated", "training"} and not draws["censored"].any()
    return summarise(draws.assign(model=fit.__name__)).iloc[0]


def test_a_resampler_of_its_training_events_is_worth_those_events():
    row = amplification_of(resampler, np.random.default_rng(0))
    assert abs(row["amplification"] - 1) < 2 * row["amplification_error"] + 0.05, row.to_dict()
    assert abs(row["training_amplification"] - 1) < 2 * row["training_amplification_error"] + 0.05


def test_a_gaussian_fitted_to_gaussian_truth_is_worth_several_times_its_training_events():
    row = amplification_of(fitted_gaussian, np.random.default_rng(0))
    assert row["amplification"] - 2 * row["amplification_error"] > 2, row.to_dict()


def test_the_distance_of_a_truth_sample_falls_as_one_over_its_size_and_sees_correlations():
    rng = np.random.default_rng(1)
    distance = sliced_quantile_distance(gaussian_truth(200000, rng), bins=10, seed=0)
    for size in (100, 1000):
        mean = np.mean([distance(gaussian_truth(size, rng)) for _ in range(40)])
        assert mean * size == pytest.approx(0.9, rel=0.15)  # (1 - 1/bins) / m
    # The same marginals without the correlations: the marginal projections alone could not tell them apart.
    uncorrelated = gaussian_truth(20000, rng, covariance=np.eye(3))
    assert distance(uncorrelated) > 5 * distance(gaussian_truth(20000, rng))


def test_the_equivalent_size_is_interpolated_in_log_and_censored_beyond_the_curve():
    sizes = np.array([10, 100, 1000])
    curve = 1.0 / sizes
    assert equivalent_size(sizes, curve, 1 / 300) == (pytest.approx(300), False)
    assert equivalent_size(sizes, curve, 1e-5) == (1000, True)
    assert equivalent_size(sizes, curve, 1.0) == (10, True)


@pytest.mark.parametrize(
    ("sizes", "message"),
    [
        ([600], "amplification.sizes: N = 600 exceeds the train split's 500 events"),
        ([400], "amplification.sizes: N = 400 leaves 300 events never trained on"),
    ],
)
def test_a_training_size_the_data_cannot_hold_is_named(sizes, message):
    rng = np.random.default_rng(2)
    with pytest.raises(InputError, match=message):
        measure(gaussian_truth(500, rng), gaussian_truth(200, rng), sizes, 2, resampler, SETTINGS, seed=0)
