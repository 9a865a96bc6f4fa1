"""The cluster stage: events to a flat table of the two leading jets, their masses and N-subjettiness."""

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.clustering import cluster, four_momentum, leading_constituents, to_cartesian
from dijetgen.columns import jet_columns
from dijetgen.constituents import constituent_table, efp_columns, relative_constituents
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
    table, cutflow, _ = dijets_and_constituents(events, clustering, selection, None)
    return table, cutflow


def dijets_and_constituents(
    events: ak.Array, clustering: dict, selection: dict, constituents: dict | None
) -> tuple[pd.DataFrame, dict, ak.Array | None]:
    """`leading_dijets`, and with the `constituents:` settings ({cap}) the rows of the constituent file
    (dijetgen.constituents; else None). The table then also holds each jet's multiplicity (all its
    particles, before the cap), tau4, tau5 and EFPs."""
    particles = to_cartesian(events.particles)
    jets = cluster(particles, clustering["algorithm"], clustering["R"], clustering["min_jet_pt"], leading=2)
    selected, cutflow = select_dijets(jets, selection["min_pt"], selection["max_abs_eta"])
    # One fastjet call for both jets: j1 of every event, then j2 of every event, as 2 * n pseudo-events.
    both = leading_constituents(particles, jets, np.flatnonzero(selected))
    momenta = four_momentum(both)
    taus = nsubjettiness(both, clustering["R0"], clustering["beta"], n_max=5 if constituents else 3)
    n = int(selected.sum())
    table = {"event": ak.to_numpy(events.event[selected]), "label": ak.to_numpy(events.label[selected])}
    table |= _jet_frame({name: values[:n] for name, values in momenta.items()}, taus[:n, :3], "j1")
    table |= _jet_frame({name: values[n:] for name, values in momenta.items()}, taus[n:, :3], "j2")
    if constituents is None:
        return pd.DataFrame(table), cutflow, None
    counts = ak.to_numpy(ak.num(both))
    relative = relative_constituents(both, constituents["cap"])
    relative = {"j1": relative[:n], "j2": relative[n:]}
    for k, jet in enumerate(("j1", "j2")):
        table[f"nconst_{jet}"] = counts[k * n : (k + 1) * n]
        table[f"tau4{jet}"], table[f"tau5{jet}"] = taus[k * n : (k + 1) * n, 3:].T
    table |= efp_columns(relative, constituents["cap"])
    return pd.DataFrame(table), cutflow, constituent_table(table["event"], table["label"], relative)
