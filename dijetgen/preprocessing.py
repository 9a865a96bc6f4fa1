"""The fitted, invertible map between physical feature columns and the standardised space models train in.

Each column is mapped onto the whole real line from the interval its values can take, chosen by what the
column is (dijetgen.columns): so whatever a model generates, the inverse lands inside that interval.

- no bound (angles, signed momenta): as it is;
- a lower bound (masses, momenta, mjj, Δm_J): log(x - lower), in GeV, with lower the physical bound: 0, or
  for ptj1 the selection's min_pt;
- two bounds (τ21, τ32, and ptj2 as its fraction of ptj1, which keeps j1 the leading jet): the logit of
  (x - lower) / (upper - lower), as CATHODE does. The bounds are the training data's minimum and maximum,
  widened by MARGIN of their range and cut back to the physical range (ptj2 / ptj1 in [0, 1], τ ratios >= 0).

Every column is then standardised with the training mean and standard deviation. The fitted state is a plain
dict of lists, so it can sit in a checkpoint's JSON header::

    transform = FeatureTransform.fit(train, ["ptj1", "etaj1", "mj1"], selection={"min_pt": 1200.0})
    z = transform.forward(train)          # (n, 3) float64, mean 0 and std 1 per column
    table = transform.inverse(z)          # DataFrame with the same columns, in GeV; ptj1 > 1200, mj1 > 0
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from dijetgen.columns import BOUNDED, FRACTION_OF, column_support
from dijetgen.errors import InputError

# How far outside the training data's range (as a fraction of it) a bound lies; CATHODE's margin.
MARGIN = 1e-3
# forward moves a value closer than this to a bound (as a fraction of the training range), or beyond a fitted
# bound, to that distance inside: a value on a physical bound (a massless jet) or outside the fitted range of
# a ratio (a signal event scored by a background model) then maps to a finite, far-out point, not -inf or NaN.
INSIDE = 1e-10


def require_columns(table: pd.DataFrame, columns: list[str], source: str) -> None:
    """Raise an InputError naming the source if the table lacks any of the columns or has no rows."""
    missing = [name for name in columns if name not in table.columns]
    if missing:
        raise InputError(f"{source}: no column(s) {', '.join(missing)} for the configured features")
    if table.empty:
        raise InputError(f"{source}: the table has no events")


@dataclass
class FeatureTransform:
    features: list[str]
    fraction_of: dict[str, str]  # column -> the column it is modelled as a fraction of
    lower: list[float | None]  # support of each (fraction) column; None where unbounded
    upper: list[float | None]
    width: list[float]  # the training data's range, the scale of INSIDE
    mean: list[float]
    std: list[float]

    @classmethod
    def empty(cls, features: list[str]) -> "FeatureTransform":
        """The transform of no columns: a model's condition when it has none."""
        return cls(list(features), {}, [], [], [], [], [])

    @classmethod
    def fit(cls, table: pd.DataFrame, features: list[str], selection: dict | None = None) -> "FeatureTransform":
        """Fit to the training table; `selection` ({min_pt, ...}) bounds ptj1 from below by the jet cut."""
        fraction_of = {name: of for name, of in FRACTION_OF.items() if name in features and of in features}
        raw = table[features].to_numpy(np.float64)
        bad = ~np.isfinite(raw).all(axis=0)
        if bad.any():
            raise InputError(f"features: column {features[np.argmax(bad)]} has non-finite values")
        values = _fractions(raw, features, fraction_of)
        low, high = values.min(axis=0), values.max(axis=0)
        if (low == high).any():
            raise InputError(f"features: column {features[np.argmax(low == high)]} is constant; it cannot be modelled")
        margin = MARGIN * (high - low)
        lower, upper = [], []
        for i, name in enumerate(features):
            kind, floor, ceiling = _support(name, fraction_of, selection)
            if (floor is not None and low[i] < floor) or (ceiling is not None and high[i] > ceiling):
                key = "selection.min_pt" if name == "ptj1" and selection is not None else "features"
                raise InputError(
                    f"{key}: column {name} has values in [{low[i]:g}, {high[i]:g}], outside [{floor}, {ceiling}]"
                )
            if kind == BOUNDED:
                top = high[i] + margin[i] if ceiling is None else min(high[i] + margin[i], ceiling)
                lower.append(float(max(low[i] - margin[i], floor)))
                upper.append(float(top))
            else:
                lower.append(floor)
                upper.append(None)
        transform = cls(list(features), fraction_of, lower, upper, (high - low).tolist(), [], [])
        t = transform._map(values)
        transform.mean, transform.std = t.mean(axis=0).tolist(), t.std(axis=0).tolist()
        return transform

    def forward(self, table: pd.DataFrame) -> np.ndarray:
        values = _fractions(table[self.features].to_numpy(np.float64), self.features, self.fraction_of)
        return (self._map(values) - np.array(self.mean)) / np.array(self.std)

    def inverse(self, z: np.ndarray) -> pd.DataFrame:
        t = np.asarray(z, np.float64).reshape(-1, len(self.features)) * np.array(self.std) + np.array(self.mean)
        values = t.copy()
        for i, (low, high) in enumerate(zip(self.lower, self.upper)):
            if high is not None:
                values[:, i] = low + (high - low) * expit(t[:, i])
            elif low is not None:
                values[:, i] = low + np.exp(t[:, i])
        table = pd.DataFrame(values, columns=self.features)
        for name, of in self.fraction_of.items():
            table[name] *= table[of]
        return table

    def log_abs_det_jacobian(self, table: pd.DataFrame) -> np.ndarray:
        """log |det dz/dx| of forward at each event, x in GeV.

        Each column's map depends on that column alone, but a fraction's also on its denominator, which is
        not itself a fraction: the Jacobian is triangular, and its determinant the product of the slopes
        (a fraction's slope carries 1 / denominator). Slopes are taken at the clamped values (INSIDE).
        A density p_z of the standardised features is one of the physical features through
        log p_x(x) = log p_z(forward(x)) + log_abs_det_jacobian(x).
        """
        raw = table[self.features].to_numpy(np.float64)
        values = self._clamp(_fractions(raw, self.features, self.fraction_of))
        total = np.full(len(raw), -np.log(self.std).sum())
        for i, (low, high) in enumerate(zip(self.lower, self.upper)):
            if high is not None:
                u = (values[:, i] - low) / (high - low)
                total -= np.log(u) + np.log1p(-u) + np.log(high - low)
            elif low is not None:
                total -= np.log(values[:, i] - low)
        for of in self.fraction_of.values():
            total -= np.log(raw[:, self.features.index(of)])
        return total

    def to_dict(self) -> dict:
        return {
            "features": self.features,
            "fraction_of": self.fraction_of,
            "lower": self.lower,
            "upper": self.upper,
            "width": self.width,
            "mean": self.mean,
            "std": self.std,
        }

    @classmethod
    def from_dict(cls, state: dict) -> "FeatureTransform":
        # The older state (features, log, mean, std) log1p-mapped pt* and m* columns and left the rest
        # unbounded, so its models generate outside the support: retraining is the only honest fix.
        if "log" in state:
            raise InputError("preprocessing: saved by an older dijetgen without per-column supports; retrain the model")
        return cls(**state)

    def _clamp(self, values: np.ndarray) -> np.ndarray:
        out = values.copy()
        for i, (low, high) in enumerate(zip(self.lower, self.upper)):
            inside = INSIDE * self.width[i]
            if low is not None:
                out[:, i] = np.maximum(out[:, i], low + inside)
            if high is not None:
                out[:, i] = np.minimum(out[:, i], high - inside)
        return out

    def _map(self, values: np.ndarray) -> np.ndarray:
        """Each (fraction) column, clamped into its support, onto the real line; NaN where a value is
        unphysical (a negative mass, ptj2 > ptj1), which no model should be asked about."""
        t = self._clamp(values)
        for i, (name, low, high) in enumerate(zip(self.features, self.lower, self.upper)):
            if high is not None:
                t[:, i] = logit((t[:, i] - low) / (high - low))
            elif low is not None:
                t[:, i] = np.log(t[:, i] - low)
            _, floor, ceiling = _support(name, self.fraction_of)
            if floor is not None:
                t[values[:, i] < floor, i] = np.nan
            if ceiling is not None:
                t[values[:, i] > ceiling, i] = np.nan
        return t


def _support(name: str, fraction_of: dict[str, str], selection: dict | None = None):
    """dijetgen.columns.column_support, of the fraction for a column modelled as one."""
    return (BOUNDED, 0.0, 1.0) if name in fraction_of else column_support(name, selection)


def _fractions(values: np.ndarray, features: list[str], fraction_of: dict[str, str]) -> np.ndarray:
    """`values` with each fraction column divided by its denominator column."""
    out = values.copy()
    for name, of in fraction_of.items():
        out[:, features.index(name)] /= values[:, features.index(of)]
    return out
