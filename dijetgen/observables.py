"""Dijet observables rebuilt from the two jets' 4-vectors, for data and generated events alike.

Generated tables hold only (pt, eta, m) per jet and dphijj, so each jet becomes a massive 4-vector with
j1 at phi = 0 and j2 at phi = dphijj, the frame dphijj is defined in. Rebuilding the data's observables
the same way makes data and generated events directly comparable::

    table = with_observables(test, ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2"])
    table[["mjj", "ptjj", "deltaetajj", "deltaphijj"]]
"""

import numpy as np
import pandas as pd

from dijetgen.columns import DIJET_INPUT_COLUMNS, derived_names


def dijet_observables(table: pd.DataFrame) -> pd.DataFrame:
    """mjj, pT_jj, |Δη_jj| and |Δφ_jj| (in [0, π]) of the jet pair in each row of `table`."""
    pt1, eta1, m1, pt2, eta2, m2, dphi = (table[name].to_numpy(np.float64) for name in DIJET_INPUT_COLUMNS)
    import vector  # ~1 s to import, and many readers of this module (the column names) never call this

    j1 = vector.array({"pt": pt1, "eta": eta1, "phi": np.zeros_like(pt1), "mass": m1})
    j2 = vector.array({"pt": pt2, "eta": eta2, "phi": dphi, "mass": m2})
    dijet = j1 + j2
    return pd.DataFrame(
        {
            "mjj": dijet.mass,
            "ptjj": dijet.pt,
            "deltaetajj": np.abs(j1.deltaeta(j2)),
            "deltaphijj": np.abs(j1.deltaphi(j2)),
        },
        index=table.index,
    )


def with_observables(table: pd.DataFrame, features: list[str]) -> pd.DataFrame:
    """The feature columns of `table` plus the derived observables, rebuilt from the features."""
    derived = derived_names(features)
    columns = table[list(features)].astype(np.float64)
    if not derived:
        return columns
    return pd.concat([columns, dijet_observables(table)[derived]], axis=1)
