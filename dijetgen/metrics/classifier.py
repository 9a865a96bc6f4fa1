"""Classifier two-sample test: can a boosted decision tree tell the two samples apart?

An AUC of 0.5 means it cannot. Unlike 1D distances it also sees wrong correlations, so it is the headline
number of CaloChallenge-style evaluations. The samples are cut to equal size, so a chance AUC is 0.5.
"""

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from threadpoolctl import threadpool_limits


def auc_error(auc: float, n_negative: int, n_positive: int) -> float:
    """Statistical error of an AUC (Hanley & McNeil 1982); √((n₀+n₁+1)/(12 n₀ n₁)) at AUC = 0.5."""
    q1, q2 = auc / (2 - auc), 2 * auc**2 / (1 + auc)
    variance = auc * (1 - auc) + (n_positive - 1) * (q1 - auc**2) + (n_negative - 1) * (q2 - auc**2)
    return float(np.sqrt(variance / (n_negative * n_positive)))


def classifier_auc(
    a: np.ndarray, b: np.ndarray, folds: int = 5, seed: int = 0, threads: int = 1
) -> tuple[float, float]:
    """ROC AUC of a classifier separating a from b, and its statistical error.

    Every event is scored by the model of the fold that did not train on it, and one AUC is taken over all
    these out-of-fold scores: it uses all events, so its error is smaller than that of one fold's AUC.
    `threads` caps the boosting's OpenMP threads: on cores busy with other jobs, OpenMP threads wait for
    each other and a 0.1 s fit can take 5 s.
    """
    rng = np.random.default_rng(seed)
    n = min(len(a), len(b))
    x = np.concatenate([a[rng.choice(len(a), n, replace=False)], b[rng.choice(len(b), n, replace=False)]])
    y = np.repeat([0, 1], n)
    # A small, regularised model: it should find real differences, not memorise the training folds.
    classifier = HistGradientBoostingClassifier(
        max_iter=100, max_leaf_nodes=15, l2_regularization=1.0, random_state=seed
    )
    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    with threadpool_limits(threads, user_api="openmp"):
        scores = cross_val_predict(classifier, x, y, cv=cv, method="predict_proba")[:, 1]
    auc = float(roc_auc_score(y, scores))
    return auc, auc_error(auc, n, n)
