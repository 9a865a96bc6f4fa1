"""Jet clustering of many events at once through fastjet's Awkward interface."""

import awkward as ak
import fastjet
import numpy as np

ALGORITHMS = {"antikt": fastjet.antikt_algorithm, "kt": fastjet.kt_algorithm, "cambridge": fastjet.cambridge_algorithm}


def to_cartesian(particles: ak.Array) -> ak.Array:
    """(pT, eta, phi, mass) particles as the (px, py, pz, E) records that fastjet reads."""
    px, py, pz = (
        particles.pt * np.cos(particles.phi),
        particles.pt * np.sin(particles.phi),
        particles.pt * np.sinh(particles.eta),
    )
    energy = np.sqrt(px**2 + py**2 + pz**2 + particles.mass**2)
    return ak.zip({"px": px, "py": py, "pz": pz, "E": energy})


def cluster(particles: ak.Array, algorithm: str, radius: float, min_jet_pt: float) -> ak.Array:
    """Inclusive jets above `min_jet_pt` per event, sorted by decreasing pT, each with its constituents.

    Jet momenta are the E-scheme sums of their constituents, which keeps jets and constituents in
    step without relying on the order in which fastjet returns them.
    """
    sequence = fastjet.ClusterSequence(to_cartesian(particles), fastjet.JetDefinition(ALGORITHMS[algorithm], radius))
    constituents = sequence.constituents(min_pt=min_jet_pt)
    jets = ak.zip({name: ak.sum(constituents[name], axis=-1) for name in ("px", "py", "pz", "E")})
    jets = ak.with_field(jets, constituents, "constituents")
    order = ak.argsort(np.hypot(jets.px, jets.py), axis=1, ascending=False)
    return jets[order]
