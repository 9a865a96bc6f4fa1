import json

import numpy as np
import pandas as pd
import pytest

from dijetgen.columns import BOUNDED, FRACTION_OF, LINEAR, POSITIVE, column_support
from dijetgen.errors import InputError
from dijetgen.preprocessing import MARGIN, FeatureTransform, require_columns

FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]


SELECTION = {"min_pt": 1200.0, "max_abs_eta": 2.5}


def physical_table(n=500, seed=0, massless=False):
    rng = np.random.default_rng(seed)
    ptj1 = 1200 + rng.exponential(300, n)
    table = pd.DataFrame(
        {
            "ptj1": ptj1,
            "etaj1": rng.normal(0, 1, n),
            "mj1": rng.lognormal(4.5, 0.6, n),
            "ptj2": ptj1 * rng.uniform(0.5, 1.0, n),
            "etaj2": rng.normal(0, 1, n),
            "dphijj": rng.uniform(0, 2 * np.pi, n),
            "mj2": rng.lognormal(4, 0.6, n),
            "tau21j1": rng.beta(5, 3, n),
            "tau21j2": 1.2 * rng.beta(5, 3, n),  # exclusive-kT axes let tau2 exceed tau1
        }
    )
    if massless:
        table.loc[0, "mj1"] = 0.0  # a massless jet: on the physical bound
    return table


def test_each_column_is_bounded_by_what_it_is():
    assert column_support("mj1") == (POSITIVE, 0.0, None)
    # The search's mass features are bounded by their training range, as CATHODE's every feature.
    assert column_support("deltamj") == column_support("mjlight") == (BOUNDED, 0.0, None)
    assert column_support("ptj1") == (POSITIVE, 0.0, None)
    assert column_support("ptj1", SELECTION) == (POSITIVE, 1200.0, None)
    assert column_support("tau21jlight") == column_support("tau32j2") == (BOUNDED, 0.0, None)
    assert column_support("etaj1") == column_support("dphijj") == column_support("pxj1") == (LINEAR, None, None)
    assert FRACTION_OF == {"ptj2": "ptj1"}


def test_forward_standardises_and_inverse_round_trips():
    table = physical_table()
    transform = FeatureTransform.fit(table, FEATURES, SELECTION)
    z = transform.forward(table)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(transform.inverse(z).to_numpy(), table[FEATURES].to_numpy(), rtol=1e-10)
    assert list(transform.inverse(z).columns) == FEATURES


def test_generated_values_stay_inside_the_support_and_the_selection():
    table = physical_table()
    transform = FeatureTransform.fit(table, FEATURES, SELECTION)
    # Far wider than any model's samples: the inverse maps the whole real line inside the support.
    events = transform.inverse(np.random.default_rng(1).normal(0, 5, (20000, len(FEATURES))))
    assert (events["ptj1"] > SELECTION["min_pt"]).all() and (events["ptj2"] <= events["ptj1"]).all()
    assert (events["ptj2"] > 0).all() and (events[["mj1", "mj2"]] > 0).all().all()
    for name in ("tau21j1", "tau21j2"):
        low, high = table[name].min(), table[name].max()
        margin = MARGIN * (high - low)
        assert events[name].between(max(low - margin, 0), high + margin).all()
    # Within the range models sample, forward undoes inverse exactly.
    z = np.random.default_rng(2).normal(0, 1, (20000, len(FEATURES)))
    np.testing.assert_allclose(transform.forward(transform.inverse(z)), z, rtol=0, atol=1e-9)


def test_a_value_on_or_beyond_a_bound_maps_to_a_finite_point():
    table = physical_table(massless=True)
    transform = FeatureTransform.fit(table, FEATURES, SELECTION)
    z = transform.forward(table)
    assert np.isfinite(z).all()
    back = transform.inverse(z)["mj1"]
    assert 0 < back[0] < 1e-6 and np.allclose(back[1:], table["mj1"][1:], rtol=1e-10)
    # A signal event scored by a background model may lie outside the fitted support.
    outside = table.iloc[:2].assign(tau21j1=[1e-3, 3.0], mj2=0.0)
    assert np.isfinite(transform.forward(outside)).all()
    assert np.isfinite(transform.log_abs_det_jacobian(outside)).all()
    # An unphysical value is no event at all: NaN, which sampling at a condition turns into an InputError.
    unphysical = transform.forward(table.iloc[:3].assign(tau21j1=[-0.5, 0.5, 0.5], mj2=[1.0, -1.0, 1.0]))
    assert np.isnan(unphysical[[0, 1], [7, 6]]).all() and np.isfinite(unphysical[2]).all()


def test_state_survives_json():
    table = physical_table()
    transform = FeatureTransform.fit(table, FEATURES, SELECTION)
    again = FeatureTransform.from_dict(json.loads(json.dumps(transform.to_dict(), allow_nan=False)))
    np.testing.assert_array_equal(again.forward(table), transform.forward(table))


def test_a_transform_saved_before_supports_is_refused():
    state = {"features": ["mj1"], "log": [True], "mean": [4.0], "std": [1.0]}
    with pytest.raises(InputError, match="older dijetgen.*retrain"):
        FeatureTransform.from_dict(state)


@pytest.mark.parametrize(
    "column, value, named",
    [("mj1", -1.0, "mj1"), ("etaj2", np.nan, "etaj2"), ("tau21j2", 0.5, "constant"), ("ptj2", 9e3, "ptj2")],
)
def test_bad_columns_are_named(column, value, named):
    table = physical_table()
    table.loc[:, column] = value if named == "constant" else table[column]
    table.loc[3, column] = value
    with pytest.raises(InputError, match=named):
        FeatureTransform.fit(table, FEATURES)


def test_training_events_below_the_jet_cut_name_the_selection():
    with pytest.raises(InputError, match=r"selection\.min_pt: column ptj1"):
        FeatureTransform.fit(physical_table(), FEATURES, {"min_pt": 1300.0, "max_abs_eta": 2.5})


def test_require_columns_names_source_and_column():
    with pytest.raises(InputError, match=r"train\.parquet: no column\(s\) mjj"):
        require_columns(physical_table(), FEATURES + ["mjj"], "train.parquet")
    with pytest.raises(InputError, match="no events"):
        require_columns(physical_table().iloc[:0], FEATURES, "train.parquet")


def test_log_jacobian_matches_finite_differences():
    transform = FeatureTransform.fit(physical_table(), FEATURES, SELECTION)
    table = physical_table().iloc[:40]
    # The full Jacobian by central differences: ptj2 enters as ptj2 / ptj1, so it is triangular, not diagonal.
    x = table[FEATURES].to_numpy()
    step = 1e-6 * np.abs(x).clip(1.0)
    columns = []
    for i in range(len(FEATURES)):
        up, down = x.copy(), x.copy()
        up[:, i] += step[:, i]
        down[:, i] -= step[:, i]
        forward = [transform.forward(pd.DataFrame(v, columns=FEATURES)) for v in (up, down)]
        columns.append((forward[0] - forward[1]) / (2 * step[:, [i]]))
    jacobian = np.stack(columns, axis=2)  # (event, z column, x column)
    expected = np.linalg.slogdet(jacobian)[1]
    np.testing.assert_allclose(transform.log_abs_det_jacobian(table), expected, atol=1e-4)
