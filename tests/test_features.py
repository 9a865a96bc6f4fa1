import numpy as np
import pandas as pd
import pytest

from dijetgen.features import FEATURE_COLUMNS, add_derived, feature_table
from dijetgen.jets import jet_columns


def jet(pt, eta, phi, m=0.0, taus=(0.3, 0.15, 0.1)):
    """One jet's LHCO-v2 values (px, py, pz, m, tau1, tau2, tau3)."""
    return [pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), m, *taus]


def jet_table(pairs, events=None):
    """A cluster-stage table from (j1, j2) pairs made by `jet`."""
    events = range(len(pairs)) if events is None else events
    rows = [[event, 0, *j1, *j2] for event, (j1, j2) in zip(events, pairs)]
    return pd.DataFrame(rows, columns=["event", "label", *jet_columns("j1"), *jet_columns("j2")])


def test_back_to_back_massless_dijet_mass():
    pt, eta1, eta2, phi = 1000.0, 0.7, -0.4, 2.5
    out = add_derived(jet_table([(jet(pt, eta1, phi), jet(pt, eta2, phi - np.pi))])).iloc[0]
    # m^2 = 2 pT^2 (cosh(deta) - cos(dphi)) = 4 pT^2 cosh^2(deta / 2) for dphi = pi.
    np.testing.assert_allclose(out.mjj, 2 * pt * np.cosh((eta1 - eta2) / 2), rtol=1e-12)
    np.testing.assert_allclose([out.ptj1, out.etaj1, out.phij1], [pt, eta1, phi], rtol=1e-12)
    np.testing.assert_allclose([out.ptj2, out.etaj2, out.phij2], [pt, eta2, phi - np.pi], rtol=1e-12)
    np.testing.assert_allclose(out.deltaetajj, 1.1, rtol=1e-12)
    np.testing.assert_allclose(out.dphijj, np.pi, rtol=1e-12)


def test_massive_jets_dijet_mass():
    j1, j2 = jet(800.0, 0.2, 0.1, m=90.0), jet(500.0, -1.0, 2.0, m=30.0)
    out = add_derived(jet_table([(j1, j2)])).iloc[0]
    p1, p2 = np.array(j1[:3]), np.array(j2[:3])
    e = np.sqrt(p1 @ p1 + 90.0**2) + np.sqrt(p2 @ p2 + 30.0**2)
    np.testing.assert_allclose(out.mjj, np.sqrt(e**2 - np.sum((p1 + p2) ** 2)), rtol=1e-12)


def test_tau_ratios_and_the_zero_guard():
    table = jet_table(
        [
            (jet(900, 0, 0, taus=(0.4, 0.1, 0.05)), jet(800, 0, 3, taus=(0.0, 0.0, 0.0))),
            (jet(900, 0, 0, taus=(0.2, 0.0, 0.0)), jet(800, 0, 3, taus=(0.5, 0.25, 0.2))),
        ]
    )
    out = add_derived(table)
    np.testing.assert_allclose(out["tau21j1"], [0.25, 0.0])
    np.testing.assert_allclose(out["tau32j1"], [0.5, 0.0])  # tau2 = 0: guarded to 0
    np.testing.assert_allclose(out["tau21j2"], [0.0, 0.5])  # tau1 = 0: guarded to 0
    np.testing.assert_allclose(out["tau32j2"], [0.0, 0.8])
    assert np.isfinite(out[["tau21j1", "tau21j2", "tau32j1", "tau32j2"]].to_numpy()).all()


@pytest.mark.parametrize(
    ("phi1", "phi2", "expected"),
    [(3.0, -3.0, 2 * np.pi - 6.0), (-3.0, 3.0, 6.0), (0.5, 0.5 - np.pi, np.pi), (-1.0, 0.5, 1.5), (1.0, 1.25, 0.25)],
)
def test_dphijj_is_j2_azimuth_with_j1_rotated_to_zero(phi1, phi2, expected):
    out = add_derived(jet_table([(jet(900, 0.0, phi1), jet(800, 1.5, phi2))])).iloc[0]
    np.testing.assert_allclose(out.dphijj, expected, rtol=1e-12, atol=1e-12)
    assert 0 <= out.dphijj < 2 * np.pi


def test_dphijj_stays_below_two_pi_for_nearly_equal_azimuths():
    j1 = jet(900.0, 0.0, 0.0)
    j1[1] = 1e-20 * 900.0  # phi_j1 = 1e-20, phi_j2 = 0
    out = add_derived(jet_table([(j1, jet(800.0, 1.5, 0.0))])).iloc[0]
    assert 0 <= out.dphijj < 2 * np.pi


def test_deltaetajj_is_absolute():
    out = add_derived(jet_table([(jet(900, -1.2, 0), jet(800, 0.3, 3)), (jet(900, 1.0, 0), jet(800, -0.5, 3))]))
    np.testing.assert_allclose(out["deltaetajj"], [1.5, 1.5], rtol=1e-12)


def test_feature_table_columns_and_shard_order():
    shard0 = jet_table([(jet(900, 0, 0), jet(800, 1, 3))] * 2, events=[5, 6])
    shard1 = jet_table([(jet(1000, 0, 1), jet(700, -1, -2))] * 3, events=[0, 1, 2])
    table = feature_table([shard0, shard1], "qcd")
    assert list(table.columns) == FEATURE_COLUMNS
    assert table["event"].tolist() == [5, 6, 0, 1, 2]
    assert table.index.tolist() == [0, 1, 2, 3, 4]
    assert (table["sample"] == "qcd").all()
    np.testing.assert_allclose(table["ptj1"], [900, 900, 1000, 1000, 1000])
    assert list(shard0.columns) == ["event", "label", *jet_columns("j1"), *jet_columns("j2")]  # inputs untouched


def test_feature_columns_contract():
    assert FEATURE_COLUMNS[:3] == ["event", "sample", "label"]
    assert (
        "pxj1 pyj1 pzj1 mj1 tau1j1 tau2j1 tau3j1 pxj2 pyj2 pzj2 mj2 tau1j2 tau2j2 tau3j2".split()
        == (FEATURE_COLUMNS[3:17])
    )
    assert len(set(FEATURE_COLUMNS)) == len(FEATURE_COLUMNS)
