"""Anomaly detection: how well a per-event score separates the W' signal from the QCD background.

A model trained on background scores events by how unlike the training data they are (reconstruction error,
-log p). Cutting on the score keeps a fraction ε_B of background and ε_S of signal. The ROC curve is ε_S
against ε_B, and the significance improvement SIC = ε_S / √ε_B is the factor by which the cut multiplies
S/√B::

    background, signal = anomaly_events(test, signal_table, seen=pd.concat([train, val]))
    curve = roc_curve(score(background), score(signal))
    roc_summary(curve)["auc"]
"""

import logging

import numpy as np
import pandas as pd
from sklearn import metrics

from dijetgen.errors import InputError
from dijetgen.validation import read_checked

# SIC points where fewer background events pass are dropped: their ε_B has a Poisson error above 30%, and
# the curve's maximum would just pick out the luckiest fluctuation.
MIN_BACKGROUND_EVENTS = 10


def anomaly_events(test: pd.DataFrame, signal: pd.DataFrame, seen: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Test background (label 0) and signal events (label 1), without any event a model was trained on.

    When the signal sample is also a training sample (training on data with some signal in it), its events
    in the train or val split are dropped by (sample, event).
    """
    background = test[test["label"] == 0]
    signal = signal[signal["label"] == 1]
    seen_keys = pd.MultiIndex.from_frame(seen[["sample", "event"]])
    unseen = ~pd.MultiIndex.from_frame(signal[["sample", "event"]]).isin(seen_keys)
    if not unseen.all():
        logging.info("anomaly: %d signal events left out because models trained on them", (~unseen).sum())
    if background.empty or not unseen.any():
        empty = "background events in the test split" if background.empty else "unseen signal events"
        raise InputError(f"anomaly: no {empty}; anomaly detection needs both classes")
    return background.reset_index(drop=True), signal[unseen].reset_index(drop=True)


def read_anomaly_events(
    test_path: str, signal_path: str, seen_paths: list[str], columns: list[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """anomaly_events of the test and signal tables (checked for `columns`), minus the events in seen_paths."""
    seen = pd.concat([pd.read_parquet(path, columns=["sample", "event"]) for path in seen_paths])
    return anomaly_events(read_checked(test_path, columns), read_checked(signal_path, columns), seen)


def finite_scores(scores: np.ndarray) -> np.ndarray:
    """Scores with NaN and +inf (an event far outside the training data) above every finite score, -inf below."""
    scores = np.asarray(scores, np.float64)
    finite = scores[np.isfinite(scores)]
    if finite.size < scores.size:
        logging.warning("anomaly: %d non-finite scores", scores.size - finite.size)
    high, low = finite.max(initial=0.0), finite.min(initial=0.0)
    return np.nan_to_num(scores, nan=high + 1 + abs(high), posinf=high + 1 + abs(high), neginf=low - 1 - abs(low))


def roc_curve(
    background_scores: np.ndarray, signal_scores: np.ndarray, min_background_events: int = MIN_BACKGROUND_EVENTS
) -> pd.DataFrame:
    """Per threshold (score >= threshold): eps_b, eps_s and sic (NaN where under min_background_events pass)."""
    labels = np.repeat([0, 1], [len(background_scores), len(signal_scores)])
    # One replacement for non-finite scores across both classes, so their ranking is shared.
    scores = finite_scores(np.concatenate([background_scores, signal_scores]))
    eps_b, eps_s, thresholds = metrics.roc_curve(labels, scores, drop_intermediate=False)
    enough = eps_b * len(background_scores) >= min_background_events
    with np.errstate(divide="ignore", invalid="ignore"):
        sic = np.where(enough, eps_s / np.sqrt(eps_b), np.nan)
    return pd.DataFrame({"threshold": thresholds, "eps_b": eps_b, "eps_s": eps_s, "sic": sic})


def roc_summary(curve: pd.DataFrame) -> dict:
    """AUC, the highest SIC and the efficiencies where it is reached."""
    best = curve["sic"].idxmax() if curve["sic"].notna().any() else None
    at_best = curve.loc[best] if best is not None else {"sic": np.nan, "eps_s": np.nan, "eps_b": np.nan}
    return {
        "auc": float(metrics.auc(curve["eps_b"], curve["eps_s"])),
        "max_sic": float(at_best["sic"]),
        "eps_s_at_max_sic": float(at_best["eps_s"]),
        "eps_b_at_max_sic": float(at_best["eps_b"]),
    }
