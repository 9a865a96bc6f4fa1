"""ROC, AUC and SIC on Gaussian scores with known separation, and the choice of events to score."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from dijetgen.anomaly import (
    MIN_BACKGROUND_EVENTS,
    anomaly_events,
    finite_scores,
    roc_curve,
    roc_summary,
)
from dijetgen.config import scored_models, signal_sample
from dijetgen.errors import InputError


@pytest.fixture(scope="module")
def gaussian_curve():
    """Background scores N(0, 1), signal N(1, 1)."""
    rng = np.random.default_rng(5)
    return roc_curve(rng.normal(0, 1, 20000), rng.normal(1, 1, 5000))


def test_auc_of_shifted_gaussians(gaussian_curve):
    assert roc_summary(gaussian_curve)["auc"] == pytest.approx(norm.cdf(1 / np.sqrt(2)), abs=0.01)


def test_efficiencies_follow_the_gaussian_tails(gaussian_curve):
    inner = gaussian_curve.iloc[1:-1]  # the first threshold is +inf
    assert inner["eps_b"].to_numpy() == pytest.approx(norm.sf(inner["threshold"]), abs=0.01)
    assert inner["eps_s"].to_numpy() == pytest.approx(norm.sf(inner["threshold"] - 1), abs=0.02)


def test_sic_is_signal_efficiency_over_root_background_efficiency(gaussian_curve):
    shown = gaussian_curve.dropna(subset=["sic"])
    assert shown["sic"].to_numpy() == pytest.approx(shown["eps_s"] / np.sqrt(shown["eps_b"]))
    assert (shown["eps_b"] * 20000 >= MIN_BACKGROUND_EVENTS).all()
    assert gaussian_curve.loc[gaussian_curve["eps_b"] * 20000 < MIN_BACKGROUND_EVENTS, "sic"].isna().all()


def test_max_sic_matches_the_analytic_optimum(gaussian_curve):
    thresholds = np.linspace(-3, norm.isf(MIN_BACKGROUND_EVENTS / 20000), 2000)
    best = np.max(norm.sf(thresholds - 1) / np.sqrt(norm.sf(thresholds)))
    summary = roc_summary(gaussian_curve)
    assert summary["max_sic"] == pytest.approx(best, rel=0.15)
    assert summary["max_sic"] == pytest.approx(summary["eps_s_at_max_sic"] / np.sqrt(summary["eps_b_at_max_sic"]))


def test_random_scores_give_auc_one_half():
    rng = np.random.default_rng(6)
    assert roc_summary(roc_curve(rng.random(5000), rng.random(5000)))["auc"] == pytest.approx(0.5, abs=0.02)


def test_non_finite_scores_rank_at_the_ends():
    scores = finite_scores(np.array([1.0, np.inf, np.nan, -2.0, -np.inf]))
    assert np.isfinite(scores).all()
    assert scores[1] > 1.0 and scores[2] > 1.0 and scores[4] < -2.0


def test_anomaly_events_drop_signal_events_a_model_trained_on():
    test = pd.DataFrame({"sample": ["qcd", "qcd", "mix"], "event": [0, 1, 7], "label": [0, 0, 1]})
    signal = pd.DataFrame({"sample": "mix", "event": [5, 6, 7], "label": [1, 1, 1]})
    seen = pd.DataFrame({"sample": ["mix", "qcd"], "event": [5, 6], "label": [1, 0]})
    background, kept = anomaly_events(test, signal, seen)
    assert background["event"].tolist() == [0, 1]
    assert kept["event"].tolist() == [6, 7]


def config_with(anomaly: dict, **samples) -> dict:
    models = {"ae": {"kind": "ae"}, "gan": {"kind": "gan"}, "flow": {"kind": "flow"}, "cfm": {"kind": "cfm"}}
    return {"seed": 1, "shards": 1, "samples": samples, "models": models, "anomaly": anomaly}


QCD = {"source": "pythia", "process": "qcd", "events": 10}
WPRIME = {"source": "pythia", "process": "wprime", "events": 10}


def test_the_signal_is_named_or_else_the_one_sample_labelled_signal():
    assert signal_sample(config_with({"signal": "bsm"}, qcd=QCD, bsm=QCD)) == "bsm"
    assert signal_sample(config_with({"signal": None}, qcd=QCD, wp=WPRIME)) == "wp"
    assert signal_sample(config_with({"signal": None}, qcd=QCD)) is None  # anomaly detection off
    assert signal_sample(config_with({"signal": None}, a=WPRIME, b=WPRIME)) is None
    with pytest.raises(InputError, match="anomaly.signal: wprime is not under samples"):
        signal_sample(config_with({"signal": "wprime"}, qcd=QCD))


def test_scored_models_default_to_the_kinds_with_a_meaningful_score():
    assert scored_models(config_with({"models": None})) == ["ae", "flow", "cfm"]
    assert scored_models(config_with({"models": ["gan"]})) == ["gan"]
    with pytest.raises(InputError, match="anomaly.models: vae not under models"):
        scored_models(config_with({"models": ["vae"]}))


def test_an_infinite_background_score_ranks_above_every_finite_score():
    curve = roc_curve(np.array([np.inf, 1.0, 2.0]), np.array([100.0, 50.0]))
    # At the threshold that keeps both signal events, the +inf background event passes too.
    both_signal = curve[curve["eps_s"] == 1.0].iloc[0]
    assert both_signal["eps_b"] >= 1 / 3


def test_missing_background_or_signal_is_an_input_error():
    table = pd.DataFrame({"sample": ["qcd"] * 2, "event": [0, 1], "label": [0, 0]})
    signal = pd.DataFrame({"sample": ["w"] * 2, "event": [0, 1], "label": [1, 1]})
    with pytest.raises(InputError, match="no unseen signal events"):
        anomaly_events(table, signal, signal[["sample", "event"]])
    with pytest.raises(InputError, match="no background events"):
        anomaly_events(table.iloc[:0], signal, table[["sample", "event"]].iloc[:0])
