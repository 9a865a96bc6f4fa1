import json

import numpy as np
import pandas as pd
import pytest

from dijetgen.errors import InputError
from dijetgen.preprocessing import FeatureTransform, is_log_feature, require_columns

FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]


def physical_table(n=500, seed=0):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "ptj1": 1200 + rng.exponential(300, n),
            "etaj1": rng.normal(0, 1, n),
            "mj1": np.concatenate([[0.0], rng.lognormal(4.5, 0.6, n - 1)]),  # a massless jet is allowed
            "ptj2": 1000 + rng.exponential(300, n),
            "etaj2": rng.normal(0, 1, n),
            "dphijj": rng.uniform(0, 2 * np.pi, n),
            "mj2": rng.lognormal(4, 0.6, n),
            "tau21j1": rng.beta(5, 3, n),
            "tau21j2": rng.beta(5, 3, n),
        }
    )


def test_log_for_momenta_and_masses_only():
    names = ["ptj1", "mj2", "mjj", "etaj1", "phij1", "dphijj", "tau21j1"]
    assert [name for name in names if is_log_feature(name)] == ["ptj1", "mj2", "mjj"]


def test_forward_standardises_and_inverse_round_trips():
    table = physical_table()
    transform = FeatureTransform.fit(table, FEATURES)
    z = transform.forward(table)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(z.std(axis=0), 1, rtol=1e-12)
    np.testing.assert_allclose(transform.inverse(z).to_numpy(), table[FEATURES].to_numpy(), rtol=1e-6, atol=1e-9)
    assert list(transform.inverse(z).columns) == FEATURES


def test_state_survives_json():
    table = physical_table()
    transform = FeatureTransform.fit(table, FEATURES)
    again = FeatureTransform.from_dict(json.loads(json.dumps(transform.to_dict())))
    np.testing.assert_array_equal(again.forward(table), transform.forward(table))


def test_generated_negative_masses_are_clipped_to_zero():
    transform = FeatureTransform.fit(physical_table(), FEATURES)
    assert (transform.inverse(np.full((3, len(FEATURES)), -50.0))[["ptj1", "mj1"]] == 0).all().all()


@pytest.mark.parametrize(
    "column, value, named",
    [("mj1", -1.0, "mj1"), ("etaj2", np.nan, "etaj2"), ("tau21j2", 0.5, "constant")],
)
def test_bad_columns_are_named(column, value, named):
    table = physical_table()
    table.loc[:, column] = value if named == "constant" else table[column]
    table.loc[3, column] = value
    with pytest.raises(InputError, match=named):
        FeatureTransform.fit(table, FEATURES)


def test_require_columns_names_source_and_column():
    with pytest.raises(InputError, match=r"train\.parquet: no column\(s\) mjj"):
        require_columns(physical_table(), FEATURES + ["mjj"], "train.parquet")
    with pytest.raises(InputError, match="no events"):
        require_columns(physical_table().iloc[:0], FEATURES, "train.parquet")


def test_log_jacobian_matches_finite_differences():
    rng = np.random.default_rng(4)
    table = pd.DataFrame({"mj1": rng.exponential(80, 200), "etaj1": rng.normal(0, 1.5, 200)})
    transform = FeatureTransform.fit(table, ["mj1", "etaj1"])
    step = 1e-4
    # The transform acts column by column, so its Jacobian is diagonal: the product of the slopes.
    slopes = [
        (transform.forward(table.assign(**{c: table[c] + step})) - transform.forward(table))[:, i] / step
        for i, c in enumerate(["mj1", "etaj1"])
    ]
    expected = np.log(np.abs(slopes[0] * slopes[1]))
    np.testing.assert_allclose(transform.log_abs_det_jacobian(table), expected, atol=1e-4)
