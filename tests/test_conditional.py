"""Conditional models: every kind learns p(features | condition) and samples at given condition values."""

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, TINY, snakemake
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from dijetgen.columns import MODEL_COLUMNS
from dijetgen.errors import InputError
from dijetgen.hyperparameters import check_condition
from dijetgen.models import MODELS, build_model, load_model

FEATURES = ["etaj1", "tau21j1"]
CONDITIONAL = {
    "ae": {"latent_dim": 2, "gmm_components": 2},
    "vae": {"latent_dim": 2, "kl_warmup_epochs": 1},
    "gan": {"latent_dim": 2, "lr": 2e-3},
    "flow": {"transforms": 1},
    "cfm": {"solver": "rk4", "steps": 10},
}
COMMON = {"epochs": 10, "hidden": [32, 32], "batch_size": 64, "lr": 3e-3, "condition": ["mjj"]}


def shifting_toy(n: int, seed: int) -> pd.DataFrame:
    """etaj1's mean moves from -1.5 to +1.5 as mjj goes from 1.5 to 4.5 TeV; tau21j1 ignores mjj."""
    rng = np.random.default_rng(seed)
    mjj = rng.uniform(1500, 4500, n)
    return pd.DataFrame(
        {"etaj1": (mjj - 3000) / 1000 + 0.3 * rng.normal(size=n), "tau21j1": rng.beta(5, 3, n), "mjj": mjj}
    )


@pytest.fixture(scope="module", params=sorted(MODELS))
def conditional(request, tmp_path_factory):
    kind = request.param
    model = build_model(kind, FEATURES, COMMON | CONDITIONAL[kind], seed=1)
    model.fit(shifting_toy(1000, 0), shifting_toy(300, 1), tmp_path_factory.mktemp(kind), device="cpu")
    return model


def test_every_kind_reproduces_how_the_features_move_with_the_condition(conditional):
    low = conditional.sample(400, seed=1, condition=np.full(400, 2000.0))
    high = conditional.sample(400, seed=1, condition=np.full(400, 4000.0))
    assert (low["mjj"] == 2000.0).all() and (high["mjj"] == 4000.0).all()
    # Truth: etaj1 has mean -1 at 2 TeV and +1 at 4 TeV; tau21j1 the same mean 0.625 at both.
    assert low["etaj1"].mean() == pytest.approx(-1.0, abs=0.5)
    assert high["etaj1"].mean() == pytest.approx(1.0, abs=0.5)
    assert high["etaj1"].mean() - low["etaj1"].mean() == pytest.approx(2.0, abs=0.6)
    assert abs(high["tau21j1"].mean() - low["tau21j1"].mean()) < 0.15


def test_samples_follow_the_condition_table_row_by_row_or_resampled(conditional):
    table = shifting_toy(50, 2)
    events = conditional.sample(50, seed=3, condition=table)
    assert list(events.columns) == FEATURES + ["mjj"] and events.dtypes.eq(np.float64).all()
    np.testing.assert_array_equal(events["mjj"], table["mjj"])
    resampled = conditional.sample(120, seed=3, condition=table)
    assert len(resampled) == 120 and resampled["mjj"].isin(table["mjj"]).all()
    assert resampled.equals(conditional.sample(120, seed=3, condition=table))


def test_conditional_save_load_round_trip(conditional, tmp_path):
    conditional.save(tmp_path / "model.pt")
    again = load_model(tmp_path / "model.pt", features=FEATURES)
    assert again.condition == ["mjj"]
    table = shifting_toy(30, 4)
    assert again.sample(30, seed=2, condition=table).equals(conditional.sample(30, seed=2, condition=table))
    np.testing.assert_array_equal(again.score(table), conditional.score(table))


def test_score_needs_the_condition_columns(conditional):
    assert np.isfinite(conditional.score(shifting_toy(20, 5))).all()
    with pytest.raises(InputError, match="condition: the table has no column.* mjj"):
        conditional.score(shifting_toy(20, 5).drop(columns="mjj"))


