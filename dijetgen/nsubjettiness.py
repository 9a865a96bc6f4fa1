"""N-subjettiness (Thaler & Van Tilburg) of many jets at once, through fastjet-contrib's Nsubjettiness.

Each jet's constituents are handed to fastjet as one pseudo-event, so a single C++ call computes tau_N for
every jet with exclusive-kT axes and the normalised measure sum_i pT_i min_k dR_ik^beta / (sum_i pT_i R0).
"""

import awkward as ak
import fastjet
import numpy as np

# fastjet's largest radius: reclustering with it sees the whole jet, as fjcontrib's KT_Axes do.
WHOLE_JET_RADIUS = 1000.0


def nsubjettiness(constituents: ak.Array, radius: float, beta: float = 1.0, n_max: int = 3) -> np.ndarray:
    """tau_1..tau_n_max for each jet; `constituents` is jagged (jet, particle) with px, py, pz, E fields."""
    if len(constituents) == 0:
        return np.zeros((0, n_max))
    sequence = fastjet.ClusterSequence(constituents, fastjet.JetDefinition(fastjet.kt_algorithm, WHOLE_JET_RADIUS))
    taus = sequence.njettiness(
        measure_definition="NormalizedMeasure",
        axes_definition="KT_Axes",
        njets=list(range(1, n_max + 1)),
        beta=beta,
        R0=radius,
    )
    return ak.to_numpy(taus).reshape(len(constituents), n_max)
