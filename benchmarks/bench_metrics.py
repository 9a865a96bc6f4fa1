"""The yardsticks on known distributions: `python -m benchmarks.bench_metrics [trials]`.

FPD of two samples of one 9-dimensional Gaussian (1625 events each, the default run's test size): its mean
should be 0 within its scatter, and its error should match the scatter. FPD of a shifted Gaussian against
the analytic distance. Classifier AUC of two samples of one distribution: the fraction of trials within 1
and 2 errors of 0.5 (coverage; 68% and 95% if the error is right).
"""

import sys

import numpy as np

from dijetgen.metrics import classifier_auc, fpd


def fpd_trials(trials: int, shift: np.ndarray) -> None:
    results = []
    for seed in range(trials):
        rng = np.random.default_rng(100 + seed)
        results.append(fpd(rng.normal(size=(1625, 9)), rng.normal(shift, size=(1625, 9)), 406, 812, seed=seed))
    values, errors = np.array(results).T
    truth = shift @ shift
    print(
        f"FPD, truth {truth:.3f}: mean {values.mean():.4f}, scatter {values.std():.4f}, mean error {errors.mean():.4f},"
        f" within 2 errors {np.mean(np.abs(values - truth) < 2 * errors):.0%}"
    )


def auc_trials(trials: int) -> None:
    results = [classifier_auc(*np.random.default_rng(s).normal(size=(2, 1500, 4)), seed=s) for s in range(trials)]
    aucs, errors = np.array(results).T
    within = [np.mean(np.abs(aucs - 0.5) < k * errors) for k in (1, 2)]
    print(
        f"AUC, one distribution: mean {aucs.mean():.4f}, scatter {aucs.std():.4f}, mean error {errors.mean():.4f},"
        f" within 1 error {within[0]:.0%}, within 2 {within[1]:.0%}"
    )


if __name__ == "__main__":
    trials = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    fpd_trials(trials, np.zeros(9))
    fpd_trials(trials, np.array([0.5, 0.3, 0.2] + [0.0] * 6))
    auc_trials(trials)