def test_sampling_without_or_with_a_wrong_condition_is_an_input_error(conditional):
    with pytest.raises(InputError, match="needs values of mjj"):
        conditional.sample(10, seed=0)
    with pytest.raises(InputError, match="2 columns given for mjj"):
        conditional.sample(10, seed=0, condition=np.ones((10, 2)))
    with pytest.raises(InputError, match="values of mjj must be finite"):
        conditional.sample(2, seed=0, condition=np.array([1000.0, -5.0]))
    with pytest.raises(InputError, match="condition table has no column.* mjj"):
        conditional.sample(10, seed=0, condition=pd.DataFrame({"mj1": [1.0]}))


def test_latent_models_decode_at_a_typical_condition_without_one(conditional):
    if conditional.kind not in ("ae", "vae"):
        pytest.skip("no latent code")
    codes = conditional.encode(shifting_toy(10, 6))
    assert list(conditional.decode(codes).columns) == FEATURES
    assert not conditional.decode(codes, condition=np.full(10, 4000.0)).equals(conditional.decode(codes))


def test_unconditional_model_rejects_a_condition(tmp_path):
    model = build_model("flow", FEATURES, {"epochs": 1, "transforms": 1, "hidden": [8]}, seed=0)
    model.fit(shifting_toy(200, 0), shifting_toy(50, 1), tmp_path, device="cpu")
    with pytest.raises(InputError, match="not conditional"):
        model.sample(5, seed=0, condition=np.ones(5))


def test_condition_that_is_a_feature_or_absent_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="condition: etaj1 also among the features"):
        build_model("cfm", FEATURES, {"condition": ["etaj1"]}, seed=0)
    model = build_model("cfm", FEATURES, {"condition": ["mjj"]}, seed=0)
    with pytest.raises(InputError, match="condition: the train has no column.* mjj"):
        model.fit(shifting_toy(50, 0).drop(columns="mjj"), shifting_toy(20, 1), tmp_path, device="cpu")


def test_config_condition_check_names_the_key():
    check_condition("flow", {"condition": ["mjj"]}, FEATURES, MODEL_COLUMNS)
    with pytest.raises(InputError, match=r"^models.flow.condition: mass not a feature-table column$"):
        check_condition("flow", {"condition": ["mass"]}, FEATURES, MODEL_COLUMNS)
    with pytest.raises(InputError, match=r"^models.flow.condition: etaj1 also among the features"):
        check_condition("flow", {"condition": ["etaj1"]}, FEATURES, MODEL_COLUMNS)
    schema = str(ROOT / "config.schema.yaml")
    base = {"samples": {"qcd": {"source": "pythia", "events": 10}}}
    with pytest.raises(WorkflowError, match="'mjj' is not of type 'array'"):
        validate(base | {"models": {"flow": {"kind": "flow", "condition": "mjj"}}}, schema)
    with pytest.raises(WorkflowError, match="'hidden' was unexpected"):
        validate(base | {"models": {"flow": {"kind": "flow", "cuda": {"hidden": [8]}}}}, schema)


@pytest.mark.slow
def test_workflow_stops_before_any_job_on_a_bad_condition(tmp_path):
    config = TINY | {"models": {"flow": TINY["models"]["flow"] | {"condition": ["etaj1"]}}}
    result = snakemake(tmp_path, config, "--dry-run")
    assert result.returncode != 0
    assert "models.flow.condition: etaj1 also among the features" in result.stdout + result.stderr


@pytest.mark.slow
def test_workflow_samples_a_conditional_model_at_the_test_splits_values(tiny_run):
    test = pd.read_parquet(tiny_run / "results/splits/test.parquet")
    events = pd.read_parquet(tiny_run / "results/samples/cfm.parquet")
    np.testing.assert_array_equal(events["mjj"], test["mjj"])
    assert (tiny_run / "results/anomaly/cfm/auc.json").exists()
