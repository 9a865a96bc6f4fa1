import copy
from pathlib import Path

import pytest
import yaml
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from dijetgen.cli import main
from dijetgen.config import (
    beta_scan_models,
    check_config,
    fill_derived_defaults,
    optional_stages,
    particle_samples,
    results_folder,
    sample_settings,
    schema_error_message,
    search_classifier_methods,
    source_identity,
)
from dijetgen.errors import InputError
from dijetgen.yaml_config import read_config, yaml_1_2_numbers

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
        ({"models": {"mj1_cut": {"kind": "flow"}}}, "models.mj1_cut: the name is reserved for the plain mj1 cut"),
        (
            {"samples": {"qcd": {"source": "lhco", "path": "x.h5", "label": 1}}},
            "samples.qcd.label: LHCO R&D files label each event",
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


def test_optional_stages_are_those_the_config_turns_on():
    config = {"samples": {"qcd": CONFIG["samples"]["qcd"]}, "models": {"vae": {"kind": "vae", "beta": 1.0}}}
    validate(config, SCHEMA)
    assert optional_stages(config) == []
    config |= {"search": {"inject": [0]}, "beta_scan": {"betas": [1.0]}, "amplification": {"models": ["vae"]}}
    assert optional_stages(config) == ["search", "beta_scan", "amplification"]
    # Particles need both the constituents and a particle model; either alone turns nothing on.
    assert "particles" not in optional_stages(config | {"constituents": {"cap": 100}, "particle_models": {}})
    assert "particles" not in optional_stages(config | {"particle_models": {"p": {"kind": "epicfm"}}})
    both = config | {"constituents": {"cap": 100}, "particle_models": {"p": {"kind": "epicfm"}}}
    assert optional_stages(both)[-1] == "particles"
    # Each optional stage is a rule file of that name.
    assert all((ROOT / "rules" / f"{stage}.smk").is_file() for stage in optional_stages(both))


def particle_config(**entry) -> dict:
    features = ["ptj1", "etaj1", "mj1", "nconst_j1", "ptj2", "etaj2", "mj2", "nconst_j2"]
    config = {"samples": {"qcd": CONFIG["samples"]["qcd"]}, "train_on": ["qcd"], "features": features}
    config |= {"models": {"flow": {"kind": "flow"}}, "constituents": {"cap": 100}}
    config["particle_models"] = {"epic": {"kind": "epicfm"} | entry}
    validate(config, SCHEMA)
    return config


def test_a_particle_model_dresses_a_jet_models_events_only_when_asked():
    assert particle_samples(particle_config()) == {"epic": ("epic", None)}
    config = particle_config(from_model="flow", epochs=2)
    check_config(config)
    assert particle_samples(config) == {"epic": ("epic", None), "flow+epic": ("epic", "flow")}


def test_from_model_must_name_a_model_that_generates_the_jets():
    with pytest.raises(InputError, match=r"^particle_models.epic.from_model: 'gan' is not a model under `models:`$"):
        check_config(particle_config(from_model="gan"))
    config = particle_config(from_model="flow")
    config["features"] = [name for name in config["features"] if name != "nconst_j2"]
    with pytest.raises(InputError, match=r"^particle_models.epic.from_model: 'flow' does not generate nconst_j2 "):
        check_config(config)


def test_a_particle_model_without_constituents_is_named():
    config = particle_config()
    del config["constituents"]
    with pytest.raises(InputError, match=r"^particle_models.epic: needs `constituents:`"):
        check_config(config)


@pytest.mark.parametrize("path", sorted((ROOT / "configs").glob("*.yaml")), ids=lambda p: p.name)
def test_study_configs_are_complete_and_valid(path):
    config = yaml.safe_load(path.read_text())
    validate(config, SCHEMA)
    assert set(config["train_on"]) <= set(config["samples"]) and config["models"]


def test_masses_that_cannot_decay_are_named():
    samples = {"w": {"source": "pythia", "process": "wprime", "events": 10, "masses": {"wprime": 550.0}}}
    with pytest.raises(InputError, match=r"^samples.w.masses: W' at 550 GeV cannot decay to X \(500\) \+ Y \(100\)"):
        check_config(checked(samples=samples))


def test_a_missing_or_moved_input_file_is_named_before_any_job(tmp_path):
    data = tmp_path / "events.h5"
    data.write_bytes(b"x")
    config = checked(samples={"rnd": {"source": "lhco", "path": str(data)}}, train_on=["rnd"])
    check_config(config)
    data.rename(tmp_path / "moved.h5")
    with pytest.raises(InputError, match=rf"^samples.rnd.path: Missing input file {data} \(moved or deleted\?\)$"):
        check_config(config)


def test_another_file_at_the_same_path_has_another_identity(tmp_path):
    data = tmp_path / "events.h5"
    data.write_bytes(b"first")
    config = {"samples": {"rnd": {"source": "lhco", "path": str(data)}, "gen": {"source": "pythia"}}}
    before = source_identity(config, "rnd")
    data.write_bytes(b"second file")
    assert source_identity(config, "rnd") != before
    assert source_identity(config, "gen") is None
    assert source_identity({"samples": {"u": {"source": "lhco", "url": "https://x/y.h5"}}}, "u")["url"]


def test_results_folder_is_normalised_and_must_be_a_folder():
    assert results_folder(checked()) == "results"
    assert results_folder(checked(results="studies/search/")) == "studies/search"
    with pytest.raises(InputError, match=r"^results: '\./' would mix outputs"):
        results_folder(checked(results="./"))


@pytest.mark.parametrize(("text", "value"), [("1e-3", 1e-3), ("-2.5E+4", -2.5e4), (".5e2", 50.0)])
def test_yaml_1_2_exponents_are_numbers(text, value):
    assert yaml_1_2_numbers({"models": {"f": {"lr": text, "name": "e3", "path": "1e3.h5"}}}) == {
        "models": {"f": {"lr": value, "name": "e3", "path": "1e3.h5"}}
    }


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    path = tmp_path / "my.yaml"
    path.write_text("seed: 1\nsamples:\n  rnd: {source: lhco, path: ev.h5\nmodels: {}\n")
    with pytest.raises(InputError, match=rf"^{path}, line 4, column 7: expected ',' or '}}'"):
        read_config(str(path))


def test_dijetgen_check_reads_validates_and_checks_a_config(tmp_path, capsys):
    path = tmp_path / "my.yaml"
    path.write_text("samples:\n  qcd: {source: pythia, events: 100}\nmodels:\n  f: {kind: flow, lr: 1e-3}\n")
    assert main(["check", str(path)]) == 0
    assert "ok (1 samples, 1 models, results in results/)" in capsys.readouterr().out
    path.write_text("samples:\n  qcd: {source: pythia, events: 100}\nmodels:\n  f: {kind: flow, lr: fast}\n")
    assert main(["check", str(path)]) == 1
    assert capsys.readouterr().err.strip() == (
        f"dijetgen error: {path}: models.f.lr: 'fast' is not of type 'number' (config.schema.yaml)"
    )


def test_search_without_an_idealized_sample_runs_the_other_methods():
    config = checked(
        samples={
            "qcd": {"source": "pythia", "events": 100},
            "w": {"source": "pythia", "process": "wprime", "events": 10},
        },
        search={"background": "qcd", "signal": "w", "idealized": None, "inject": [0]},
    )
    check_config(config)
    assert search_classifier_methods(config) == ["template", "supervised", "cwola"]


def test_split_seed_derives_from_the_master_seed_unless_given():
    config = checked(seed=7)
    fill_derived_defaults(config)
    assert config["split"]["seed"] == 7
    config = checked(seed=7, split={"seed": 3})
    fill_derived_defaults(config)
    assert config["split"]["seed"] == 3
