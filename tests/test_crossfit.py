"""The cross-fit classifiers' event weights: sklearn's "balanced" weights are the hand-written ones they replaced."""

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_sample_weight


@pytest.mark.parametrize("signal_fraction", [0.5, 0.1, 0.83])
def test_balanced_sample_weights_equal_the_hand_written_ones(signal_fraction):
    y = (np.random.default_rng(5).uniform(size=997) < signal_fraction).astype(int)
    hand_written = (len(y) / (2 * np.bincount(y, minlength=2).astype(np.float64)))[y]
    weights = compute_sample_weight("balanced", y)
    assert weights == pytest.approx(hand_written, rel=1e-15)
    assert weights[y == 0].sum() == pytest.approx(weights[y == 1].sum())
