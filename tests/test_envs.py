"""The conda envs used on clusters (`--sdm conda`) pin exactly what requirements.txt pins."""

from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def requirement_pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pins[name.lower()] = version
    return pins


@pytest.mark.parametrize("env_file", sorted((ROOT / "envs").glob("*.yaml")), ids=lambda p: p.name)
def test_env_pins_match_requirements(env_file):
    env = yaml.safe_load(env_file.read_text())
    pip_section = next(dep["pip"] for dep in env["dependencies"] if isinstance(dep, dict))
    pins = requirement_pins()
    for entry in pip_section:
        name, version = entry.split("==")
        assert pins.get(name.lower()) == version, f"{env_file.name}: {entry} differs from requirements.txt"


def test_every_rule_names_an_existing_env():
    for rule_file in (ROOT / "rules").glob("*.smk"):
        for line in rule_file.read_text().splitlines():
            if line.strip().startswith('"../envs/'):
                assert (ROOT / "rules" / line.strip().strip('",')).exists(), f"{rule_file.name}: {line.strip()}"
