"""The fitted, invertible map between physical feature columns and the standardised space models train in.

Momenta and masses (columns named pt*, m*) span decades and have long tails, so they go through
log(1 + x/GeV) first; angles and N-subjettiness ratios stay linear. Every column is then standardised with
the training mean and standard deviation. The fitted state is a plain dict of lists, so it can sit in a
checkpoint's JSON header::

    transform = FeatureTransform.fit(train, ["ptj1", "etaj1", "mj1"])
    z = transform.forward(train)          # (n, 3) float64, mean 0 and std 1 per column
    table = transform.inverse(z)          # DataFrame with the same columns, in GeV
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dijetgen.errors import InputError

LOG_PREFIXES = ("pt", "m")


def is_log_feature(name: str) -> bool:
    return name.startswith(LOG_PREFIXES)


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
    log: list[bool]
    mean: list[float]
    std: list[float]

    @classmethod
    def fit(cls, table: pd.DataFrame, features: list[str]) -> "FeatureTransform":
        log = [is_log_feature(name) for name in features]
        values = table[features].to_numpy(np.float64)
        bad = ~np.isfinite(values).all(axis=0) | (np.array(log, dtype=bool) & (values < 0).any(axis=0))
        if bad.any():
            raise InputError(f"features: column {features[np.argmax(bad)]} has non-finite or negative values")
        z = _log_columns(values, np.array(log, dtype=bool))
        std = z.std(axis=0)
        if (std == 0).any():
            raise InputError(f"features: column {features[np.argmin(std)]} is constant; it cannot be modelled")
        return cls(list(features), log, z.mean(axis=0).tolist(), std.tolist())

    def forward(self, table: pd.DataFrame) -> np.ndarray:
        z = _log_columns(table[self.features].to_numpy(np.float64), np.array(self.log, dtype=bool))
        return (z - np.array(self.mean)) / np.array(self.std)

    def inverse(self, z: np.ndarray) -> pd.DataFrame:
        values = np.asarray(z, np.float64) * np.array(self.std) + np.array(self.mean)
        log = np.array(self.log, dtype=bool)
        # A generated momentum or mass just below zero is clipped: they are non-negative by construction.
        values[:, log] = np.maximum(np.expm1(values[:, log]), 0.0)
        return pd.DataFrame(values, columns=self.features)

    def log_abs_det_jacobian(self, table: pd.DataFrame) -> np.ndarray:
        """log |det dz/dx| of forward at each event, x in GeV: -Σ log(1 + x) over log columns - Σ log std.

        A density p_z of the standardised features is one of the physical features through
        log p_x(x) = log p_z(forward(x)) + log_abs_det_jacobian(x).
        """
        log = np.array(self.log)
        values = table[self.features].to_numpy(np.float64)
        return -np.log1p(values[:, log]).sum(axis=1) - np.log(self.std).sum()

    def to_dict(self) -> dict:
        return {"features": self.features, "log": self.log, "mean": self.mean, "std": self.std}

    @classmethod
    def from_dict(cls, state: dict) -> "FeatureTransform":
        return cls(**state)


def _log_columns(values: np.ndarray, log: np.ndarray) -> np.ndarray:
    out = values.copy()
    out[:, log] = np.log1p(values[:, log])
    return out
