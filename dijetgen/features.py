"""The features stage: the per-event table of LHCO-v2 jet columns plus derived dijet observables."""

import numpy as np
import pandas as pd

from dijetgen.columns import CONSTITUENT_COLUMNS, FEATURE_COLUMNS
from dijetgen.events import cartesian_to_collider
from dijetgen.observables import dijet_observables


def _ratio(numerator: pd.Series, denominator: pd.Series) -> np.ndarray:
    """tau_{N}/tau_{N-1}, defined as 0 for a jet whose tau_{N-1} vanishes (a single-particle jet)."""
    den = denominator.to_numpy()
    return np.divide(numerator.to_numpy(), den, out=np.zeros_like(den), where=den > 0)


def add_derived(jets: pd.DataFrame) -> pd.DataFrame:
    """Add pT, eta, phi per jet, N-subjettiness ratios, the jet-jet separations and the dijet mass."""
    out = jets.copy()
    for j in ("j1", "j2"):
        px, py, pz, m = (out[f"{name}{j}"].to_numpy() for name in ("px", "py", "pz", "m"))
        energy = np.sqrt(px**2 + py**2 + pz**2 + m**2)
        out[f"pt{j}"], out[f"eta{j}"], out[f"phi{j}"], _ = cartesian_to_collider(px, py, pz, energy)
    for j in ("j1", "j2"):
        out[f"tau21{j}"] = _ratio(out[f"tau2{j}"], out[f"tau1{j}"])
        out[f"tau32{j}"] = _ratio(out[f"tau3{j}"], out[f"tau2{j}"])
    # j2's azimuth after rotating the event so that phi_j1 = 0, in [0, 2 pi): back-to-back jets then
    # peak at pi instead of splitting across the -pi/pi seam, which generative models handle poorly.
    dphi = np.remainder(out["phij2"].to_numpy() - out["phij1"].to_numpy(), 2 * np.pi)
    out["dphijj"] = np.where(dphi < 2 * np.pi, dphi, 0.0)  # a tiny negative angle rounds up to 2 pi
    # The same function that rebuilds them for generated events, so data and samples agree by construction.
    out[["mjj", "deltaetajj"]] = dijet_observables(out)[["mjj", "deltaetajj"]]
    return out


def feature_table(jet_tables: list[pd.DataFrame], sample: str) -> pd.DataFrame:
    """Concatenate a sample's jet shards (in shard order) into its feature table; the constituent columns
    come along where the cluster stage wrote them (with `constituents:`)."""
    jets = pd.concat(jet_tables, ignore_index=True)
    jets.insert(1, "sample", sample)
    return add_derived(jets)[FEATURE_COLUMNS + [name for name in CONSTITUENT_COLUMNS if name in jets]]
