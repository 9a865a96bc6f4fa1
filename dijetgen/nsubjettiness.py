"""N-subjettiness (Thaler & Van Tilburg) of many jets at once, with exclusive-kT axes.

tau_N = sum_i pT_i min_k dR(i, axis_k)^beta / (sum_i pT_i R0^beta), with dR in (rapidity, phi), as in
fastjet-contrib's NormalizedMeasure with KT_Axes. Each jet's constituents are one pseudo-event for
fastjet, so a single kT reclustering serves every N. The distances are flat NumPy over all particles of
all jets, each particle against the padded (jet, N) axes of its own jet. fjcontrib reclusters once per N,
which makes it several times slower here.
"""

import warnings

import awkward as ak
import fastjet
import numpy as np

# fastjet's largest radius: the exclusive kT sequence then never merges with the beam, as in KT_Axes.
WHOLE_JET_RADIUS = 1000.0


def _rapidity_phi(px, py, pz, e):
    return 0.5 * np.log((e + pz) / (e - pz)), np.arctan2(py, px)


def _flat(array: ak.Array, name: str) -> np.ndarray:
    return ak.to_numpy(ak.flatten(array[name], axis=None))


def nsubjettiness(constituents: ak.Array, radius: float, beta: float = 1.0, n_max: int = 3) -> np.ndarray:
    """tau_1..tau_n_max for each jet; `constituents` is jagged (jet, particle) with px, py, pz, E fields.

    A jet with N or fewer constituents has tau_N = 0: every particle is its own axis.
    """
    if len(constituents) == 0:
        return np.zeros((0, n_max))
    # fastjet reads a packed array several times faster than a sliced or concatenated one.
    constituents = ak.to_packed(constituents)
    sequence = fastjet.ClusterSequence(constituents, fastjet.JetDefinition(fastjet.kt_algorithm, WHOLE_JET_RADIUS))
    counts = ak.to_numpy(ak.num(constituents))
    owner = np.repeat(np.arange(len(constituents)), counts)
    px, py, pz, e = (_flat(constituents, name) for name in ("px", "py", "pz", "E"))
    pt = np.hypot(px, py)
    rap, phi = _rapidity_phi(px, py, pz, e)
    normalisation = np.bincount(owner, weights=pt, minlength=len(counts)) * radius**beta
    taus = np.empty((len(constituents), n_max))
    for n in range(1, n_max + 1):
        with warnings.catch_warnings():
            # fastjet 3.5.2 compares a JetDefinition with an algorithm enum and so warns even for kT.
            warnings.filterwarnings("ignore", "dcut and exclusive jets", UserWarning)
            axes = sequence.exclusive_jets_up_to(n)
        # A jet with fewer than n particles has fewer axes: pad to n and mask the padding out.
        axes = ak.pad_none(axes, n, axis=1, clip=True)
        valid = ~ak.to_numpy(ak.is_none(axes, axis=1))
        axis_rap, axis_phi = (
            ak.to_numpy(ak.fill_none(v, 0.0)) for v in _rapidity_phi(axes.px, axes.py, axes.pz, axes.E)
        )
        # (particle, 1) against the (particle, axis) axes of its jet: every distance in one pass.
        d_rap = rap[:, np.newaxis] - axis_rap[owner]
        d_phi = np.remainder(phi[:, np.newaxis] - axis_phi[owner] + np.pi, 2 * np.pi) - np.pi
        distance = np.where(valid[owner], np.sqrt(d_rap**2 + d_phi**2) ** beta, np.inf)
        taus[:, n - 1] = np.bincount(owner, weights=pt * distance.min(axis=1), minlength=len(counts)) / normalisation
    return taus
