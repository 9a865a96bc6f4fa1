"""The profiles under profiles/: each one parses, names only rules that exist, and none asks for a GPU by itself."""

import importlib.util
import re

import pytest
import yaml
from conftest import ROOT, TINY, snakemake

PROFILES = sorted(path.parent.name for path in (ROOT / "profiles").glob("*/config.yaml"))
# The keys through which each cluster profile's executor plugin reads memory, run time and GPUs.
CLUSTER = {
    "slurm": {
        "plugin": "snakemake_executor_plugin_slurm",
        "memory": "mem_mb",
        "runtime": "runtime",
        "gpu": {"gpu", "gpu_model", "gres", "gpus"},
    },
    "htcondor": {
        "plugin": "snakemake_executor_plugin_htcondor",
        "memory": "request_memory",
        "runtime": "allowed_job_duration",
        "gpu": {"request_gpus", "require_gpus", "gpus_minimum_memory", "gpus_minimum_capability"},
    },
}
# The rules whose size grows with the data; every cluster profile sizes them explicitly.
HEAVY_RULES = {"ingest", "cluster", "features", "split", "train", "sample"}


def profile(name: str) -> dict:
    return yaml.safe_load((ROOT / "profiles" / name / "config.yaml").read_text())


def workflow_rules() -> set[str]:
    """Rule names declared in the Snakefile and rules/*.smk, read as text (no Snakefile code is run)."""
    sources = [ROOT / "Snakefile", *sorted((ROOT / "rules").glob("*.smk"))]
    return {name for path in sources for name in re.findall(r"^rule\s+(\w+)\s*:", path.read_text(), re.M)}


def test_the_expected_profiles_exist():
    assert {"default", "slurm", "htcondor"} <= set(PROFILES)


@pytest.mark.parametrize("name", PROFILES)
def test_profile_is_a_mapping_of_snakemake_options(name):
    settings = profile(name)
    assert isinstance(settings, dict) and settings
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", key) for key in settings), "keys are long option names"


@pytest.mark.parametrize("name", sorted(CLUSTER))
def test_cluster_profile_sizes_every_heavy_rule_and_names_only_real_rules(name):
    settings, keys = profile(name), CLUSTER[name]
    rules = settings["set-resources"]
    assert HEAVY_RULES <= set(rules)
    unknown = set(rules) - workflow_rules()
    assert not unknown, f"set-resources names rules that the workflow lacks: {sorted(unknown)}"
    for rule, resources in [("default-resources", settings["default-resources"]), *rules.items()]:
        assert int(resources[keys["memory"]]) > 0 and int(resources[keys["runtime"]]) > 0, rule


@pytest.mark.parametrize("name", sorted(CLUSTER))
def test_no_profile_asks_for_a_gpu_the_config_did_not_ask_for(name):
    settings, gpu_keys = profile(name), CLUSTER[name]["gpu"]
    assert not gpu_keys & set(settings["default-resources"])
    asking = {rule for rule, resources in settings["set-resources"].items() if gpu_keys & set(resources)}
    assert asking == set()


@pytest.mark.slow
@pytest.mark.parametrize("name", PROFILES)
def test_snakemake_accepts_the_profile(name, tmp_path):
    """A dry run with the profile: Snakemake parses it and applies its resources to the plan."""
    plugin = CLUSTER.get(name, {}).get("plugin")
    if plugin and importlib.util.find_spec(plugin) is None:
        pytest.skip(f"{plugin} is not installed")
    result = snakemake(tmp_path, TINY, "--dry-run", "--profile", str(ROOT / "profiles" / name))
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    used = [line for line in result.stderr.splitlines() if line.startswith("Using profile")]
    assert used and f"{ROOT / 'profiles' / name} " in used[0], used
    if name in CLUSTER:
        memory = CLUSTER[name]["memory"]
        plan = result.stdout.split("\nrule ingest:", 1)[1].split("\n\n", 1)[0]
        assert f"{memory}={profile(name)['set-resources']['ingest'][memory]}," in plan
