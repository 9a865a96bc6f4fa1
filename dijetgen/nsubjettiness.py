"""N-subjettiness (Thaler & Van Tilburg) of many jets at once, with exclusive-kT axes.

tau_N = sum_i pT_i min_k dR(i, axis_k)^beta / (sum_i pT_i R0^beta), with dR in (rapidity, phi), as in
fastjet-contrib's NormalizedMeasure with KT_Axes. Each jet's constituents are one pseudo-event for
fastjet, so a single kT reclustering serves every N. The axes of every N sit side by side in one
(jet, axis) table, so the distances are one flat NumPy pass over all particles of all jets. fjcontrib
reclusters once per N, which makes it several times slower here.
"""

import warnings

import awkward as ak
import fastjet
import numpy as np

# fastjet's largest radius: the exclusive kT sequence then never merges with the beam, as in KT_Axes.
# N2Plain: on j1 and j2 of R&D-like events (47 particles on average) 10-20% cheaper than Best and N2Tiled,
# with the same exclusive jets on 20 000 of them (BENCHMARKS.md). fastjet's Python constructor takes the
# strategy before the recombination scheme.
WHOLE_JET_KT = fastjet.JetDefinition(fastjet.kt_algorithm, 1000.0, fastjet.N2Plain, fastjet.E_scheme)


def _rapidity_phi(px, py, pz, e):
    return 0.5 * np.log((e + pz) / (e - pz)), np.arctan2(py, px)


def _axes(sequence, jet_momenta: list[np.ndarray], n_max: int) -> tuple[np.ndarray, np.ndarray]:
    """Rapidity and phi of the exclusive-kT axes, (jet, axis): columns N(N-1)/2 .. N(N+1)/2 - 1 hold the
    N axes of tau_N. A jet of fewer than N particles has fewer axes; the missing ones sit at infinite
    rapidity, so no particle is ever nearest to them."""
    n_jets = len(jet_momenta[0])
    rap = np.full((n_jets, n_max * (n_max + 1) // 2), np.inf)
    phi = np.zeros_like(rap)
    # The one exclusive jet is the whole jet, the E-scheme sum of its particles: no fastjet call needed.
    rap[:, 0], phi[:, 0] = _rapidity_phi(*jet_momenta)
    for n in range(2, n_max + 1):
        with warnings.catch_warnings():
            # fastjet 3.5.2 compares a JetDefinition with an algorithm enum and so warns even for kT.
            warnings.filterwarnings("ignore", "dcut and exclusive jets", UserWarning)
            axes = sequence.exclusive_jets_up_to(n).layout
        counts = np.diff(np.asarray(axes.offsets))
        jet = np.repeat(np.arange(n_jets), counts)
        column = n * (n - 1) // 2 + np.arange(len(jet)) - np.repeat(np.asarray(axes.offsets)[:-1], counts)
        four_momentum = (np.asarray(axes.content[name].data) for name in ("px", "py", "pz", "E"))
        rap[jet, column], phi[jet, column] = _rapidity_phi(*four_momentum)
    return rap, phi


def nsubjettiness(constituents: ak.Array, radius: float, beta: float = 1.0, n_max: int = 3) -> np.ndarray:
    """tau_1..tau_n_max for each jet; `constituents` is jagged (jet, particle) with px, py, pz, E fields.

    A jet with N or fewer constituents has tau_N = 0: every particle is its own axis.
    """
    if len(constituents) == 0:
        return np.zeros((0, n_max))
    # fastjet reads a packed array several times faster than a sliced or concatenated one.
    constituents = ak.to_packed(constituents)
    sequence = fastjet.ClusterSequence(constituents, WHOLE_JET_KT)
    counts = ak.to_numpy(ak.num(constituents))
    owner = np.repeat(np.arange(len(counts)), counts)
    px, py, pz, e = (ak.to_numpy(ak.flatten(constituents[name])) for name in ("px", "py", "pz", "E"))
    rap, phi = _rapidity_phi(px, py, pz, e)
    jet_momenta = [np.bincount(owner, weights=w, minlength=len(counts)) for w in (px, py, pz, e)]
    axis_rap, axis_phi = _axes(sequence, jet_momenta, n_max)
    # Every particle against every axis of its jet, in squared distance (the root, and beta, only after the
    # minimum), laid out (axis, particle) so that the minimum over the axes of one tau_N is elementwise over
    # contiguous rows. Repeated rather than gathered, and updated in place: 2.7x cheaper than fancy
    # indexing with temporaries (BENCHMARKS.md). |dphi| <= 2 pi since both phis come from arctan2.
    squared = np.repeat(axis_rap.T, counts, axis=1)
    squared -= rap
    np.square(squared, out=squared)
    d_phi = np.repeat(axis_phi.T, counts, axis=1)
    d_phi -= phi
    np.abs(d_phi, out=d_phi)
    squared += np.square(np.minimum(d_phi, 2 * np.pi - d_phi, out=d_phi), out=d_phi)
    pt = np.hypot(px, py)
    normalisation = np.bincount(owner, weights=pt, minlength=len(counts)) * radius**beta
    taus = np.empty((len(counts), n_max))
    for n in range(1, n_max + 1):
        nearest = np.minimum.reduce(squared[n * (n - 1) // 2 : n * (n + 1) // 2], axis=0)
        taus[:, n - 1] = np.bincount(owner, weights=pt * nearest ** (beta / 2), minlength=len(counts)) / normalisation
    return taus
