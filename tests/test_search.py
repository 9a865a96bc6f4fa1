"""The resonant search: mass-ordered features, injection, regions, folds, k-fold classifiers, SIC floor, ANODE,
config."""

import copy
import json

import numpy as np
import pandas as pd
import pytest
from conftest import snakemake
from scipy.stats import norm
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import KNeighborsClassifier

from dijetgen.anomaly import roc_curve, roc_summary
from dijetgen.bumphunt import bump_hunt
from dijetgen.config import check_config
from dijetgen.crossfit import Ensemble, cross_fit
from dijetgen.errors import InputError
from dijetgen.metrics.classifier import auc_error
from dijetgen.search import (
    DATA,
    SIGNAL_REGION,
    anode_score,
    assign_folds,
    idealized_part,
    inject_signal,
    mass_ordered_columns,
    region,
    sample_condition,
    sample_template,
    search_events,
    train_density,
    train_reference_density,
)
from dijetgen.search_results import outside_support, outside_support_if_exact

CLASSIFIER = {"folds": 5, "ensemble": 2, "max_iter": 50, "learning_rate": 0.1, "max_leaf_nodes": 15}
SETTINGS = {"condition": "mjj", "signal_region": [3300.0, 3700.0], "sidebands": None, "classifier": CLASSIFIER}


def events(n: int, sample: str, label: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "sample": sample,
            "event": np.arange(n),
            "label": label,
            "mj1": rng.uniform(20, 600, n),
            "mj2": rng.uniform(20, 600, n),
            "tau21j1": rng.uniform(0, 1, n),
            "tau21j2": rng.uniform(0, 1, n),
            "mjj": rng.uniform(2500, 4500, n),
        }
    )


def test_mass_ordering_puts_the_lighter_jet_first_whatever_the_pt_order():
    table = mass_ordered_columns(events(1000, "qcd", 0, 1))
    lighter_first = table["mj1"] <= table["mj2"]
    assert (table["mjlight"] == np.minimum(table["mj1"], table["mj2"])).all()
    assert (table["deltamj"] == np.abs(table["mj1"] - table["mj2"])).all()
    assert (table["tau21jlight"] == table["tau21j1"].where(lighter_first, table["tau21j2"])).all()
    assert (table["tau21jheavy"] == table["tau21j2"].where(lighter_first, table["tau21j1"])).all()
    assert lighter_first.any() and (~lighter_first).any()


def test_injection_is_seeded_and_counts_are_right():
    background, signal = events(500, "qcd", 0, 1), events(200, "wprime", 1, 2)
    data, spare = inject_signal(background, signal, 30, seed=3)
    assert (data["label"] == 1).sum() == 30 and (data["label"] == 0).sum() == 500
    assert len(spare) == 170 and not set(spare["event"]) & set(data.loc[data["label"] == 1, "event"])
    again, _ = inject_signal(background, signal, 30, seed=3)
    other, _ = inject_signal(background, signal, 30, seed=4)
    assert again.equals(data)
    assert set(other.loc[other["label"] == 1, "event"]) != set(data.loc[data["label"] == 1, "event"])
    assert (inject_signal(background, signal, 0, seed=3)[0]["label"] == 0).all()
    with pytest.raises(InputError, match="search.inject: 201 signal events"):
        inject_signal(background, signal, 201, seed=3)


def test_regions_and_bounded_sidebands():
    mjj = pd.Series([3000.0, 3300.0, 3699.0, 3700.0, 5000.0])
    assert region(mjj, [3300, 3700], None).tolist() == ["SB", "SR", "SR", "SB", "SB"]
    assert region(mjj, [3300, 3700], [3100, 4000]).tolist() == ["outside", "SR", "SR", "SB", "outside"]


def test_search_events_keep_data_of_both_regions_and_spare_signal_of_the_sr_only():
    data, spare = inject_signal(events(800, "qcd", 0, 1), events(300, "wprime", 1, 2), 50, seed=3)
    table = search_events(data, spare, SETTINGS, seed=1)
    assert set(table.loc[table["role"] == "spare_signal", "region"]) == {"SR"}
    assert len(table[table["role"] == "data"]) == len(data)
    assert set(table["fold"]) == set(range(CLASSIFIER["folds"]))


