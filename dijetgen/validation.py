"""How well one model reproduces the data: every metric of dijetgen.metrics, for generated vs test events.

Each metric is computed a second time for train vs test events at the same sample sizes. That is the
statistical floor: the value a perfect model would reach, since its samples could differ from the test set
only as much as another sample of real events does. Per-observable distances are also reported as the ratio
generated / floor, so 1 is perfect whatever the observable's units::

    metrics = validate(generated, train, test, features, ValidationSettings(), seed=42)
    metrics["observables"]["mj1"]["w1"]["ratio"]      # {"value": 1.3, "error": 0.2}
    summary_row("flow", metrics)["median_w1_ratio"]
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from dijetgen import metrics as m
from dijetgen.columns import observable_names
from dijetgen.errors import InputError
from dijetgen.latent import latent_use
from dijetgen.metrics.frechet import MAX_POOL_FRACTION
from dijetgen.observables import with_observables
from dijetgen.preprocessing import require_columns


@dataclass(frozen=True)
class ValidationSettings:
    """The `validation:` config section; the defaults keep one model's validation under a minute on 2 cores."""

    bins: int = 40
    bootstrap: int = 10
    fpd_min_samples: int = 500
    fpd_max_samples: int = 5000
    fpd_points: int = 5
    fpd_batches: int = 10
    kpd_batch_size: int = 1000
    kpd_batches: int = 10
    classifier_folds: int = 5


def measurement(value: float, error: float) -> dict:
    return {"value": value, "error": error}


def ratio(numerator: dict, denominator: dict) -> dict:
    """numerator / denominator with relative errors added in quadrature; NaN where the floor is 0."""
    if denominator["value"] <= 0:
        return measurement(math.nan, math.nan)
    value = numerator["value"] / denominator["value"]
    relative = math.hypot(
        numerator["error"] / numerator["value"] if numerator["value"] else 0.0,
        denominator["error"] / denominator["value"],
    )
    return measurement(value, value * relative)


def compare(generated, floor) -> dict:
    """{generated, floor, ratio} of one metric; a measurement's ratio carries an error, a plain number's not."""
    if isinstance(generated, dict):
        return {"generated": generated, "floor": floor, "ratio": ratio(generated, floor)}
    return {"generated": generated, "floor": floor, "ratio": generated / floor if floor > 0 else math.nan}


def standardise(reference: np.ndarray, *samples: np.ndarray) -> list[np.ndarray]:
    """Scale every sample by the reference's mean and standard deviation, so no unit dominates FPD or KPD."""
    mean, std = reference.mean(axis=0), reference.std(axis=0)
    std[std == 0] = 1.0
    return [(sample - mean) / std for sample in (reference, *samples)]


def marginal_distances(sample: pd.DataFrame, test: pd.DataFrame, settings: ValidationSettings, seed: int) -> dict:
    """W1 (value, error), KS and chi2/ndf of every observable column of `sample` against `test`."""
    out = {}
    for name in sample.columns:
        a, b = sample[name].to_numpy(), test[name].to_numpy()
        out[name] = {
            "w1": measurement(*m.wasserstein(a, b, settings.bootstrap, seed)),
            "ks": m.ks_statistic(a, b),
            "chi2_ndf": m.chi2_ndf(a, b, settings.bins),
        }
    return out


