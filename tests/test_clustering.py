"""fastjet clustering checked against an independent brute-force anti-kT written here."""

import awkward as ak
import fastjet
import numpy as np
import pytest
from conftest import CLUSTERING, massless_cartesian, random_lhco_rows

from dijetgen.clustering import cluster, jet_definition, to_cartesian
from dijetgen.events import make_events
from dijetgen.features import add_derived
from dijetgen.jets import leading_dijets
from dijetgen.sources.lhco import rows_to_events

LOOSE = {"min_pt": 100.0, "max_abs_eta": 2.5}


def brute_force_antikt(p4: np.ndarray, radius: float, min_pt: float) -> list[tuple[np.ndarray, int]]:
    """Inclusive anti-kT jets as (px, py, pz, E) and constituent count, by decreasing pT; O(n^3)."""
    p4, sizes, jets = [np.array(p) for p in p4], [1] * len(p4), []
    while p4:
        p = np.array(p4)
        inv_pt2 = 1.0 / (p[:, 0] ** 2 + p[:, 1] ** 2)
        y = 0.5 * np.log((p[:, 3] + p[:, 2]) / (p[:, 3] - p[:, 2]))
        dphi = np.abs(np.arctan2(p[:, 1], p[:, 0])[:, None] - np.arctan2(p[:, 1], p[:, 0])[None, :])
        dphi = np.minimum(dphi, 2 * np.pi - dphi)
        dij = np.minimum(inv_pt2[:, None], inv_pt2[None, :]) * ((y[:, None] - y[None, :]) ** 2 + dphi**2) / radius**2
        np.fill_diagonal(dij, np.inf)
        i, j = np.unravel_index(np.argmin(dij), dij.shape)
        k = int(np.argmin(inv_pt2))
        if dij[i, j] < inv_pt2[k]:  # merge i and j (E-scheme)
            merged, size = p4[i] + p4[j], sizes[i] + sizes[j]
            for index in sorted((i, j), reverse=True):
                del p4[index], sizes[index]
            p4.append(merged)
            sizes.append(size)
        else:  # k becomes a jet
            jets.append((p4.pop(k), sizes.pop(k)))
    jets = [(jet, n) for jet, n in jets if np.hypot(jet[0], jet[1]) > min_pt]
    return sorted(jets, key=lambda jet: -np.hypot(jet[0][0], jet[0][1]))


def mass(p4):
    return np.sqrt(max(p4[3] ** 2 - p4[0] ** 2 - p4[1] ** 2 - p4[2] ** 2, 0.0))


@pytest.fixture(scope="module")
def small_events():
    """Eight LHCO-format events of 10-40 massless particles each."""
    rows, particles = random_lhco_rows(8, seed=11, n_hard=(4, 15), n_soft=(2, 10))
    assert all(10 <= len(p) <= 40 for p in particles)
    return rows_to_events(rows, first_event=100), particles


def test_jet_definition_takes_strategy_before_scheme():
    # With the two swapped, E_scheme (0) silently becomes the N3Dumb strategy (BENCHMARKS.md).
    definition = jet_definition("antikt", 1.0)
    assert definition.jet_algorithm() == fastjet.antikt_algorithm and definition.R() == 1.0
    assert definition.strategy() == fastjet.N2Tiled
    assert definition.recombination_scheme() == fastjet.E_scheme


@pytest.mark.parametrize("radius", [0.4, 1.0])
def test_cluster_matches_brute_force(small_events, radius):
    events, particles = small_events
    jets = cluster(to_cartesian(events.particles), "antikt", radius, 20.0)
    for event_jets, p in zip(jets, particles):
        expected = brute_force_antikt(np.column_stack(massless_cartesian(*p.T)), radius, 20.0)
        assert len(event_jets) == len(expected)
        for jet, (p4, size) in zip(event_jets, expected):
            np.testing.assert_allclose([jet.px, jet.py, jet.pz, jet.E], p4, rtol=1e-9, atol=1e-9)
            assert len(jet.constituents) == size


