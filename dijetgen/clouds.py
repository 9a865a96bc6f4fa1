"""Particle clouds in memory: padded jets of (pt_rel, deta, dphi) with their mask and their jet's kinematics.

Light on purpose (NumPy and pandas), so that the models (torch) and the constituent files (awkward) share it
without importing each other.
"""

from typing import NamedTuple

import numpy as np
import pandas as pd

FIELDS = ("pt_rel", "deta", "dphi")
# What a particle model is conditioned on, one row per jet: its pT, eta, mass and number of constituents.
PARTICLE_CONDITION = ["pt", "eta", "m", "nconst"]


class ParticleJets(NamedTuple):
    """Jets with their constituents: `jets` holds the PARTICLE_CONDITION columns, `values` the padded
    (n, cap, 3) (pt_rel, deta, dphi), `mask` the (n, cap) real particles."""

    jets: pd.DataFrame
    values: np.ndarray
    mask: np.ndarray
