"""N-subjettiness (Thaler & Van Tilburg) of many jets at once, with exclusive-kT axes.

tau_N = sum_i pT_i min_k dR(i, axis_k)^beta / (sum_i pT_i R0^beta), with dR in (rapidity, phi), as in
fastjet-contrib's NormalizedMeasure with KT_Axes. Each jet's constituents are one pseudo-event for
fastjet, so a single kT reclustering serves every N; the distances are Awkward array arithmetic.
fjcontrib reclusters once per N, which makes it about three times slower here.
"""

import warnings

import awkward as ak
import fastjet
import numpy as np

# fastjet's largest radius: the exclusive kT sequence then never merges with the beam, as in KT_Axes.
WHOLE_JET_RADIUS = 1000.0


def _rapidity_phi(p: ak.Array) -> tuple[ak.Array, ak.Array]:
    return 0.5 * np.log((p.E + p.pz) / (p.E - p.pz)), np.arctan2(p.py, p.px)


def nsubjettiness(constituents: ak.Array, radius: float, beta: float = 1.0, n_max: int = 3) -> np.ndarray:
    """tau_1..tau_n_max for each jet; `constituents` is jagged (jet, particle) with px, py, pz, E fields.

    A jet with N or fewer constituents has tau_N = 0: every particle is its own axis.
    """
    if len(constituents) == 0:
        return np.zeros((0, n_max))
    sequence = fastjet.ClusterSequence(constituents, fastjet.JetDefinition(fastjet.kt_algorithm, WHOLE_JET_RADIUS))
    pt = np.hypot(constituents.px, constituents.py)
    rap, phi = _rapidity_phi(constituents)
    normalisation = ak.to_numpy(ak.sum(pt, axis=1)) * radius**beta
    taus = np.empty((len(constituents), n_max))
    for n in range(1, n_max + 1):
        with warnings.catch_warnings():
            # fastjet 3.5.2 compares a JetDefinition with an algorithm enum and so warns even for kT.
            warnings.filterwarnings("ignore", "dcut and exclusive jets", UserWarning)
            axes = sequence.exclusive_jets_up_to(n)
        axis_rap, axis_phi = _rapidity_phi(axes)
        # (jet, particle, 1) against (jet, 1, axis): every particle-axis distance in one broadcast.
        d_rap = rap[:, :, np.newaxis] - axis_rap[:, np.newaxis, :]
        d_phi = np.remainder(phi[:, :, np.newaxis] - axis_phi[:, np.newaxis, :] + np.pi, 2 * np.pi) - np.pi
        nearest = ak.min(np.sqrt(d_rap**2 + d_phi**2) ** beta, axis=2)
        taus[:, n - 1] = ak.to_numpy(ak.sum(pt * nearest, axis=1)) / normalisation
    return taus
