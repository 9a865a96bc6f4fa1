"""The cluster stage: events to a flat table of the two leading jets, their masses and N-subjettiness."""

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.clustering import cluster
from dijetgen.columns import jet_columns
from dijetgen.events import cartesian_to_collider
from dijetgen.nsubjettiness import nsubjettiness


def select_dijets(jets: ak.Array, min_pt: float, max_abs_eta: float) -> tuple[np.ndarray, dict]:
    """Events with a jet of pT > min_pt and |eta| < max_abs_eta, and at least two jets; plus the cut flow."""
    pt, eta, _, _ = cartesian_to_collider(jets.px, jets.py, jets.pz, jets.E)
    has_hard_jet = ak.to_numpy(ak.any((pt > min_pt) & (abs(eta) < max_abs_eta), axis=1))
    has_two_jets = ak.to_numpy(ak.num(jets) >= 2)
    cutflow = {
        "events": len(jets),
        f"fail: no jet with pT > {min_pt} GeV and |eta| < {max_abs_eta}": int((~has_hard_jet).sum()),
        "fail: fewer than two jets": int((has_hard_jet & ~has_two_jets).sum()),
    }
    selected = has_hard_jet & has_two_jets
    cutflow["selected"] = int(selected.sum())
    return selected, cutflow


def _jet_frame(jet: ak.Array, taus: np.ndarray, suffix: str) -> dict:
    mass = cartesian_to_collider(jet.px, jet.py, jet.pz, jet.E)[3]
    values = [ak.to_numpy(v) for v in (jet.px, jet.py, jet.pz, mass)] + list(taus.T)
    return dict(zip(jet_columns(suffix), values))


def leading_dijets(events: ak.Array, clustering: dict, selection: dict) -> tuple[pd.DataFrame, dict]:
    """Cluster, select, and describe j1 and j2 of every selected event; returns the table and the cut flow."""
    jets = cluster(events.particles, clustering["algorithm"], clustering["R"], clustering["min_jet_pt"])
    selected, cutflow = select_dijets(jets, selection["min_pt"], selection["max_abs_eta"])
    leading = jets[selected][:, :2]
    # One fastjet call for both jets: stack j1 and j2 constituents as 2 * n pseudo-events.
    both = ak.concatenate([leading[:, 0].constituents, leading[:, 1].constituents], axis=0)
    taus = nsubjettiness(both, clustering["R"], clustering["beta"])
    n = int(selected.sum())
    table = {"event": ak.to_numpy(events.event[selected]), "label": ak.to_numpy(events.label[selected])}
    table |= _jet_frame(leading[:, 0], taus[:n], "j1")
    table |= _jet_frame(leading[:, 1], taus[n:], "j2")
    return pd.DataFrame(table), cutflow