def test_an_event_keeps_its_fold_in_every_table():
    table = events(5000, "qcd", 0, 1)
    folds = assign_folds(table, 5, seed=9)
    subset = table.iloc[::7]
    assert (assign_folds(subset, 5, seed=9) == folds[::7]).all()
    assert np.bincount(folds, minlength=5) == pytest.approx(np.full(5, 1000), rel=0.1)
    assert (assign_folds(table, 5, seed=10) != folds).mean() > 0.5


def test_no_event_is_scored_by_a_classifier_that_saw_it():
    """A 1-nearest-neighbour classifier returns the label of an event it trained on exactly; on random labels
    its out-of-fold accuracy is that of a coin, and would be 1 if a fold classifier had seen its events."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(2000, 3)), rng.integers(0, 2, 2000)
    folds = assign_folds(pd.DataFrame({"sample": "toy", "event": np.arange(2000)}), 5, seed=1)

    train_scores, eval_scores = cross_fit(
        x, y, folds, x, folds, CLASSIFIER, seed=1, make_classifier=lambda settings, seed: NearestNeighbour(1)
    )
    assert np.mean((train_scores > 0.5) == y) == pytest.approx(0.5, abs=0.05)
    assert (eval_scores == train_scores).all()  # an event's fold is the same in both sets
    # The check can fail: a classifier that saw the events knows their labels.
    assert np.mean(NearestNeighbour(1).fit(x, y).predict(x) == y) == 1.0


class NearestNeighbour(KNeighborsClassifier):
    """1-NN takes no sample weights; it only drops the balancing weights cross_fit passes."""

    def fit(self, x, y, sample_weight=None):
        return super().fit(x, y)


def closure_auc(shift: float) -> tuple[float, float]:
    """Cross-validated AUC of data against a 4x oversampled template from the same density (shifted by `shift`)."""
    rng = np.random.default_rng(2)
    data, template = rng.normal(size=(3000, 4)), rng.normal(shift, 1.0, size=(12000, 4))
    x, y = np.concatenate([data, template]), np.repeat([1, 0], [3000, 12000])
    folds = rng.integers(0, 5, len(x))
    scores, _ = cross_fit(x, y, folds, x[:0], folds[:0], CLASSIFIER, seed=3)
    auc = roc_auc_score(y, scores)
    return auc, auc_error(auc, 12000, 3000)


def test_closure_an_exact_template_gives_auc_one_half_within_its_error():
    auc, error = closure_auc(0.0)
    assert abs(auc - 0.5) < 3 * error
    shifted, _ = closure_auc(0.15)
    assert shifted > 0.5 + 5 * error


def test_ensemble_averages_its_members():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(400, 2)), rng.integers(0, 2, 400)
    ensemble = Ensemble(CLASSIFIER | {"ensemble": 3}, seed=1).fit(x, y, np.ones(400))
    members = np.mean([member.predict_proba(x) for member in ensemble.members], axis=0)
    assert ensemble.predict_proba(x) == pytest.approx(members)
    assert len({member.random_state for member in ensemble.members}) == 3


def test_sic_floor_drops_points_with_too_few_background_events():
    rng = np.random.default_rng(5)
    curve = roc_curve(rng.normal(0, 1, 5000), rng.normal(2, 1, 500), min_background_events=50)
    passing = curve["eps_b"] * 5000
    assert curve.loc[passing < 50, "sic"].isna().all() and curve.loc[passing >= 50, "sic"].notna().all()
    assert roc_summary(curve)["eps_b_at_max_sic"] * 5000 >= 50


def test_condition_values_follow_the_data_inside_the_window():
    values = pd.Series(np.random.default_rng(6).normal(3500, 100, 2000))
    drawn = sample_condition(values, 8000, [3300, 3700], seed=1)
    assert len(drawn) == 8000 and drawn.min() >= 3300 and drawn.max() < 3700
    assert np.mean(drawn) == pytest.approx(3500, abs=10)
    assert (
        sample_condition(values, 10, [3300, 3700], seed=1) == sample_condition(values, 10, [3300, 3700], seed=1)
    ).all()


SEARCH_CONFIG = {
    "seed": 1,
    "shards": 1,
    "samples": {
        "qcd": {"source": "pythia", "process": "qcd", "events": 100},
        "wprime": {"source": "pythia", "process": "wprime", "events": 100},
        "qcd_sr": {"source": "pythia", "process": "qcd", "events": 10},
    },
    "train_on": ["qcd"],
    "features": ["mj1", "mj2"],
    "split": {"train": 0.6, "val": 0.2, "test": 0.2},
    "models": {},
    "search": {
        "background": "qcd",
        "signal": "wprime",
        "idealized": "qcd_sr",
        "inject": [0, 50],
        "signal_region": [3300.0, 3700.0],
        "sidebands": None,
        "features": ["mjlight", "deltamj"],
        "condition": "mjj",
        "density": {"kind": "flow"},
    },
}


@pytest.mark.parametrize(
    "change, message",
    [
        ({"search": {"idealized": "nope"}}, "search.idealized: nope is not under samples:"),
        ({"search": {"idealized": "qcd"}}, "search.idealized: qcd is the data's own background; set"),
        ({"search": {"idealized_fraction": 0.5}}, "search.idealized_fraction: only when search.idealized is"),
        (
            {"samples": {"qcd_sr": {"source": "pythia", "events": 10, "mhat_window": [3100.0, 3900.0]}}},
            "search.idealized: samples.qcd_sr.mhat_window is [3100.0, 3900.0] but the background's",
        ),
        (
            {"samples": {"qcd_sr": {"source": "pythia", "events": 10, "pthat_min": 1000.0}}},
            "search.idealized: samples.qcd_sr.pthat_min is 1000.0 but the background's (samples.qcd.pthat_min)",
        ),
        ({"search": {"signal": "qcd"}}, "search.signal: sample qcd is labelled background"),
        (
            {"search": {"bumphunt": {"methods": ["template", "mj1cut"]}}},
            "search.bumphunt.methods: mj1cut is not a trained method",
        ),
        ({"search": {"features": ["mjlight", "foo"]}}, "search.features: no column(s) foo"),
        ({"search": {"condition": "mjlight"}}, "search.condition: mjlight must be a feature-table column"),
        ({"search": {"signal_region": [3700.0, 3300.0]}}, "search.signal_region: [3700.0, 3300.0] is not"),
        ({"search": {"sidebands": [3400.0, 4000.0]}}, "search.sidebands: [3400.0, 4000.0] must enclose"),
        ({"search": {"inject": [0, 500]}}, "search.inject: 500 signal events, but samples.wprime has 100"),
        ({"search": {"density": {"kind": "flow", "condition": ["mjj"]}}}, "search.density.condition: the density"),
        ({"search": {"density": {"kind": "flow", "beta": 2.0}}}, "search.density.beta: not a hyperparameter"),
        ({"models": {"template": {"kind": "flow"}}}, "models.template: the name is reserved"),
        (
            {
                "samples": {
                    "wprime": {"source": "pythia", "process": "wprime", "events": 100, "mhat_window": [1.0, 2.0]}
                }
            },
            "samples.wprime.mhat_window: only for pythia",
        ),
        (
            {"samples": {"qcd_sr": {"source": "pythia", "events": 10, "mhat_window": [4.0, 2.0]}}},
            "samples.qcd_sr.mhat_window: [4.0, 2.0] is not [low, high]",
        ),
    ],
)
def test_search_config_mistakes_name_the_key(change, message):
    config = copy.deepcopy(SEARCH_CONFIG)
    for key, value in change.items():
        config[key] |= value
    with pytest.raises(InputError) as err:
        check_config(config)
    assert message in str(err.value)


def test_a_complete_search_config_passes():
    check_config(copy.deepcopy(SEARCH_CONFIG))


TINY_MODEL = {"epochs": 3, "batch_size": 64, "hidden": [16], "patience": 5}
TINY_SEARCH = {
    "seed": 3,
    "shards": 2,
    "samples": {
        # Data only around the signal region, so a few hundred events fill both regions.
        "qcd": {"source": "pythia", "process": "qcd", "events": 400, "mhat_window": [2900.0, 4300.0]},
        "wprime": {"source": "pythia", "process": "wprime", "events": 100, "shards": 1},
        # The idealized reference: generated exactly like the data's background, with another seed.
        "qcd_sr": {"source": "pythia", "process": "qcd", "events": 400, "mhat_window": [2900.0, 4300.0]},
    },
    "models": {"flow": {"kind": "flow", "transforms": 1, "bins": 4} | TINY_MODEL},
    "anomaly": {"signal": "wprime"},
    "search": {
        "inject": [0, 20],
        "repeats": 2,
        "sidebands": [3000.0, 4200.0],
        "bumphunt": {"efficiencies": [0.5, 0.2], "bins": 12},
        # Two sideband densities per repeat make each template (the replica path of the rules).
        "density": {"kind": "flow", "transforms": 1, "bins": 4, "replicas": 2} | TINY_MODEL,
        "oversampling": 2,
        "classifier": {"folds": 2, "ensemble": 1, "max_iter": 20},
        "min_background_events": 10,
    },
}
# Only the search and what it needs: validation, anomaly detection and the paper have tests of their own.
TARGETS = ["search_summary", "search_bumphunt"]


@pytest.fixture(scope="module")
def search_run(tmp_path_factory):
    """The whole tiny search."""
    workdir = tmp_path_factory.mktemp("search")
    result = snakemake(workdir, TINY_SEARCH, *TARGETS)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir, TARGETS


@pytest.mark.slow
def test_search_steps_are_cached(search_run):
    workdir, targets = search_run
    assert (workdir / "results/search/inject_20/repeat1/density_SB/replica1/model.pt").exists()
    result = snakemake(workdir, TINY_SEARCH, *targets, "--dry-run")
    assert result.returncode == 0 and "Nothing to be done" in result.stdout + result.stderr


@pytest.mark.slow
def test_closure_at_inject_zero_against_the_idealized_sample(search_run):
    """Data against an independent background sample (an exact template) cannot be told apart."""
    workdir, _ = search_run
    closure = json.loads((workdir / "results/search/inject_0/repeat0/scores/idealized.json").read_text())
    assert abs(closure["cross_validated_auc"] - 0.5) < 3 * closure["auc_error"]


@pytest.mark.slow
def test_closure_floor_is_the_reference_density_against_the_data_drawn_as_the_template(search_run):
    """The floor's classifiers see the same SR data and as many learnt events as the template's; its densities
    learnt the idealized reference's SR (its replicas too), and the first injection's data is its target."""
    workdir, _ = search_run
    search = workdir / "results/search"
    for repeat in (0, 1):
        floor = json.loads((search / f"inject_0/repeat{repeat}/closure_floor.json").read_text())
        template = json.loads((search / f"inject_0/repeat{repeat}/scores/template.json").read_text())
        assert floor["class_1_events"] == template["class_1_events"]
        assert floor["class_0_events"] == template["class_0_events"] == 2 * floor["class_1_events"]  # oversampling
        assert (search / f"repeat{repeat}/density_reference/replica1/model.pt").exists()
    assert not list(search.glob("inject_20/repeat*/closure_floor.json"))


@pytest.mark.slow
def test_every_search_event_gets_an_out_of_fold_score(search_run):
    workdir, _ = search_run
    events = pd.read_parquet(workdir / "results/search/inject_20/events.parquet")
    assert 0 < (events.loc[events["role"] == "data", "label"] == 1).sum() <= 20  # the rest fell outside the sidebands
    for method in ("repeat1/scores/idealized", "repeat0/scores/cwola", "repeat1/scores/anode", "scores/mj1_cut"):
        scores = pd.read_parquet(workdir / f"results/search/inject_20/{method}.parquet")["score"]
        assert len(scores) == len(events) and scores.notna().all()
    flow = pd.read_parquet(workdir / "results/search/inject_20/scores/flow.parquet")["score"]
    assert flow.isna().any() and flow.notna().any()  # its training events are left out


@pytest.mark.slow
def test_search_summary_has_every_method_and_injection(search_run):
    workdir, _ = search_run
    summary = pd.read_csv(workdir / "results/search/summary.csv")
    methods = {"template", "idealized", "supervised", "cwola", "anode", "mj1_cut", "flow"}
    assert set(summary["method"]) == methods and set(summary["inject"]) == {0, 20}
    assert (summary["repeats"] == 2).all()
    required = ["s_over_b", "max_sic", "max_sic_q16", "max_sic_q84", "auc", "closure_auc", "closure_auc_q16"]
    assert set(required) <= set(summary.columns)
    template = summary[(summary["method"] == "template") & (summary["inject"] == 0)].iloc[0]
    assert 0.3 < template["closure_auc"] < 0.7 and template["closure_auc_q16"] <= template["closure_auc_q84"]
    # The closure floor: the template's row of the first injection only.
    assert 0.3 < template["closure_floor"] < 0.7 and template["closure_floor_q16"] <= template["closure_floor_q84"]
    assert summary["closure_floor"].notna().sum() == 1
    assert 0.0 <= template["template_outside_support"] <= 1.0  # measured at scale: BENCHMARKS.md
    assert 0.0 < template["template_outside_support_if_exact"] < 1.0
    repeats = pd.read_csv(workdir / "results/search/repeats.csv")
    assert set(repeats["repeat"]) == {0, 1} and len(repeats) == 2 * len(summary)
    names = ["max_sic", "max_sic_significance", "sic_eps_b", "sculpting", "roc_inject20", "sic_inject20"]
    for name in names + ["bumphunt_inject0", "bumphunt_inject20"]:
        assert (workdir / f"results/search/figures/{name}.pdf").stat().st_size > 0


@pytest.mark.slow
def test_bump_hunt_gives_a_significance_per_method_injection_repeat_and_working_point(search_run):
    workdir, _ = search_run
    table = pd.read_csv(workdir / "results/search/bumphunt.csv")
    # The template, and the idealized classifier as the control of what the cuts and the fit sculpt.
    assert table["method"].unique().tolist() == ["template", "idealized"]
    assert len(table) == 2 * 2 * 2 * 2  # methods x injections x repeats x working points
    assert table["significance"].notna().all() and (table["predicted"] > 0).all()
    keys = ["method", "inject", "repeat"]
    assert (table.groupby(keys)["selected"].apply(lambda s: s.is_monotonic_decreasing)).all()
    # The idealized rows are the bump hunt of the idealized classifier's own scores.
    events = pd.read_parquet(workdir / "results/search/inject_20/events.parquet")
    data = (events["role"] == DATA).to_numpy()
    scores = pd.read_parquet(workdir / "results/search/inject_20/repeat1/scores/idealized.parquet")["score"]
    settings = TINY_SEARCH["search"]
    expected = bump_hunt(
        events["mjj"].to_numpy()[data],
        scores.to_numpy()[data],
        settings["bumphunt"]["efficiencies"],
        [3300.0, 3700.0],
        settings["sidebands"],
        settings["bumphunt"]["bins"],
    )
    rows = table[(table["method"] == "idealized") & (table["inject"] == 20) & (table["repeat"] == 1)]
    for column in ("threshold", "observed", "predicted", "significance"):
        assert rows[column].to_numpy() == pytest.approx(expected[column].to_numpy())


def test_anode_score_is_the_log_density_ratio_of_two_known_gaussians():
    # SR density N(1, 1), sideband density N(0, 1): log R = x - 1/2, Neyman-Pearson's optimal ranking, whose
    # AUC on samples of the two is Phi(1 / sqrt 2)
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(1.0, 1.0, 20000), rng.normal(0.0, 1.0, 20000)])
    score = anode_score(norm.logpdf(x, 1.0), norm.logpdf(x, 0.0))
    np.testing.assert_allclose(score, x - 0.5)
    assert roc_auc_score(np.repeat([1, 0], 20000), score) == pytest.approx(norm.cdf(1 / np.sqrt(2)), abs=0.01)
    with pytest.raises(InputError, match="anode: "):
        anode_score(np.zeros(3), np.zeros(2))


def test_an_idealized_part_carved_from_the_background_is_disjoint_and_seeded():
    config = copy.deepcopy(SEARCH_CONFIG)
    config["search"] |= {"idealized": "qcd", "idealized_fraction": 0.6}
    check_config(config)
    table = events(20000, "qcd", 0, 1)
    part = idealized_part(table, 0.6, seed=3)
    assert abs(part.mean() - 0.6) < 0.02
    assert (part == idealized_part(table.iloc[::-1], 0.6, seed=3)[::-1]).all()  # by event, not by row
    assert (part != idealized_part(table, 0.6, seed=4)).any()


def test_a_template_from_the_datas_own_distribution_lies_outside_its_range_as_predicted():
    # A larger sample passes the ends of a smaller one's range: with n data events and F features, about
    # 2F/(n + 1) of an exact template lies outside, which is the yardstick summary.csv prints beside it.
    features, n_data, n_template = ["a", "b", "c", "d"], 2000, 8000
    fractions = []
    for seed in range(40):
        rng = np.random.default_rng(seed)
        data = pd.DataFrame(rng.normal(size=(n_data, 4)), columns=features)
        template = pd.DataFrame(rng.normal(size=(n_template, 4)), columns=features)
        fractions.append(outside_support(template, data, features))
    expected = outside_support_if_exact(n_data, len(features))
    assert expected == pytest.approx(8 / 2001)
    assert np.mean(fractions) == pytest.approx(expected, rel=0.2)


def test_a_template_from_several_densities_draws_from_each_equally_often(tmp_path):
    # Two densities trained on sidebands 100 GeV apart in mj1: the template is their even mixture, and each
    # event keeps the SR mjj value it was drawn at.
    density = {"kind": "flow", "transforms": 1, "bins": 4, "epochs": 3, "batch_size": 64, "hidden": [8], "patience": 3}
    settings = SETTINGS | {"features": ["mj1"], "density": density, "oversampling": 2, "sidebands": [3000, 4200]}
    rng = np.random.default_rng(0)
    tables = []
    for shift in (0.0, 100.0):
        table = events(600, "qcd", 0, seed=int(shift)).assign(role=DATA)
        table["mjj"] = rng.uniform(3000, 4200, len(table))
        table["mj1"] = rng.normal(200 + shift, 5, len(table))
        tables.append(table.assign(region=region(table["mjj"], settings["signal_region"], settings["sidebands"])))
    models = [train_density(table, settings, tmp_path / str(i), "cpu", seed=i) for i, table in enumerate(tables)]
    template = sample_template(models, tables[0], settings, seed=5)
    n_sr = (tables[0]["region"] == SIGNAL_REGION).sum()
    assert len(template) == 2 * n_sr and template["mjj"].between(3300, 3700).all()
    assert (template["mj1"] > 250).mean() == pytest.approx(0.5, abs=1 / len(template))
    assert template.equals(sample_template(models, tables[0], settings, seed=5))  # seeded


def test_the_reference_density_learns_the_reference_not_the_data(tmp_path):
    # The floor's density trains on the idealized reference's SR table (no region or role columns) and is
    # sampled at the data's SR mjj: its events must look like the reference (mj1 near 300), not the data (200).
    density = {"kind": "flow", "transforms": 1, "bins": 4, "epochs": 5, "batch_size": 64, "hidden": [8], "patience": 5}
    settings = SETTINGS | {"features": ["mj1"], "density": density, "oversampling": 2, "sidebands": [3000, 4200]}
    rng = np.random.default_rng(1)
    data = events(600, "qcd", 0, seed=1).assign(role=DATA)
    data["mjj"], data["mj1"] = rng.uniform(3000, 4200, len(data)), rng.normal(200, 5, len(data))
    data = data.assign(region=region(data["mjj"], settings["signal_region"], settings["sidebands"]))
    reference = events(400, "qcd_sr", 0, seed=2)
    reference["mjj"], reference["mj1"] = rng.uniform(3300, 3700, len(reference)), rng.normal(300, 5, len(reference))
    model = train_reference_density(reference, settings, tmp_path, "cpu", seed=3)
    learnt = sample_template([model], data, settings, seed=4)
    assert len(learnt) == 2 * (data["region"] == SIGNAL_REGION).sum()
    assert 280 < learnt["mj1"].median() < 320
