"""The profiles under profiles/ and the rules' own resources: each profile parses, names only rules that exist,
and nothing asks for a GPU by itself."""

import importlib.util
import re

import pytest
import yaml
from conftest import ROOT, TINY, snakemake

from dijetgen.job_resources import REQUESTS, job_resources

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
# The rules whose size grows with the data; each declares its own memory and run time.
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


def test_every_heavy_rule_declares_its_resources_and_only_real_rules_are_named():
    assert HEAVY_RULES <= set(REQUESTS)
    unknown = set(REQUESTS) - workflow_rules()
    assert not unknown, f"dijetgen/job_resources.py names rules that the workflow lacks: {sorted(unknown)}"


@pytest.mark.parametrize("name", sorted(CLUSTER))
def test_the_rules_resources_reach_each_executor_and_grow_with_the_attempt(name):
    keys = CLUSTER[name]
    resources = job_resources("ingest")
    first, second = (resources[keys["memory"]](None, attempt) for attempt in (1, 2))
    assert first == REQUESTS["ingest"][0] and second == 2 * first
    assert int(resources[keys["runtime"]]) > 0


@pytest.mark.parametrize("name", sorted(CLUSTER))
def test_a_cluster_profile_retries_groups_real_rules_and_leaves_resources_to_them(name):
    settings = profile(name)
    assert settings["retries"] >= 1
    assert not {"set-resources", "default-resources"} & set(settings), "resources live in the rules"
    groups = dict(entry.split("=") for entry in settings["groups"])
    assert set(groups) <= workflow_rules()
    components = dict(entry.split("=") for entry in settings["group-components"])
    assert set(components) == set(groups.values())
    # A bundle's one-thread jobs run side by side and it asks for their summed cores: at most the 2 of the
    # smallest node the profile is run on (the SLURM test cluster), or it never leaves the queue there.
    assert all(int(count) <= 2 for count in components.values())


@pytest.mark.parametrize("name", sorted(CLUSTER))
def test_nothing_asks_for_a_gpu_the_config_did_not_ask_for(name):
    gpu_keys = CLUSTER[name]["gpu"]
    assert not gpu_keys & set(profile(name))
    assert all(not gpu_keys & set(job_resources(rule)) for rule in REQUESTS)
    assert gpu_keys & set(job_resources("train", gpu=True))


@pytest.mark.slow
@pytest.mark.parametrize("name", PROFILES)
def test_snakemake_accepts_the_profile(name, tmp_path):
    """A dry run with the profile: Snakemake parses it, and the plan carries the rules' resources."""
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
        assert f"{memory}={REQUESTS['ingest'][0]}," in plan
