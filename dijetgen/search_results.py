"""The search's numbers per injection, repeat and method, and their medians and 16-84 % bands over repeats.

One training of a density and its classifiers is one draw of a noisy measurement: max SIC moves by 10 % and
more between trainings on the same data. A method's result is therefore the median over `search.repeats`
independent trainings, with the band that holds the central 68 % of them::

    row = method_numbers(curve)                 # auc, max SIC, SIC at eps_B = 1e-2 and 2e-3
    summary = repeat_bands(per_repeat_table)    # one row per (inject, method): medians, q16, q84, repeats
"""

import warnings

import numpy as np
import pandas as pd

from dijetgen.anomaly import roc_summary

FIXED_EPS_B = (1e-2, 2e-3)  # SIC at these background efficiencies is less noisy than the maximum
BANDED = ["max_sic", "sic_eps_b_1e-2", "sic_eps_b_2e-3", "auc", "closure_auc", "closure_floor"]
QUANTILES = (0.16, 0.84)


def sic_at_eps_b(curve: pd.DataFrame, eps_b: float) -> float:
    """SIC = eps_S / sqrt(eps_B) at background efficiency `eps_b`, interpolated along the ROC curve; NaN
    where the curve's SIC is undefined there (too few background events pass, see anomaly.roc_curve)."""
    defined = curve[curve["sic"].notna()].sort_values("eps_b")
    if defined.empty or not defined["eps_b"].iloc[0] <= eps_b <= defined["eps_b"].iloc[-1]:
        return float("nan")
    return float(np.interp(eps_b, defined["eps_b"], defined["eps_s"]) / np.sqrt(eps_b))


def method_numbers(curve: pd.DataFrame) -> dict:
    """One method's numbers from its ROC curve: AUC, max SIC and where, and SIC at each FIXED_EPS_B."""
    numbers = roc_summary(curve)
    for eps_b in FIXED_EPS_B:
        numbers[f"sic_eps_b_{eps_b:.0e}".replace("e-0", "e-")] = sic_at_eps_b(curve, eps_b)
    return numbers


def repeat_bands(table: pd.DataFrame) -> pd.DataFrame:
    """Per (inject, method) of a per-repeat table: the median of each BANDED column as the column itself, its
    16th and 84th percentiles as `{column}_q16`, `{column}_q84`, the repeats, and the first value of every
    other column (the same in every repeat: S/B, S/sqrt(B))."""
    rows = []
    for (inject, method), group in table.groupby(["inject", "method"], sort=False):
        row = {"inject": inject, "method": method, "repeats": len(group)}
        for column in table.columns:
            if column in ("inject", "method", "repeat"):
                continue
            values = group[column]
            if column in BANDED:
                finite = values.dropna()
                median, low, high = (
                    (finite.median(), *finite.quantile(list(QUANTILES))) if len(finite) else (np.nan,) * 3
                )
                row |= {column: median, f"{column}_q16": low, f"{column}_q84": high}
            else:
                row[column] = values.iloc[0]
        rows.append(row)
    return pd.DataFrame(rows)


def curve_band(curves: list[pd.DataFrame], grid: np.ndarray, column: str = "sic") -> np.ndarray:
    """(3, len(grid)): the median, 16th and 84th percentile over `curves` of `column` against eps_S on `grid`
    (each curve interpolated; NaN where it is undefined)."""
    values = []
    for curve in curves:
        defined = curve[curve[column].notna()].sort_values("eps_s")
        if defined.empty:
            values.append(np.full(len(grid), np.nan))
            continue
        inside = (grid >= defined["eps_s"].iloc[0]) & (grid <= defined["eps_s"].iloc[-1])
        values.append(np.where(inside, np.interp(grid, defined["eps_s"], defined[column]), np.nan))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # where no curve is defined the band is NaN
        return np.nanquantile(np.array(values), [0.5, *QUANTILES], axis=0)


def outside_support(template: pd.DataFrame, data: pd.DataFrame, features: list[str]) -> float:
    """The fraction of template events with any feature outside the [min, max] range of the data's."""
    low, high = data[features].min(), data[features].max()
    outside = ((template[features] < low) | (template[features] > high)).any(axis=1)
    return float(outside.mean())


def outside_support_if_exact(n_data: int, n_features: int) -> float:
    """What `outside_support` reads for a template drawn from the data's own distribution: a new draw lies
    beyond the largest (or below the smallest) of n draws with probability 1/(n + 1), so a perfect template,
    whatever its size, has up to 2·F/(n + 1) of its events outside the data's range (less where the ends of
    several features are passed by the same events). A few template events there are no defect.

    >>> round(outside_support_if_exact(15_999, 4), 6)
    0.0005
    """
    return 2 * n_features / (n_data + 1)
