"""The events the models learn from, and their seeded train/validation/test split."""

import logging

import numpy as np
import pandas as pd

from dijetgen.errors import InputError

PARTS = ("train", "val", "test")


def split_table(table: pd.DataFrame, fractions: dict, seed: int) -> dict[str, pd.DataFrame]:
    """Shuffle the rows with `seed` and cut them by `fractions` ({train, val, test}, summing to 1).

    Each part keeps the rows in their original order, so a part is the same file whatever row order the
    shuffle happened to visit them in. Rounding leftovers go to the test part.

    >>> parts = split_table(pd.DataFrame({"x": range(10)}), {"train": 0.6, "val": 0.2, "test": 0.2}, seed=1)
    >>> [len(parts[name]) for name in PARTS]
    [6, 2, 2]
    """
    shares = [float(fractions[name]) for name in PARTS]
    if min(shares) < 0 or not np.isclose(sum(shares), 1.0):
        raise InputError(f"split: fractions {dict(zip(PARTS, shares))} must be non-negative and sum to 1")
    n = len(table)
    order = np.random.default_rng(seed).permutation(n)
    n_train, n_val = round(shares[0] * n), round(shares[1] * n)
    bounds = [0, n_train, min(n_train + n_val, n), n]
    return {
        name: table.iloc[np.sort(order[lo:hi])].reset_index(drop=True)
        for name, lo, hi in zip(PARTS, bounds[:-1], bounds[1:])
    }


def background_events(tables: dict[str, pd.DataFrame], selection: dict) -> pd.DataFrame:
    """The label-0 events of the `train_on` samples' feature tables, in sample order.

    Models learn the background. A file that mixes signal and background (the LHCO R&D file) keeps its
    label-1 events out of every split, so anomaly detection scores all of them as unseen signal.
    """
    cut = f"a jet with pT > {selection['min_pt']:g} GeV and |eta| < {selection['max_abs_eta']:g}, and two jets"
    for name, table in tables.items():
        if not (table["label"] == 0).any():
            what = "events" if table.empty else "background (label 0) events"
            raise InputError(f"train_on: sample {name} has no {what} passing the selection ({cut})")
    table = pd.concat(tables.values(), ignore_index=True)
    signal = table["label"] == 1
    if signal.any():
        logging.info("left %d signal-labelled events out of the training samples", signal.sum())
    return table[~signal].reset_index(drop=True)
