"""Derived dijet observables rebuilt from (pt, eta, m) per jet and dphijj, against hand computations."""

import numpy as np
import pandas as pd
import pytest

from dijetgen.columns import DERIVED, observable_names
from dijetgen.features import add_derived
from dijetgen.observables import dijet_observables, with_observables

FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]


def jets(**columns):
    return pd.DataFrame({name: np.atleast_1d(np.asarray(value, np.float64)) for name, value in columns.items()})


def test_back_to_back_massless_jets():
    table = jets(ptj1=1000, etaj1=0, mj1=0, ptj2=1000, etaj2=0, mj2=0, dphijj=np.pi)
    row = dijet_observables(table).iloc[0]
    assert row["mjj"] == pytest.approx(2000)
    assert row["ptjj"] == pytest.approx(0, abs=1e-9)
    assert row["deltaetajj"] == 0
    assert row["deltaphijj"] == pytest.approx(np.pi)


def test_massive_jets_against_a_hand_computation():
    pt1, eta1, m1, pt2, eta2, m2, phi2 = 500.0, 1.0, 50.0, 300.0, -0.5, 20.0, 2.0
    table = jets(ptj1=pt1, etaj1=eta1, mj1=m1, ptj2=pt2, etaj2=eta2, mj2=m2, dphijj=phi2 + 2 * np.pi)
    p1 = np.array([pt1, 0.0, pt1 * np.sinh(eta1)])
    p2 = np.array([pt2 * np.cos(phi2), pt2 * np.sin(phi2), pt2 * np.sinh(eta2)])
    energy = np.sqrt(p1 @ p1 + m1**2) + np.sqrt(p2 @ p2 + m2**2)
    total = p1 + p2
    row = dijet_observables(table).iloc[0]
    assert row["mjj"] == pytest.approx(np.sqrt(energy**2 - total @ total))
    assert row["ptjj"] == pytest.approx(np.hypot(total[0], total[1]))
    assert row["deltaetajj"] == pytest.approx(1.5)
    assert row["deltaphijj"] == pytest.approx(2.0)  # an angle past 2 pi wraps


def test_rebuilt_observables_match_the_feature_table():
    rng = np.random.default_rng(4)
    n = 200
    columns = {}
    for j in ("j1", "j2"):
        pt, phi = rng.uniform(100, 2000, n), rng.uniform(-np.pi, np.pi, n)
        columns |= {f"px{j}": pt * np.cos(phi), f"py{j}": pt * np.sin(phi), f"pz{j}": rng.normal(0, 1000, n)}
        columns |= {f"m{j}": rng.uniform(0, 300, n)} | {f"tau{k}{j}": rng.uniform(0.1, 1, n) for k in (1, 2, 3)}
    table = add_derived(pd.DataFrame(columns))
    rebuilt = dijet_observables(table)
    assert rebuilt["mjj"].to_numpy() == pytest.approx(table["mjj"].to_numpy(), rel=1e-9)
    assert rebuilt["deltaetajj"].to_numpy() == pytest.approx(table["deltaetajj"].to_numpy())
    assert rebuilt["ptjj"].to_numpy() == pytest.approx(np.hypot(table.pxj1 + table.pxj2, table.pyj1 + table.pyj2))
    assert (rebuilt["deltaphijj"].between(0, np.pi)).all()


def test_observable_names_add_only_what_the_features_allow():
    assert observable_names(FEATURES) == FEATURES + DERIVED
    assert observable_names(["ptj1", "mj1"]) == ["ptj1", "mj1"]
    assert observable_names(FEATURES + ["mjj"]) == FEATURES + ["mjj", "ptjj", "deltaetajj", "deltaphijj"]


def test_with_observables_keeps_the_features_and_appends_the_derived():
    table = jets(ptj1=1000, etaj1=0, mj1=10, ptj2=900, etaj2=1, mj2=20, dphijj=3, tau21j1=0.5, tau21j2=0.4, extra=1)
    out = with_observables(table, FEATURES)
    assert list(out.columns) == FEATURES + DERIVED
