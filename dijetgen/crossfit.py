"""k-fold classifier ensembles: every event is scored only by classifiers that never trained on it.

The resonant search trains on the signal-region data itself, so a classifier must not score the events it
saw: it would have memorised their labels. With the events split into k folds, the classifiers of fold i
train on the other folds and score fold i. Each fold's classifier is an ensemble of HistGradientBoosting
members whose probabilities are averaged ("Back to the roots", Finke et al. 2023)::

    train_scores, eval_scores = cross_fit(x, y, folds, x_eval, eval_folds, classifier_settings, seed=1)
    roc_auc_score(y, train_scores)      # the cross-validated AUC of the two training classes
"""

from collections.abc import Callable

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.utils.class_weight import compute_sample_weight
from threadpoolctl import threadpool_limits

from dijetgen.errors import InputError
from dijetgen.metrics.classifier import auc_error


class Ensemble:
    """n HistGradientBoosting members of different seeds (and early-stopping splits); predicts their mean."""

    def __init__(self, settings: dict, seed: int):
        self.members = [
            HistGradientBoostingClassifier(
                max_iter=settings["max_iter"],
                learning_rate=settings["learning_rate"],
                max_leaf_nodes=settings["max_leaf_nodes"],
                early_stopping=True,
                validation_fraction=0.2,
                n_iter_no_change=10,
                random_state=seed + member,
            )
            for member in range(settings["ensemble"])
        ]

    def fit(self, x: np.ndarray, y: np.ndarray, sample_weight: np.ndarray) -> "Ensemble":
        for member in self.members:
            member.fit(x, y, sample_weight=sample_weight)
        return self

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        return np.mean([member.predict_proba(x) for member in self.members], axis=0)


def cross_fit(
    x: np.ndarray,
    y: np.ndarray,
    folds: np.ndarray,
    x_eval: np.ndarray,
    eval_folds: np.ndarray,
    settings: dict,
    seed: int,
    make_classifier: Callable[[dict, int], object] = Ensemble,
    threads: int = 1,
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold P(y = 1) of the training events, and of the evaluation events by the same fold classifiers.

    Fold i's classifier trains on the events of (x, y) whose fold is not i and scores those whose fold is i,
    in both sets. An evaluation event that is also a training event has the same fold in both (see
    dijetgen.search.assign_folds), so it is never scored by a classifier that saw it.
    `threads` caps the boosting's OpenMP threads (OpenMP on busy cores waits for itself).
    """
    train_scores, eval_scores = np.full(len(x), np.nan), np.full(len(x_eval), np.nan)
    with threadpool_limits(threads, user_api="openmp"):
        for fold in range(settings["folds"]):
            train = folds != fold
            if len(np.unique(y[train])) < 2:
                raise InputError(f"search.classifier.folds: fold {fold}'s training events hold only one class")
            classifier = make_classifier(settings, seed + 1000 * fold)
            # Both classes weigh the same in total: the template is oversampled.
            classifier.fit(x[train], y[train], sample_weight=compute_sample_weight("balanced", y[train]))
            for rows, values, scores in ((~train, x, train_scores), (eval_folds == fold, x_eval, eval_scores)):
                if rows.any():
                    scores[rows] = classifier.predict_proba(values[rows])[:, 1]
    return train_scores, eval_scores


def cross_validated_auc(y: np.ndarray, train_scores: np.ndarray) -> dict:
    """The AUC of the out-of-fold scores of the two training classes, its error and the class counts."""
    auc = float(roc_auc_score(y, train_scores))
    negative, positive = int((y == 0).sum()), int((y == 1).sum())
    return {
        "cross_validated_auc": auc,
        "auc_error": auc_error(auc, negative, positive),
        "class_0_events": negative,
        "class_1_events": positive,
    }
