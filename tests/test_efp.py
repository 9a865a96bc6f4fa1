"""EFPs checked against the definition summed by brute force over every tuple of particles."""

import itertools
from pathlib import Path

import numpy as np
import pytest

from dijetgen.columns import efp_names
from dijetgen.efp import CYCLES, EFP_GRAPHS, connected_multigraphs, efps


def brute_force_efp(edges, pt, eta, phi, beta=1.0):
    """sum over i_1..i_n of z_i1..z_in prod_(k,l) theta_(ik,il): energyflow's documented EFP (hadr measure)."""
    z = pt / pt.sum()
    n = max(v for edge in edges for v in edge) + 1
    total = 0.0
    for index in itertools.product(range(len(pt)), repeat=n):
        term = np.prod(z[list(index)])
        for a, b in edges:
            i, j = index[a], index[b]
            dphi = abs(phi[i] - phi[j])
            dphi = min(dphi, 2 * np.pi - dphi)
            term *= ((eta[i] - eta[j]) ** 2 + dphi**2) ** (beta / 2)
        total += term
    return total


def test_graph_counts_match_the_efp_paper():
    # Table 1 of arXiv:1712.07124: connected multigraphs with d = 1, 2, 3, 4 edges.
    assert [sum(len(g) == d for g in EFP_GRAPHS) for d in (1, 2, 3, 4)] == [1, 2, 5, 12]
    assert connected_multigraphs(4) == EFP_GRAPHS
    assert set(CYCLES) <= set(EFP_GRAPHS)
    assert efp_names("j1")[:2] == ["efp1j1", "efp2j1"] and len(efp_names("j2")) == 20


@pytest.mark.parametrize("beta", [1.0, 0.5])
def test_efps_match_brute_force(beta):
    rng = np.random.default_rng(3)
    pt = rng.exponential(50.0, (3, 5))
    eta = rng.normal(0.0, 0.4, (3, 5))
    phi = np.array([[3.1, -3.1, 3.0, -2.9, 0.1]] * 3) + rng.normal(0, 0.05, (3, 5))  # across the -pi/pi seam
    values = efps(pt, eta, phi, beta)
    for jet in range(3):
        expected = [brute_force_efp(edges, pt[jet], eta[jet], phi[jet], beta) for edges in EFP_GRAPHS]
        np.testing.assert_allclose(values[jet], expected, rtol=1e-10)


def test_padding_and_frame_do_not_change_efps():
    rng = np.random.default_rng(4)
    pt, eta, phi = rng.exponential(1.0, (2, 8)), rng.normal(0, 0.3, (2, 8)), rng.normal(0, 0.3, (2, 8))
    padded = [np.pad(v, ((0, 0), (0, 4))) for v in (pt, eta, phi)]
    np.testing.assert_allclose(efps(*padded), efps(pt, eta, phi), rtol=1e-12)
    # Only angles between particles enter: a boost along the beam and a rotation leave EFPs alone.
    np.testing.assert_allclose(efps(2 * pt, eta + 1.3, phi + 0.7), efps(pt, eta, phi), rtol=1e-10)


def test_efps_match_energyflow_on_pythia_jets():
    """tests/data/efp_energyflow.npz: eight Pythia QCD jets (pt_rel, deta, dphi; pT-hat 1 TeV, cap 100) and
    energyflow 1.4.0's `EFP(graph, measure="hadr", beta=1, normed=True, coords="ptyphim")` of each graph of
    EFP_GRAPHS, computed once in a separate venv (energyflow cannot be installed with the NumPy 2 pin; see
    dijetgen/efp.py)."""
    reference = np.load(Path(__file__).parent / "data/efp_energyflow.npz")
    values, mask = reference["values"], reference["mask"]
    mine = efps(np.where(mask, values[..., 0], 0.0), values[..., 1], values[..., 2])
    np.testing.assert_allclose(mine, reference["efps"], rtol=1e-9)
