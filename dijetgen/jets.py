"""The cluster stage: events to a flat table of the two leading jets, their masses and N-subjettiness."""

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.clustering import cluster, four_momentum, leading_constituents, to_cartesian
from dijetgen.columns import jet_columns
from dijetgen.events import cartesian_to_collider
from dijetgen.nsubjettiness import nsubjettiness


def select_dijets(jets: ak.Array, min_pt: float, max_abs_eta: float) -> tuple[np.ndarray, dict]:
    """Events with a jet of pT > min_pt and |eta| < max_abs_eta, and at least two jets; plus the cut flow."""
    # Flat NumPy over the jets of all events, then counted per event.
    n_jets = ak.to_numpy(ak.num(jets))
    pt, eta, _, _ = cartesian_to_collider(*(ak.to_numpy(ak.flatten(jets[name])) for name in ("px", "py", "pz", "E")))
    hard = (pt > min_pt) & (np.abs(eta) < max_abs_eta)
    has_hard_jet = np.bincount(np.repeat(np.arange(len(n_jets)), n_jets)[hard], minlength=len(n_jets)) > 0
    has_two_jets = n_jets >= 2
    cutflow = {
        "events": len(jets),
        f"fail: no jet with pT > {min_pt} GeV and |eta| < {max_abs_eta}": int((~has_hard_jet).sum()),
        "fail: fewer than two jets": int((has_hard_jet & ~has_two_jets).sum()),
    }
    selected = has_hard_jet & has_two_jets
    cutflow["selected"] = int(selected.sum())
    return selected, cutflow


def _jet_frame(momentum: dict, taus: np.ndarray, suffix: str) -> dict:
    mass = cartesian_to_collider(momentum["px"], momentum["py"], momentum["pz"], momentum["E"])[3]
    values = [momentum["px"], momentum["py"], momentum["pz"], mass] + list(taus.T)
    return dict(zip(jet_columns(suffix), values))


def leading_dijets(events: ak.Array, clustering: dict, selection: dict) -> tuple[pd.DataFrame, dict]:
    """Cluster, select, and describe j1 and j2 of every selected event; returns the table and the cut flow.

    Only the two leading jets of selected events get their constituents gathered. Their momenta are the
    sums of those constituents, so they match the N-subjettiness inputs bit for bit.
    """
    particles = to_cartesian(events.particles)
    jets = cluster(particles, clustering["algorithm"], clustering["R"], clustering["min_jet_pt"], leading=2)
    selected, cutflow = select_dijets(jets, selection["min_pt"], selection["max_abs_eta"])
    # One fastjet call for both jets: j1 of every event, then j2 of every event, as 2 * n pseudo-events.
    both = leading_constituents(particles, jets, np.flatnonzero(selected))
    momenta = four_momentum(both)
    taus = nsubjettiness(both, clustering["R0"], clustering["beta"])
    n = int(selected.sum())
    table = {"event": ak.to_numpy(events.event[selected]), "label": ak.to_numpy(events.label[selected])}
    table |= _jet_frame({name: values[:n] for name, values in momenta.items()}, taus[:n], "j1")
    table |= _jet_frame({name: values[n:] for name, values in momenta.items()}, taus[n:], "j2")
    return pd.DataFrame(table), cutflow
