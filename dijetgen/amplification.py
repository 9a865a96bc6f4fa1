"""How many events a generator trained on N events is worth: its amplification ("GANplifying event samples",
arXiv 2008.06545).

For one training size N and one draw: N background events drawn from the train split train a generator;
every other selected background event was never trained on and is the truth, cut at random into two halves,
a reference and a pool. The distance to the reference is measured for

- the N training events themselves,
- truth subsamples of the pool of growing size m (the reference curve d(m), averaged over SUBSAMPLES),
- generated samples of growing size n (the first n events of one large sample).

The generator is worth m* truth events when d(m*) equals the distance of its largest sample; m* is read off
the reference curve, interpolated linearly in log d against log m, and the amplification is m*/N. A
generator that only reproduces its training events is worth N (amplification 1); one that interpolates
well is worth more. When the generated distance lies below the whole curve, m* is at least the pool's size
and the draw is `censored` (its amplification is a lower bound).

The distance is the sliced quantile distance (sliced_quantile_distance): the binned quantile distance of
2008.06545, sum over bins of (fraction of the sample in the bin - 1/B)^2 with B bins holding equal shares of
the reference, averaged over projections of the standardised features: each feature axis (the marginals)
and as many random unit directions (which see the correlations: a distribution is fixed by its 1D
projections). A truth sample of m events has d ~ (1 - 1/B)/m, so the distance reads as an inverse sample
size, the same in every projection.

    draws, curves = measure(train, held_out, [500, 1000], 5, fit, AmplificationSettings(), seed=42)
    summarise(draws.assign(model="flow"))   # amplification and its error over the draws, per model and N

`fit(events, seed)` trains a generator on an (N, features) array and returns `generate(n, seed)`, an
(n, features) array; tests pass plain numpy generators, the workflow dijetgen's models.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dijetgen.errors import InputError
from dijetgen.replicas import replica_seed

Generator = Callable[[int, int], np.ndarray]
SUBSAMPLES = 10  # truth subsamples averaged at each size of the reference curve
CURVE_POINTS = 10  # sizes of the reference and generated curves, evenly spaced in log m
SMALLEST_FRACTION = 0.1  # the curves start at this fraction of N (and at least at the number of bins)


@dataclass(frozen=True)
class AmplificationSettings:
    """The `amplification:` config section's measurement settings."""

    generated: int = 20000
    bins: int = 20


@dataclass(frozen=True)
class QuantileDistance:
    """The sliced quantile distance to one reference sample; call it on an (n, features) array."""

    mean: np.ndarray
    scale: np.ndarray
    projections: np.ndarray  # (features, projections): unit vectors in the standardised feature space
    edges: np.ndarray  # (bins - 1, projections): the reference's inner quantiles along each projection

    def __call__(self, sample: np.ndarray) -> float:
        projected = ((sample - self.mean) / self.scale) @ self.projections
        bins = len(self.edges) + 1
        total = 0.0
        for column in range(projected.shape[1]):
            index = np.searchsorted(self.edges[:, column], projected[:, column], side="right")
            fractions = np.bincount(index, minlength=bins) / len(sample)
            total += np.sum((fractions - 1 / bins) ** 2)
        return float(total / projected.shape[1])


def sliced_quantile_distance(reference: np.ndarray, bins: int, seed: int) -> QuantileDistance:
    """The distance to `reference` (events, features): each feature axis and as many random directions."""
    mean, scale = reference.mean(axis=0), reference.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    n_features = reference.shape[1]
    directions = np.random.default_rng(seed).normal(size=(n_features, n_features))
    projections = np.hstack([np.eye(n_features), directions / np.linalg.norm(directions, axis=0)])
    projected = ((reference - mean) / scale) @ projections
    edges = np.quantile(projected, np.arange(1, bins) / bins, axis=0)
    return QuantileDistance(mean, scale, projections, edges)


def curve_sizes(smallest: int, largest: int) -> np.ndarray:
    """CURVE_POINTS sample sizes from `smallest` to `largest`, evenly spaced in log m (fewer if they coincide)."""
    return np.unique(np.geomspace(smallest, largest, CURVE_POINTS).round().astype(int))


def reference_curve(distance: QuantileDistance, pool: np.ndarray, sizes: np.ndarray, rng) -> np.ndarray:
    """d(m): the mean distance of SUBSAMPLES truth subsamples (without replacement) of each size m."""
    return np.array(
        [
            np.mean([distance(pool[rng.choice(len(pool), size, replace=False)]) for _ in range(SUBSAMPLES)])
            for size in sizes
        ]
    )