@pytest.mark.parametrize("radius", [0.4, 1.0])
def test_leading_dijets_and_mjj_match_brute_force(small_events, radius):
    events, particles = small_events
    table, cutflow = leading_dijets(events, CLUSTERING | {"R": radius}, LOOSE)
    assert cutflow["selected"] == len(events) == len(table)  # two hard sprays each: all selected
    table = add_derived(table)
    assert table["event"].tolist() == list(range(100, 108))
    for row, p in zip(table.itertuples(), particles):
        (j1, _), (j2, _) = brute_force_antikt(np.column_stack(massless_cartesian(*p.T)), radius, 20.0)[:2]
        for jet, suffix in ((j1, "j1"), (j2, "j2")):
            got = [getattr(row, f"{name}{suffix}") for name in ("px", "py", "pz", "m")]
            np.testing.assert_allclose(got, [*jet[:3], mass(jet)], rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(row.mjj, mass(j1 + j2), rtol=1e-6)


def test_constituents_of_the_leading_jets_only(small_events):
    events, _ = small_events
    particles = to_cartesian(events.particles)
    every = cluster(particles, "antikt", 0.4, 20.0)
    leading = cluster(particles, "antikt", 0.4, 20.0, leading=2)
    for name in ("px", "py", "pz", "E"):
        assert ak.all(leading[name] == every[name])
    assert ak.all(ak.num(every, axis=1) > 2)  # some jets lose their constituents
    assert ak.to_list(leading.constituents[:, :2]) == ak.to_list(every.constituents[:, :2])
    assert ak.all(ak.num(leading.constituents[:, 2:], axis=2) == 0)


def test_kt_and_cambridge_give_the_same_total_momentum(small_events):
    # Every algorithm partitions the same particles; with a 0 GeV floor the jets sum to the event.
    events, particles = small_events
    for algorithm in ("kt", "cambridge"):
        jets = cluster(to_cartesian(events.particles), algorithm, 1.0, 0.0)
        for event_jets, p in zip(jets, particles):
            total = np.sum(massless_cartesian(*p.T), axis=1)
            np.testing.assert_allclose(
                [ak.sum(event_jets[c]) for c in ("px", "py", "pz", "E")], total, rtol=1e-9, atol=1e-6
            )


def hand_events(particle_lists, first_id=10):
    """Massless events from lists of (pT, eta, phi) tuples."""
    columns = [ak.Array([[p[i] for p in ps] for ps in particle_lists]) for i in range(3)]
    n = len(particle_lists)
    return make_events(*columns, columns[0] * 0, event=np.arange(first_id, first_id + n), label=np.zeros(n))


def test_selection_cut_flow():
    events = hand_events(
        [
            [(1500, 0.5, 0.0), (1400, -0.5, 3.0)],  # 10: selected
            [(1000, 0.0, 0.0), (900, 0.2, 3.0)],  # 11: hardest jet below min_pt
            [(1500, 3.0, 0.0), (800, 0.0, 3.0)],  # 12: hard jet only at |eta| = 3
            [(1500, 0.0, 0.0), (10, 0.1, 0.1), (30, -0.2, 0.3)],  # 13: one jet
            [(1500, 0.3, 0.0), (25, 0.0, 3.0)],  # 14: selected, j2 just above min_jet_pt
            [(1500, 0.0, 0.0), (15, 0.0, 3.0)],  # 15: second 'jet' below min_jet_pt
        ]
    )
    table, cutflow = leading_dijets(events, CLUSTERING, {"min_pt": 1200.0, "max_abs_eta": 2.5})
    assert cutflow == {
        "events": 6,
        "fail: no jet with pT > 1200.0 GeV and |eta| < 2.5": 2,
        "fail: fewer than two jets": 2,
        "selected": 2,
    }
    assert table["event"].tolist() == [10, 14]
    np.testing.assert_allclose(table["pxj1"], [1500, 1500])
    np.testing.assert_allclose(table["pxj2"], [1400 * np.cos(3.0), 25 * np.cos(3.0)])
    # Single massless particles: no mass, no substructure.
    assert (table[["tau1j1", "tau2j1", "tau3j1", "tau1j2"]] == 0).all().all()
    np.testing.assert_allclose(table[["mj1", "mj2"]], 0, atol=1e-4)


def test_no_selected_event_gives_an_empty_table():
    events = hand_events([[(100, 0.0, 0.0), (90, 0.0, 3.0)]])
    table, cutflow = leading_dijets(events, CLUSTERING, {"min_pt": 1200.0, "max_abs_eta": 2.5})
    assert len(table) == 0 and cutflow["selected"] == 0
    assert list(table.columns[:4]) == ["event", "label", "pxj1", "pyj1"]
