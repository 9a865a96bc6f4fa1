"""Jet clustering of many events at once through fastjet's Awkward interface.

The jagged arrays here are packed (offsets plus flat contents), so the per-jet work (ordering jets,
gathering constituents) is flat NumPy over all events of a chunk rather than Awkward calls per field.
"""

import awkward as ak
import fastjet
import numpy as np

ALGORITHMS = {"antikt": fastjet.antikt_algorithm, "kt": fastjet.kt_algorithm, "cambridge": fastjet.cambridge_algorithm}
FIELDS = ("px", "py", "pz", "E")


def jet_definition(algorithm: str, radius: float) -> fastjet.JetDefinition:
    """E-scheme jets with the N2Tiled strategy, the fastest on about 170 particles per event (BENCHMARKS.md).

    fastjet's Python constructor takes the strategy before the recombination scheme.
    """
    return fastjet.JetDefinition(ALGORITHMS[algorithm], radius, fastjet.N2Tiled, fastjet.E_scheme)


def to_cartesian(particles: ak.Array) -> ak.Array:
    """(pT, eta, phi, mass) particles as the packed (px, py, pz, E) records that fastjet reads."""
    # Flat NumPy on the particles of all events, then the same jagged structure again: Awkward's
    # broadcasting costs more than the arithmetic here.
    pt, eta, phi, mass = (ak.to_numpy(ak.flatten(particles[name])) for name in ("pt", "eta", "phi", "mass"))
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    energy = np.sqrt(px**2 + py**2 + pz**2 + mass**2)
    return ak.unflatten(ak.zip({"px": px, "py": py, "pz": pz, "E": energy}), ak.num(particles))


def ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The index ranges [start, start + count) one after the other, without a Python loop."""
    ends = np.cumsum(counts)
    return np.arange(ends[-1] if len(ends) else 0) + np.repeat(starts - (ends - counts), counts)


def _flat(array: ak.Array, name: str) -> np.ndarray:
    return np.asarray(array.layout.content[name].data)


def cluster(
    particles: ak.Array, algorithm: str, radius: float, min_jet_pt: float, leading: int | None = None
) -> ak.Array:
    """Inclusive jets above `min_jet_pt` per event, sorted by decreasing pT, as a packed array.

    `particles` are (px, py, pz, E) records (see `to_cartesian`). Each jet has fastjet's E-scheme momentum
    and `constituents`, the indices of its particles in the event; `leading_constituents` gathers them.
    With `leading`, only the `leading` hardest jets of each event get their constituents (the others an
    empty list): fastjet's constituent pass, which costs about a fifth of the clustering, then skips the
    softer jets.
    """
    sequence = fastjet.ClusterSequence(particles, jet_definition(algorithm, radius))
    jets = sequence.inclusive_jets(min_pt=min_jet_pt)
    offsets = np.asarray(jets.layout.offsets)
    n_jets = np.diff(offsets)
    momentum = {name: _flat(jets, name) for name in FIELDS}
    # fastjet's own pT^2 (PseudoJet::perp2), so that the threshold below keeps exactly the jets fastjet keeps.
    kt2 = momentum["px"] * momentum["px"] + momentum["py"] * momentum["py"]
    # One stable sort over all events: by event, then by decreasing pT.
    event = np.repeat(np.arange(len(n_jets)), n_jets)
    order = np.lexsort((-kt2, event))
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order)) - np.repeat(offsets[:-1], n_jets)
    wanted = rank < (leading if leading is not None else len(rank))
    threshold = max(min_jet_pt, np.sqrt(kt2[wanted].min()) * (1 - 1e-9)) if wanted.any() else min_jet_pt
    above = kt2 >= threshold * threshold
    # (event, jet, particle index) for the jets above the threshold, in the order of inclusive_jets.
    index = sequence.constituent_index(min_pt=threshold).layout
    if not np.array_equal(np.diff(np.asarray(index.offsets)), np.bincount(event[above], minlength=len(n_jets))):
        raise RuntimeError("fastjet's constituent index does not list the jets above the pT threshold")
    # Each jet's row in that index; the unwanted jets get an empty range.
    row = np.cumsum(above) - 1
    jet_offsets = np.asarray(index.content.offsets)
    starts = np.where(wanted, jet_offsets[row], 0)[order]
    sizes = np.where(wanted, jet_offsets[row + 1] - jet_offsets[row], 0)[order]
    constituents = ak.unflatten(np.asarray(index.content.content.data)[ranges(starts, sizes)], sizes)
    fields = {name: values[order] for name, values in momentum.items()} | {"constituents": constituents}
    return ak.unflatten(ak.zip(fields, depth_limit=1), n_jets)


def leading_constituents(particles: ak.Array, jets: ak.Array, events: np.ndarray, n_leading: int = 2) -> ak.Array:
    """The particles of the `n_leading` leading jets of `events` (indices), as jagged (jet, particle):
    jet 1 of every event, then jet 2 of every event, and so on. `particles` and `jets` are packed, as
    `to_cartesian` and `cluster` give them, and every event must have `n_leading` jets."""
    jet = np.concatenate([np.asarray(jets.layout.offsets)[events] + k for k in range(n_leading)])
    offsets = np.asarray(jets.layout.content["constituents"].offsets)
    sizes = offsets[jet + 1] - offsets[jet]
    local = np.asarray(jets.layout.content["constituents"].content.data)[ranges(offsets[jet], sizes)]
    # Indices within the event, shifted to the flat particle arrays of all events.
    first_particle = np.tile(np.asarray(particles.layout.offsets)[events], n_leading)
    index = local + np.repeat(first_particle, sizes)
    return ak.unflatten(ak.zip({name: _flat(particles, name)[index] for name in FIELDS}), sizes)


def four_momentum(constituents: ak.Array) -> dict[str, np.ndarray]:
    """E-scheme sums of jagged (jet, particle) constituents, summed in fastjet's constituent order."""
    return {name: ak.to_numpy(ak.sum(constituents[name], axis=-1)) for name in FIELDS}
