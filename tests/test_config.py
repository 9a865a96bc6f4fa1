import copy
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from dijetgen.config import beta_scan_models, check_config, sample_settings, schema_error_message
from dijetgen.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = str(ROOT / "config.schema.yaml")

CONFIG = {
    "seed": 42,
    "shards": 4,
    "samples": {
        "qcd": {"source": "pythia", "events": 100},
        "signal": {"source": "pythia", "process": "wprime", "events": 10, "masses": {"wprime": 3000.0}},
        "lhco": {"source": "lhco", "path": "events_anomalydetection.h5"},
        "delphes": {"source": "root", "path": "d.root", "tree": "Delphes", "branches": {}},
        "hepmc": {"source": "hepmc", "path": "e.hepmc", "shards": 2, "seed": 5, "label": 1},
    },
}


def test_sample_settings_defaults():
    qcd = sample_settings(CONFIG, "qcd")
    assert qcd == {
        "source": "pythia",
        "events": 100,
        "shards": 4,
        "seed": qcd["seed"],
        "process": "qcd",
        "label": 0,
        "pthat_min": 700.0,
    }
    signal = sample_settings(CONFIG, "signal")
    assert signal["label"] == 1
    assert signal["masses"] == {"wprime": 3000.0, "x": 500.0, "y": 100.0}
    assert signal["wprime_window"] == 750.0
    assert "label" not in sample_settings(CONFIG, "lhco")  # the file carries its labels
    assert sample_settings(CONFIG, "delphes")["label"] == 0
    hepmc = sample_settings(CONFIG, "hepmc")
    assert (hepmc["shards"], hepmc["seed"], hepmc["label"]) == (2, 5, 1)  # explicit values win


def test_sample_seed_is_stable_distinct_and_independent_of_other_samples():
    seeds = {name: sample_settings(CONFIG, name)["seed"] for name in ("qcd", "signal", "lhco", "delphes")}
    assert len(set(seeds.values())) == len(seeds)
    assert all(0 <= s < 2**31 for s in seeds.values())
    assert seeds["qcd"] == sample_settings(copy.deepcopy(CONFIG), "qcd")["seed"]
    renamed = copy.deepcopy(CONFIG)
    renamed["samples"]["signal_v2"] = renamed["samples"].pop("signal")
    assert sample_settings(renamed, "qcd")["seed"] == seeds["qcd"]
    assert sample_settings(CONFIG | {"seed": 43}, "qcd")["seed"] != seeds["qcd"]


def test_sample_settings_leaves_the_config_alone():
    config = copy.deepcopy(CONFIG)
    for name in config["samples"]:
        sample_settings(config, name)
    assert config == CONFIG


def test_shipped_config_is_valid():
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    validate(config, SCHEMA)
    for name in config["samples"]:
        assert sample_settings(config, name)["shards"] >= 1


def test_good_config_gets_defaults():
    config = {"samples": {"qcd": {"source": "pythia", "events": 10}}, "clustering": {"R": 0.4}}
    validate(config, SCHEMA)
    # R0, the N-subjettiness normalisation, stays at the LHCO-v2 value whatever R is.
    assert config["clustering"] == {"algorithm": "antikt", "R": 0.4, "min_jet_pt": 20.0, "beta": 1.0, "R0": 1.0}
    assert config["selection"] == {"min_pt": 1200.0, "max_abs_eta": 2.5}
    assert (config["seed"], config["shards"]) == (42, 4)
    bare = {"samples": {"qcd": {"source": "pythia", "events": 10}}}
    validate(bare, SCHEMA)
    assert bare["clustering"]["R"] == 1.0


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda c: c.update(sampels={}), "'sampels' was unexpected"),
        (lambda c: c["samples"]["qcd"].update(evnets=10), "'evnets' was unexpected"),
        (lambda c: c["samples"]["qcd"].update(events="many"), "'many' is not of type 'integer'"),
        (lambda c: c["samples"]["qcd"].update(source="delphes"), "'delphes' is not one of"),
        (lambda c: c["samples"]["qcd"].update(source="root", path="x.root"), "'tree' is a required property"),
        (
            lambda c: c["samples"].update(d={"source": "root", "path": "x.root", "tree": "Delphes"}),
            "is not valid under any of the given schemas",
        ),
        (
            lambda c: c["samples"].update(
                d={"source": "root", "path": "x.root", "tree": "T", "collections": [{"pt": "PT", "eta": "Eta"}]}
            ),
            "'phi' is a required property",
        ),
        (lambda c: c["samples"].update(h={"source": "hepmc", "path": "x", "invisible": [-12]}), "-12 is less than"),
        (lambda c: c.update(clustering={"algorithm": "siscone"}), "'siscone' is not one of"),
        (lambda c: c.update(selection={"max_abs_eta": 0}), "0 is less than or equal to the minimum of 0"),
        (
            lambda c: c.update(models={"m": {"kind": "diffusion"}}),
            "'diffusion' is not one of ['ae', 'vae', 'gan', 'flow', 'cfm']",
        ),
        (lambda c: c.update(models={"m": {"kind": "ae", "hidden": 64}}), "64 is not of type 'array'"),
        (lambda c: c.update(models={"m": {"kind": "ae", "epochs": "10"}}), "'10' is not of type 'integer'"),
        (lambda c: c.update(threads=0), "0 is less than the minimum of 1"),
    ],
)
def test_bad_config_is_rejected_naming_the_problem(change, named):
    config = {"samples": {"qcd": {"source": "pythia", "events": 10}}}
    change(config)
    with pytest.raises(WorkflowError) as err:
        validate(config, SCHEMA)
    assert named in str(err.value)


