import awkward as ak
import fastjet
import numpy as np
import pytest
from conftest import massless_cartesian, random_lhco_rows

from dijetgen.clustering import cluster, to_cartesian
from dijetgen.nsubjettiness import WHOLE_JET_KT, nsubjettiness
from dijetgen.sources.lhco import rows_to_events


def jets(*particle_lists):
    """Jagged (jet, particle) records of massless particles given as (pT, eta, phi) tuples."""
    out = []
    for particles in particle_lists:
        px, py, pz, e = massless_cartesian(*np.array(particles, dtype=float).T)
        out.append([{"px": a, "py": b, "pz": c, "E": d} for a, b, c, d in zip(px, py, pz, e)])
    return ak.Array(out)


def rapidity_phi(px, py, pz, e):
    return 0.5 * np.log((e + pz) / (e - pz)), np.arctan2(py, px)


def test_whole_jet_kt_is_the_definition_its_comment_gives():
    # fastjet's Python constructor takes the strategy before the scheme: with the two swapped, E_scheme (0)
    # silently becomes the N3Dumb strategy.
    assert WHOLE_JET_KT.jet_algorithm() == fastjet.kt_algorithm
    assert WHOLE_JET_KT.R() == 1000.0
    assert WHOLE_JET_KT.strategy() == fastjet.N2Plain
    assert WHOLE_JET_KT.recombination_scheme() == fastjet.E_scheme


def test_single_particle_jet_has_zero_taus():
    np.testing.assert_array_equal(nsubjettiness(jets([(500, 0.3, 1.0)]), 1.0), [[0.0, 0.0, 0.0]])


@pytest.mark.parametrize(
    ("r0", "beta"),
    [(1.0, 1.0), (0.8, 1.0), (1.0, 2.0), (0.8, 2.0)],
)
def test_two_particles_tau1_by_hand(r0, beta):
    particles = [(300.0, 0.0, 0.0), (100.0, 0.5, 0.4)]
    p4 = np.array(massless_cartesian(*np.array(particles).T))  # (4, n)
    axis_y, axis_phi = rapidity_phi(*p4.sum(axis=1))  # E-scheme axis of the whole jet (massive)
    y, phi = rapidity_phi(*p4)
    pt = np.array([p[0] for p in particles])
    dr = np.hypot(y - axis_y, phi - axis_phi)
    expected = np.sum(pt * dr**beta) / (pt.sum() * r0**beta)
    taus = nsubjettiness(jets(particles), r0, beta)
    np.testing.assert_allclose(taus[0, 0], expected, rtol=1e-9)
    np.testing.assert_array_equal(taus[0, 1:], [0.0, 0.0])  # fewer particles than N: tau_N = 0


def test_three_prongs():
    rng = np.random.default_rng(5)
    prongs = [(0.0, 0.0), (0.6, 0.3), (-0.2, 0.7)]
    particles = [
        (rng.uniform(50, 300), eta + rng.uniform(-0.01, 0.01), phi + rng.uniform(-0.01, 0.01))
        for eta, phi in prongs
        for _ in range(3)
    ]
    tau1, tau2, tau3 = nsubjettiness(jets(particles), 1.0)[0]
    # tau3 is bounded by the prong width (~0.01 / R0); tau2 must pay for a whole prong separation.
    assert tau3 < 0.02 < 0.1 < tau2 < tau1


def test_exactly_three_particles_give_tau3_zero():
    tau1, tau2, tau3 = nsubjettiness(jets([(300, 0.0, 0.0), (200, 0.5, 0.5), (100, -0.4, 0.6)]), 1.0)[0]
    assert tau3 == 0.0 and 0.0 < tau2 < tau1


def test_batch_equals_one_jet_at_a_time():
    rng = np.random.default_rng(9)
    batch = [
        [(rng.uniform(10, 200), rng.uniform(-0.5, 0.5), rng.uniform(-0.5, 0.5)) for _ in range(n)]
        for n in (1, 7, 2, 15, 4)
    ]
    together = nsubjettiness(jets(*batch), 1.0)
    assert together.shape == (5, 3)
    for row, particles in zip(together, batch):
        np.testing.assert_allclose(row, nsubjettiness(jets(particles), 1.0)[0], rtol=1e-12)


def test_n_max_and_empty_input():
    assert nsubjettiness(jets([(300, 0.0, 0.0), (100, 0.5, 0.4)]), 1.0, n_max=2).shape == (1, 2)
    assert nsubjettiness(jets([(1, 0, 0)])[:0], 1.0).shape == (0, 3)


@pytest.mark.parametrize(
    ("radius", "beta", "n_hard"),
    # (40, 180) particles per hard spray: jets as large as the R&D file's (about 50, up to about 180).
    [(1.0, 1.0, (10, 30)), (0.4, 1.0, (10, 30)), (0.4, 2.0, (10, 30)), (1.0, 1.0, (40, 180))],
)
def test_agrees_with_fjcontrib_on_clustered_jets(radius, beta, n_hard):
    # Reference: fastjet-contrib's Nsubjettiness (NormalizedMeasure, KT_Axes) through fastjet's own API,
    # which reclusters with fastjet's default strategy (ours uses N2Plain).
    rows, _ = random_lhco_rows(6, seed=4, n_hard=n_hard)
    particles = to_cartesian(rows_to_events(rows, 0).particles)
    clustered = cluster(particles, "antikt", radius, 20.0)
    # One row per jet: its event's particles, indexed by the jet's constituent indices.
    owner = ak.flatten(ak.broadcast_arrays(np.arange(len(clustered)), clustered.px)[0])
    constituents = particles[owner][ak.flatten(clustered.constituents, axis=1)]
    sequence = fastjet.ClusterSequence(constituents, fastjet.JetDefinition(fastjet.kt_algorithm, 1000.0))
    reference = sequence.njettiness(
        measure_definition="NormalizedMeasure", axes_definition="KT_Axes", njets=[1, 2, 3], beta=beta, R0=radius
    )
    expected = ak.to_numpy(reference).reshape(len(constituents), 3)
    np.testing.assert_allclose(nsubjettiness(constituents, radius, beta), expected, rtol=1e-10, atol=1e-12)
