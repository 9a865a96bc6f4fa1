"""Jet clustering of many events at once through fastjet's Awkward interface."""

import awkward as ak
import fastjet
import numpy as np

ALGORITHMS = {"antikt": fastjet.antikt_algorithm, "kt": fastjet.kt_algorithm, "cambridge": fastjet.cambridge_algorithm}


def to_cartesian(particles: ak.Array) -> ak.Array:
    """(pT, eta, phi, mass) particles as the (px, py, pz, E) records that fastjet reads."""
    # Flat NumPy on the particles of all events, then the same jagged structure again: Awkward's
    # broadcasting costs more than the arithmetic here.
    pt, eta, phi, mass = (ak.to_numpy(ak.flatten(particles[name])) for name in ("pt", "eta", "phi", "mass"))
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    energy = np.sqrt(px**2 + py**2 + pz**2 + mass**2)
    return ak.unflatten(ak.zip({"px": px, "py": py, "pz": pz, "E": energy}), ak.num(particles))


def cluster(particles: ak.Array, algorithm: str, radius: float, min_jet_pt: float) -> ak.Array:
    """Inclusive jets above `min_jet_pt` per event, sorted by decreasing pT.

    `particles` are (px, py, pz, E) records (see `to_cartesian`). Each jet has fastjet's E-scheme momentum
    and `constituents`, the indices of its particles in the event; `jet_constituents` gathers them.
    """
    sequence = fastjet.ClusterSequence(particles, fastjet.JetDefinition(ALGORITHMS[algorithm], radius))
    jets = ak.with_field(
        sequence.inclusive_jets(min_pt=min_jet_pt), sequence.constituent_index(min_pt=min_jet_pt), "constituents"
    )
    order = ak.argsort(np.hypot(jets.px, jets.py), axis=1, ascending=False)
    return jets[order]


def jet_constituents(particles: ak.Array, constituents: ak.Array) -> ak.Array:
    """The particles of one jet per event: `constituents` holds their indices, as `cluster` gives them."""
    return particles[constituents]


def four_momentum(constituents: ak.Array) -> ak.Array:
    """E-scheme sums of jagged (jet, particle) constituents, summed in fastjet's constituent order."""
    return ak.zip({name: ak.sum(constituents[name], axis=-1) for name in ("px", "py", "pz", "E")})
