"""Particle-level metrics: rebuilt jets by hand, floors near the generated value for a perfect model, and a
distorted model found out by each metric."""

import numpy as np
import pandas as pd
from helpers import toy_jets

from dijetgen.clouds import ParticleJets
from dijetgen.metrics.particles import rebuilt_jets, substructure, summary_row, validate_particles
from dijetgen.validation import ValidationSettings

SETTINGS = ValidationSettings(
    bootstrap=3,
    fpd_min_samples=100,
    fpd_max_samples=300,
    fpd_points=3,
    fpd_batches=3,
    kpd_batch_size=200,
    kpd_batches=3,
    classifier_folds=3,
)
COLUMNS = ["model", "w1m_ratio", "w1p_ratio", "multiplicity_w1_ratio", "w1efp_ratio", "fpd", "fpd_floor", "kpd"]
COLUMNS += ["kpd_floor", "classifier_auc", "classifier_auc_floor"]


def test_two_particle_jet_mass_by_hand():
    values = np.array([[[0.5, 0.1, 0.2], [0.5, -0.1, -0.2]]], dtype=np.float32)
    jets = ParticleJets(
        pd.DataFrame({"pt": [1000.0], "eta": [0.3], "m": [0.0], "nconst": [2]}), values, np.ones((1, 2), bool)
    )
    rebuilt = rebuilt_jets(jets)
    # m^2 = 2 pT1 pT2 (cosh deta - cos dphi) for massless particles
    expected = np.sqrt(2 * 500 * 500 * (np.cosh(0.2) - np.cos(np.float32(0.4))))
    np.testing.assert_allclose(rebuilt["m"], expected, rtol=1e-5)
    np.testing.assert_allclose(rebuilt["pt"], 1000 * np.cos(0.2), rtol=1e-5)
    assert substructure(jets).shape == (1, 25)


def test_perfect_model_sits_at_its_floor_and_a_wrong_one_does_not():
    train, test = toy_jets(600, 0), toy_jets(600, 1)
    perfect = validate_particles(toy_jets(600, 2), train, test, SETTINGS, seed=3)
    wrong = validate_particles(toy_jets(600, 2, spread=0.1), train, test, SETTINGS, seed=3)
    good, bad = summary_row("perfect", perfect), summary_row("wrong", wrong)
    assert set(COLUMNS) <= set(good)
    assert good["w1p_ratio"] < 2 and good["w1efp_ratio"] < 2 and good["classifier_auc"] < 0.6
    assert bad["w1p_ratio"] > 3 and bad["w1efp_ratio"] > 3 and bad["w1m_ratio"] > 3
    assert bad["classifier_auc"] > 0.8 > good["classifier_auc_floor"]
    assert bad["fpd"] > 10 * max(good["fpd"], good["fpd_floor"], 1e-3)