def equivalent_size(sizes: np.ndarray, curve: np.ndarray, target: float) -> tuple[float, bool]:
    """The truth sample size m* with d(m*) = `target`, interpolated in log d against log m, and whether it
    lies at an end of the curve (censored: the true m* is beyond it).

    The curve is made non-increasing first (its points are averages, and d(m) falls with m).
    """
    falling = np.minimum.accumulate(curve)
    if target <= falling[-1]:
        return float(sizes[-1]), True
    if target >= falling[0]:
        return float(sizes[0]), True
    log_size = np.interp(np.log(target), np.log(falling[::-1]), np.log(sizes[::-1]))
    return float(np.exp(log_size)), False


def check_sizes(sizes: list[int], n_train: int, n_held_out: int) -> None:
    """Each N fits in the train split, and the events never trained on fill a truth pool of at least N."""
    for size in sizes:
        if size > n_train:
            raise InputError(f"amplification.sizes: N = {size} exceeds the train split's {n_train} events")
        truth = n_train - size + n_held_out
        if truth // 2 < size:
            raise InputError(
                f"amplification.sizes: N = {size} leaves {truth} events never trained on; the truth needs at "
                f"least 2N = {2 * size} (a reference and a pool of N each)"
            )


def measure_draw(
    train: np.ndarray,
    held_out: np.ndarray,
    size: int,
    fit: Callable[[np.ndarray, int], Generator],
    settings: AmplificationSettings,
    seed: int,
) -> tuple[dict, pd.DataFrame]:
    """One draw: its distances and amplification, and its curves (kind truth or generated, events, distance)."""
    rng = np.random.default_rng([seed, size])
    chosen = np.zeros(len(train), dtype=bool)
    chosen[rng.choice(len(train), size, replace=False)] = True
    training = train[chosen]
    truth = rng.permutation(np.concatenate([train[~chosen], held_out]))
    reference, pool = truth[: len(truth) // 2], truth[len(truth) // 2 :]
    distance = sliced_quantile_distance(reference, settings.bins, seed)

    smallest = max(settings.bins, int(SMALLEST_FRACTION * size))
    truth_sizes = curve_sizes(smallest, len(pool))
    truth_curve = reference_curve(distance, pool, truth_sizes, rng)
    generated = fit(training, seed)(settings.generated, seed)
    generated_sizes = curve_sizes(smallest, settings.generated)
    generated_curve = np.array([distance(generated[:n]) for n in generated_sizes])

    training_distance = distance(training)
    equivalent, censored = equivalent_size(truth_sizes, truth_curve, generated_curve[-1])
    training_equivalent, _ = equivalent_size(truth_sizes, truth_curve, training_distance)
    row = {
        "size": size,
        "training_distance": training_distance,
        "generated_distance": float(generated_curve[-1]),
        "equivalent_events": equivalent,
        "amplification": equivalent / size,
        "training_amplification": training_equivalent / size,
        "censored": censored,
    }
    curves = pd.concat(
        [
            pd.DataFrame({"kind": "truth", "events": truth_sizes, "distance": truth_curve}),
            pd.DataFrame({"kind": "generated", "events": generated_sizes, "distance": generated_curve}),
            pd.DataFrame({"kind": "training", "events": [size], "distance": [training_distance]}),
        ]
    )
    return row, curves.assign(size=size)


def measure(
    train: np.ndarray,
    held_out: np.ndarray,
    sizes: list[int],
    draws: int,
    fit: Callable[[np.ndarray, int], Generator],
    settings: AmplificationSettings,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every draw at every size: one row per draw, and the curves of every draw (both with `draw`).

    Draw d trains with seed replica_seed(seed, d), so draws vary their seeds as model replicas do.
    """
    check_sizes(sizes, len(train), len(held_out))
    rows, curves = [], []
    for size in sizes:
        for draw in range(draws):
            row, curve = measure_draw(train, held_out, size, fit, settings, replica_seed(seed, draw))
            rows.append(row | {"draw": draw})
            curves.append(curve.assign(draw=draw))
    return pd.DataFrame(rows), pd.concat(curves, ignore_index=True)


def summarise(draws: pd.DataFrame) -> pd.DataFrame:
    """Per model and N: the mean over draws of the distances and amplifications, each with its standard error,
    and how many draws were censored (their amplification is a lower bound)."""
    rows = []
    for (model, size), group in draws.groupby(["model", "size"], sort=False):
        row = {"model": model, "size": size, "draws": len(group)}
        for column in ("training_distance", "generated_distance", "amplification", "training_amplification"):
            row[column] = group[column].mean()
            row[f"{column}_error"] = group[column].std(ddof=1) / np.sqrt(len(group))
        row["censored"] = int(group["censored"].sum())
        rows.append(row)
    return pd.DataFrame(rows)
