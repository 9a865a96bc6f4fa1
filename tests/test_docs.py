"""The generated docs are current: the configuration reference names every key a config may hold, and the rule
graph is the rules'."""

import subprocess
import sys

import pytest
from conftest import ROOT

from dijetgen.config_reference import reference
from dijetgen.registry import KINDS, SOURCES
from dijetgen.yaml_config import read_config

SCHEMA = read_config(str(ROOT / "config.schema.yaml"))


def test_the_configuration_reference_is_not_stale():
    assert (ROOT / "docs/configuration.md").read_text() == reference(SCHEMA), "run `make docs` and commit the result"


def test_the_reference_names_every_top_level_key_kind_and_source():
    text = reference(SCHEMA)
    for key in SCHEMA["properties"]:
        assert f"| `{key}` |" in text
    for name in KINDS:
        assert f"### `kind: {name}`" in text
    for name in SOURCES:
        assert f"| `{name}` |" in text


def test_a_key_without_a_default_says_whether_it_is_required():
    text = reference(SCHEMA)
    assert "| `samples` | object | required |" in text
    assert "| `samples.NAME.events` | integer | — |" in text


@pytest.mark.slow
def test_the_rule_graph_is_not_stale():
    graph = subprocess.run(
        [sys.executable, "-m", "snakemake", "--rulegraph", "mermaid-js"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    document = (ROOT / "docs/rulegraph.md").read_text()
    drawn = document.split("```mermaid\n", 1)[1].split("```", 1)[0]
    # Snakemake lists a rule's edges in set order, which changes from run to run: compare the lines as sets.
    assert sorted(drawn.splitlines()) == sorted(graph.splitlines()), "run `make docs`"