def checked(**changes) -> dict:
    """A valid config with `changes` applied at the top level, defaults filled."""
    config = {"samples": {"qcd": {"source": "pythia", "events": 100}}, "models": {"f": {"kind": "flow"}}} | changes
    validate(config, SCHEMA)
    return config


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"features": ["mj1", "foo"]}, "features: no column(s) foo in the feature table"),
        (
            {"models": {"f": {"kind": "flow", "latent_dim": 3}}},
            "models.f.latent_dim: not a hyperparameter of kind flow",
        ),
        ({"samples": {"qcd": {"source": "pythia", "events": 3, "shards": 4}}}, "samples.qcd.events: 3 events cannot"),
        ({"split": {"train": 0.5, "val": 0.2, "test": 0.2}}, "split: fractions"),
        ({"train_on": ["qdc"]}, "train_on: qdc not under samples:"),
        (
            {"samples": {"qcd": {"source": "lhco", "path": "x.h5", "label": 1}}},
            "samples.qcd.label: an LHCO file labels each event itself",
        ),
    ],
)
def test_config_check_names_the_key(changes, message):
    with pytest.raises(InputError) as err:
        check_config(checked(**changes))
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_config_check_accepts_the_shipped_config():
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    validate(config, SCHEMA)
    check_config(config)


def test_schema_error_is_one_line_naming_the_key():
    with pytest.raises(WorkflowError) as err:
        checked(models={"f": {"kind": "flow", "epochs": "ten"}})
    assert schema_error_message(err.value) == "models.f.epochs: 'ten' is not of type 'integer' (config.schema.yaml)"


def test_beta_scan_is_off_by_default_and_filled_in_when_given():
    config = {
        "samples": {"qcd": CONFIG["samples"]["qcd"]},
        "models": {"vae": {"kind": "vae", "epochs": 5, "beta": 1.0}},
    }
    validate(config, SCHEMA)
    assert config["beta_scan"] is None and beta_scan_models(config) == {}
    config["beta_scan"] = {"hparams": {"epochs": 2}}
    validate(config, SCHEMA)
    models = beta_scan_models(config)
    assert list(models) == ["beta0.5", "beta1", "beta2", "beta4", "beta8"]
    assert models["beta0.5"] == {"kind": "vae", "epochs": 2, "beta": 0.5}


def test_beta_scan_of_a_model_that_is_not_a_vae_is_named():
    config = {"models": {"ae": {"kind": "ae"}}, "beta_scan": {"betas": [1.0], "base": "ae", "hparams": {}}}
    with pytest.raises(InputError, match=r"^beta_scan.base: 'ae' is not a model of kind vae"):
        beta_scan_models(config)


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.name)
def test_study_configs_are_complete_and_valid(path):
    config = yaml.safe_load(path.read_text())
    validate(config, SCHEMA)
    assert set(config["train_on"]) <= set(config["samples"]) and config["models"]
