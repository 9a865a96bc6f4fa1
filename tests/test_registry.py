"""The registry is the one home of what a model kind and a source are: the schema, the model classes, the
readers and the config check must agree with it."""

import pytest

from dijetgen.config import latent_models, sample_settings, scored_models
from dijetgen.errors import InputError
from dijetgen.hyperparameters import ENTRY_KEYS, resolve
from dijetgen.registry import KINDS, SOURCES
from dijetgen.yaml_config import read_config

SCHEMA = read_config("config.schema.yaml")
MODEL_ENTRY = SCHEMA["properties"]["models"]["additionalProperties"]
PARTICLE_ENTRY = SCHEMA["properties"]["particle_models"]["additionalProperties"]
SAMPLE_ENTRY = SCHEMA["properties"]["samples"]["additionalProperties"]


def test_the_schema_knows_exactly_the_registered_kinds_and_their_keys():
    table_kinds = [name for name, kind in KINDS.items() if not kind.particles]
    assert MODEL_ENTRY["properties"]["kind"]["enum"] == table_kinds
    registered = {key for name in table_kinds for key in KINDS[name].defaults()} | set(ENTRY_KEYS)
    # `from_model` belongs to particle models, which dress a jet-level model's events.
    assert set(MODEL_ENTRY["properties"]) == registered - {"from_model"}


def test_the_schema_knows_exactly_the_registered_particle_kinds_and_their_keys():
    particle_kinds = [name for name, kind in KINDS.items() if kind.particles]
    assert PARTICLE_ENTRY["properties"]["kind"]["enum"] == particle_kinds
    # A particle model is conditioned on its jets and trains once: no `condition`, no `replicas`.
    registered = {key for name in particle_kinds for key in KINDS[name].defaults()} - {"condition"}
    assert set(PARTICLE_ENTRY["properties"]) == registered | set(ENTRY_KEYS) - {"replicas"}


def test_the_schema_knows_exactly_the_registered_sources():
    assert SAMPLE_ENTRY["properties"]["source"]["enum"] == list(SOURCES)


@pytest.mark.parametrize("name", list(KINDS))
def test_each_kind_names_its_model_class(name):
    assert KINDS[name].load().kind == name


@pytest.mark.parametrize("name", list(SOURCES))
def test_each_source_names_its_reader(name):
    assert callable(SOURCES[name].load())


def test_a_key_of_another_kind_is_refused_per_kind():
    with pytest.raises(InputError, match="beta: not a hyperparameter of kind flow"):
        resolve("flow", {"beta": 2.0})
    assert resolve("vae", {"beta": 2.0})["beta"] == 2.0


def test_defaults_are_copies_that_a_caller_cannot_change_in_the_registry():
    resolve("flow", {})["hidden"].append(7)
    assert resolve("flow", {})["hidden"] == [64, 64]


def test_planning_reads_scoring_and_latent_kinds_from_the_registry():
    config = {
        "models": {name: {"kind": name} for name, kind in KINDS.items() if not kind.particles},
        "anomaly": {"signal": "sig"},
        "samples": {"sig": {"source": "pythia", "process": "wprime"}},
    }
    assert scored_models(config) == [name for name in config["models"] if KINDS[name].scores]
    assert "gan" not in scored_models(config)
    assert latent_models(config) == ["ae", "vae"]


def test_a_source_fills_its_own_defaults_and_a_labelled_file_takes_none():
    config = {"seed": 1, "shards": 2, "samples": {"r": {"source": "root", "path": "x.root"}}}
    assert sample_settings(config, "r")["label"] == 0
    assert 12 in sample_settings(config, "r")["invisible"]
    config["samples"]["l"] = {"source": "lhco", "path": "x.h5"}
    assert "label" not in sample_settings(config, "l")
