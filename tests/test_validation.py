"""validate() on toy events: the report's structure, the floor, and the time one model takes."""

import json
import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from helpers import FAST, FEATURES, SELECTION, LinearAutoEncoder, toy_events

from dijetgen.columns import observable_names
from dijetgen.errors import InputError
from dijetgen.latent import latent_projection, latent_traversal, latent_use
from dijetgen.validation import ValidationSettings, json_safe, outside_selection, summary_row, validate

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def good_and_bad():
    train, test = toy_events(3000, 1), toy_events(1500, 2)
    good = validate(toy_events(1500, 3), train, test, FEATURES, FAST, seed=0, selection=SELECTION)
    bad = validate(toy_events(1500, 4, mass_scale=1.3), train, test, FEATURES, FAST, seed=0)
    return good, bad


def test_every_observable_has_each_distance_with_its_floor(good_and_bad):
    good, _ = good_and_bad
    assert list(good["observables"]) == observable_names(FEATURES)
    for distances in good["observables"].values():
        assert set(distances) == {"w1", "ks", "chi2_ndf"}
        assert set(distances["w1"]) == {"generated", "floor", "ratio"}
        assert set(distances["w1"]["ratio"]) == {"value", "error"}
    assert good["events"] == {"generated": 1500, "train": 1500, "test": 1500}


def test_a_sample_of_the_data_distribution_sits_at_the_floor(good_and_bad):
    good, _ = good_and_bad
    row = summary_row("good", good)
    assert 0.5 < row["median_w1_ratio"] < 2.0
    assert row["classifier_auc"] == pytest.approx(0.5, abs=0.05)
    # Both FPDs estimate 0; with FAST's 3 bootstrap replicates and long-tailed toy features they scatter
    # by about 0.05 (and a mass scale of 1.3 gives 0.6).
    assert abs(row["fpd"] - row["fpd_floor"]) < 0.2


def test_wrong_masses_show_up_in_masses_not_in_angles(good_and_bad):
    _, bad = good_and_bad
    w1 = {name: distances["w1"]["ratio"]["value"] for name, distances in bad["observables"].items()}
    assert w1["mj1"] > 3 and w1["mj2"] > 3
    assert w1["etaj1"] < 3
    row = summary_row("bad", bad)
    assert row["worst_observable"] in ("mj1", "mj2")
    assert row["classifier_auc"] > 0.6 > row["classifier_auc_floor"]
    assert row["fpd"] > max(2 * row["fpd_error"], 5 * row["fpd_floor"], 0.3)


def test_outside_selection_of_a_hand_made_table():
    table = pd.DataFrame(
        {
            "ptj1": [1500.0, 1500.0, 1100.0, 1500.0, 1500.0, 1300.0],
            "etaj1": [0.0, 0.0, 0.0, 3.0, 3.0, 0.0],
            "ptj2": [1000.0, 1600.0, 1000.0, 1300.0, 1000.0, 1300.0],
            "etaj2": [0.0, 0.0, 0.0, 1.0, 1.0, 2.6],
        }
    )
    # In; j2 harder than j1; no jet above the cut; j1 forward but j2 hard and central (in); j1 forward and
    # j2 soft; equal pT (in).
    assert outside_selection(table, SELECTION) == pytest.approx(3 / 6)
    # Without eta columns only the order and the cut can be checked.
    assert outside_selection(table[["ptj1", "ptj2"]], SELECTION) == pytest.approx(2 / 6)
    assert math.isnan(outside_selection(table[["etaj1"]], SELECTION))


def test_outside_selection_is_reported_with_the_training_events_as_floor(good_and_bad):
    good, bad = good_and_bad
    row = summary_row("good", good)
    # The toy events' forward j1 with a soft j2 fail, in the generated and training events alike.
    assert 0 < row["outside_selection_floor"] < 0.05
    assert row["outside_selection"] == pytest.approx(row["outside_selection_floor"], abs=0.01)
    assert math.isnan(summary_row("bad", bad)["outside_selection"])  # validated without a selection


def test_correlation_difference_is_a_feature_matrix(good_and_bad):
    good, _ = good_and_bad
    difference = np.array(good["correlation"]["difference"])
    assert difference.shape == (len(FEATURES), len(FEATURES))
    assert good["correlation"]["features"] == FEATURES


def test_metrics_are_strict_json_after_json_safe(good_and_bad):
    good, _ = good_and_bad
    text = json.dumps(json_safe(good | {"odd": [math.nan, np.float64(math.inf), 1.5]}), allow_nan=False)
    assert json.loads(text)["odd"] == [None, None, 1.5]
    assert summary_row("good", json.loads(text))["median_w1_ratio"] > 0


def test_latent_traversal_moves_each_feature_with_its_dimension():
    traversal = latent_traversal(LinearAutoEncoder(), toy_events(1000, 1), steps=5)
    assert len(traversal) == 2 * 5
    first, second = (traversal[traversal["dim"] == dim] for dim in (0, 1))
    assert first["mj1"].is_monotonic_increasing and first["mj2"].nunique() == 1
    assert second["mj2"].is_monotonic_increasing and second["mj1"].nunique() == 1


def test_latent_projection_of_a_two_dimensional_code_is_the_code():
    background, signal = toy_events(300, 1), toy_events(50, 2, mass_scale=2)
    projected_background, projected_signal, names = latent_projection(LinearAutoEncoder(), background, signal)
    assert projected_background.shape == (300, 2) and projected_signal.shape == (50, 2)
    assert projected_background == pytest.approx(LinearAutoEncoder().encode(background))
    assert names == ["$z_0$", "$z_1$"]


def test_schema_defaults_are_the_settings_defaults():
    schema = yaml.safe_load((ROOT / "config.schema.yaml").read_text())
    properties = schema["properties"]["validation"]["properties"]
    assert {key: spec["default"] for key, spec in properties.items()} == asdict(ValidationSettings())


def test_too_few_events_for_the_settings_is_a_one_line_error():
    few = toy_events(3, 5)
    with pytest.raises(InputError, match=r"^validation: 3 generated and 3 test events: "):
        validate(few, few, few, FEATURES, FAST, seed=0)


def test_latent_use_counts_active_units_and_kl_per_dimension():
    rng = np.random.default_rng(0)
    n = 20000
    # Dimension 0 carries information (its mean moves with x, width 0.1^½); dimension 1 is the prior.
    mu = np.column_stack([rng.normal(size=n), np.zeros(n)])
    log_var = np.column_stack([np.full(n, np.log(0.1)), np.zeros(n)])
    use = latent_use(mu, log_var)
    assert use["active_units"] == 1 and use["latent_dim"] == 2
    # KL = ½(mu² + σ² - 1 - log σ²), averaged: ½(1 + 0.1 - 1 - log 0.1) = 1.201 nats
    assert use["kl_per_dim"] == pytest.approx([0.5 * (1.1 - 1 - np.log(0.1)), 0.0], abs=0.02)
    assert use["kl_total"] == pytest.approx(sum(use["kl_per_dim"]))


def test_summary_row_reports_latent_use_of_vaes_only(good_and_bad):
    good, _ = good_and_bad
    assert math.isnan(summary_row("flow", good)["active_units"])
    latent = {"kl_per_dim": [0.0, 0.5], "kl_total": 0.5, "active_units": 1, "latent_dim": 2}
    row = summary_row("vae", good | {"latent": latent})
    assert row["active_units"] == 1 and row["kl_per_dim"] == 0.25