def fpd_sizes(n_events: int, settings: ValidationSettings) -> tuple[int, int]:
    """The configured FPD batch sizes, shrunk to fit the samples at hand (small configs have few events):
    the largest batch is at most half the smaller sample (see dijetgen.metrics.frechet)."""
    high = min(settings.fpd_max_samples, int(MAX_POOL_FRACTION * n_events))
    return min(settings.fpd_min_samples, high // 2), high


def sample_distances(
    sample: pd.DataFrame,
    test: pd.DataFrame,
    features: list[str],
    settings: ValidationSettings,
    seed: int,
    threads: int,
) -> dict:
    """FPD, KPD, correlation difference (features) and classifier AUC (all observables) of sample vs test.

    All of them use at most `threads` threads (BLAS and OpenMP), the cores the job was given.
    """
    reference, candidate = standardise(test[features].to_numpy(), sample[features].to_numpy())
    low, high = fpd_sizes(min(len(reference), len(candidate)), settings)
    with threadpool_limits(threads):
        try:
            fpd = m.fpd(
                reference, candidate, low, high, settings.fpd_points, settings.fpd_batches, seed, settings.bootstrap
            )
            kpd = m.kpd(reference, candidate, settings.kpd_batch_size, settings.kpd_batches, seed)
            auc = m.classifier_auc(sample.to_numpy(), test.to_numpy(), settings.classifier_folds, seed, threads)
        except ValueError as err:  # too few events for the batch sizes or folds the config asks for
            first_line = str(err).strip().splitlines()[0]
            raise InputError(
                f"validation: {len(candidate)} generated and {len(reference)} test events: {first_line}"
            ) from err
    return {
        "fpd": measurement(*fpd),
        "kpd": measurement(*kpd),
        "classifier_auc": measurement(*auc),
        "correlation_difference": m.correlation_difference(candidate, reference),
    }


def outside_selection(table: pd.DataFrame, selection: dict) -> float:
    """Fraction of events that the selection of real ones rules out, as far as the table's columns tell;
    NaN if they hold no jet pT.

    An event is out if j2 is harder than j1 (j1 is the leading jet by definition) or if neither jet has
    pT > min_pt within |eta| < max_abs_eta (an eta that is not a column is taken to pass). A real event
    can pass on a third jet, which the table does not hold; the train split's fraction shows how rare that is.
    """
    jets = [jet for jet in ("j1", "j2") if f"pt{jet}" in table.columns]
    if not jets:
        return math.nan
    hard = np.zeros(len(table), dtype=bool)
    for jet in jets:
        central = table[f"eta{jet}"].abs() < selection["max_abs_eta"] if f"eta{jet}" in table.columns else True
        hard |= ((table[f"pt{jet}"] > selection["min_pt"]) & central).to_numpy()
    ordered = (table["ptj1"] >= table["ptj2"]).to_numpy() if len(jets) == 2 else True
    return float(np.mean(~(hard & ordered))) if len(table) else math.nan


def validate(
    generated: pd.DataFrame,
    train: pd.DataFrame,
    test: pd.DataFrame,
    features: list[str],
    settings: ValidationSettings,
    seed: int,
    threads: int = 1,
    selection: dict | None = None,
) -> dict:
    """All metrics of `generated` against `test`, each with its train-vs-test floor (see the module doc).

    With the event `selection` ({min_pt, max_abs_eta}), also the fraction of generated events outside it.
    """
    n = min(len(generated), len(train))
    candidates = {
        "generated": with_observables(generated, features).sample(n, random_state=seed),
        "floor": with_observables(train, features).sample(n, random_state=seed + 1),
    }
    test = with_observables(test, features)
    marginals = {key: marginal_distances(sample, test, settings, seed) for key, sample in candidates.items()}
    samples = {
        key: sample_distances(sample, test, features, settings, seed, threads) for key, sample in candidates.items()
    }
    observables = {
        name: {
            metric: compare(marginals["generated"][name][metric], marginals["floor"][name][metric])
            for metric in ("w1", "ks", "chi2_ndf")
        }
        for name in observable_names(features)
    }
    difference = samples["generated"]["correlation_difference"]
    outside = {
        part: outside_selection(table[features], selection) if selection else math.nan
        for part, table in (("generated", generated), ("floor", train))
    }
    return {
        "events": {"generated": n, "train": n, "test": len(test)},
        "outside_selection": outside,
        "observables": observables,
        **{key: {part: samples[part][key] for part in candidates} for key in ("fpd", "kpd", "classifier_auc")},
        "correlation": {
            "features": list(features),
            "difference": difference.tolist(),
            "mean_abs_difference": {
                part: m.mean_abs_off_diagonal(samples[part]["correlation_difference"]) for part in candidates
            },
        },
    }


def ratios(metrics: dict, metric: str) -> pd.Series:
    """Every observable's generated/floor ratio of one metric (w1, ks, chi2_ndf); NaN where undefined."""
    values = {name: distances[metric]["ratio"] for name, distances in metrics["observables"].items()}
    return pd.Series({name: v["value"] if isinstance(v, dict) else v for name, v in values.items()}, dtype=float)


def summary_row(model: str, metrics: dict) -> dict:
    """The headline numbers of one model's metrics, one row of summary.csv."""
    w1 = ratios(metrics, "w1")
    row = {
        "model": model,
        "median_w1_ratio": w1.median(),
        "max_w1_ratio": w1.max(),
        "worst_observable": w1.idxmax() if w1.notna().any() else "",
        "median_ks_ratio": ratios(metrics, "ks").median(),
        "median_chi2_ratio": ratios(metrics, "chi2_ndf").median(),
    }
    for key in ("fpd", "kpd", "classifier_auc"):
        row[key] = metrics[key]["generated"]["value"]
        row[f"{key}_error"] = metrics[key]["generated"]["error"]
        row[f"{key}_floor"] = metrics[key]["floor"]["value"]
    latent = metrics.get("latent")
    row["active_units"] = latent["active_units"] if latent else math.nan
    row["kl_per_dim"] = latent["kl_total"] / latent["latent_dim"] if latent else math.nan
    row["correlation_mad"] = metrics["correlation"]["mean_abs_difference"]["generated"]
    row["correlation_mad_floor"] = metrics["correlation"]["mean_abs_difference"]["floor"]
    row["outside_selection"] = _number(metrics["outside_selection"]["generated"])
    row["outside_selection_floor"] = _number(metrics["outside_selection"]["floor"])
    # True: training stopped at its epoch limit while the validation loss still improved.
    row["still_improving"] = metrics.get("training", {}).get("still_improving")
    return row


def _number(value) -> float:
    """A metric read back from metrics.json, where NaN was written as null."""
    return math.nan if value is None else value


def latent_use_of(model, test: pd.DataFrame) -> dict | None:
    """A VAE's latent use on the test events (dijetgen.latent.latent_use); None for kinds without q(z|x)."""
    if not hasattr(model, "posterior"):
        return None
    return latent_use(*model.posterior(test))


def json_safe(value):
    """`value` with NaN and inf replaced by None, so json.dump writes strict JSON (null)."""
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    if isinstance(value, float | np.floating):
        return float(value) if math.isfinite(value) else None
    return value


def read_checked(path: str, features: list[str]) -> pd.DataFrame:
    """A feature table with every feature present and finite; a diverged model's NaNs stop here, by name."""
    table = pd.read_parquet(path)
    require_columns(table, features, path)
    bad = ~np.isfinite(table[features].to_numpy(np.float64))
    if bad.any():
        column = features[int(np.argmax(bad.any(axis=0)))]
        raise InputError(f"{path}: {int(bad.sum())} non-finite values (first in column {column})")
    return table
