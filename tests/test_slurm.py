"""Integration: the workflow through `snakemake --profile profiles/slurm` on a real one-node SLURM cluster.

The cluster (tests/slurm_cluster.py) runs on localhost for this module only. Without Debian's slurm-wlm
and munge, or without root, these tests are skipped. Run them alone with `pytest -v tests/test_slurm.py`.
"""

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, snakemake_command
from slurm_cluster import SlurmCluster, unavailable

from dijetgen.features import FEATURE_COLUMNS
from dijetgen.job_resources import REQUESTS

pytestmark = pytest.mark.skipif(unavailable() is not None, reason=str(unavailable()))

PROFILE = ROOT / "profiles" / "slurm"
# What the rules ask for at the first attempt (dijetgen/job_resources.py), as sbatch should receive it.
RESOURCES = {rule: {"mem_mb": memory_mb, "runtime": minutes} for rule, (memory_mb, minutes) in REQUESTS.items()}
# If the status query fails, the plugin waits for ever and ignores SIGTERM: hence `timeout -k`.
LIMIT_S = 240
# A stand-in for the training rule with device: cuda: it asks for what the train rule asks for, and a GPU.
GPU_SNAKEFILE = """
from dijetgen.job_resources import job_resources

rule train:
    output: "gpus.txt"
    resources: **job_resources("train", gpu=True)
    shell: 'echo "$CUDA_VISIBLE_DEVICES" > {output}'
"""
SUBMITTED = re.compile(r"Job \d+ has been submitted with SLURM jobid (\d+) \(log: (\S+)\)")


@pytest.fixture(scope="module")
def cluster():
    largest_request = max(int(rule.get("mem_mb", 0)) for rule in RESOURCES.values())
    with SlurmCluster(min_memory_mb=largest_request) as running:
        yield running


def run_on_slurm(cluster: SlurmCluster, command: list[str]) -> subprocess.CompletedProcess:
    command = ["timeout", "-k", "10", str(LIMIT_S), *command, "--profile", str(PROFILE)]
    command.append("--slurm-keep-successful-logs")  # the per-job logs are the evidence below
    # The profile's first status check comes after 5 s, the next ones 10 s later each; our jobs take 5-9 s.
    command += ["--slurm-init-seconds-before-status-checks", "1"]
    return subprocess.run(command, env=cluster.env, capture_output=True, text=True, timeout=LIMIT_S + 30)


def submitted_jobs(result: subprocess.CompletedProcess) -> dict[str, Path]:
    """SLURM job id -> that job's log, for every job that Snakemake submitted with sbatch."""
    return {job_id: Path(log) for job_id, log in SUBMITTED.findall(result.stdout + result.stderr)}


def job_record(cluster: SlurmCluster, job_id: str) -> dict[str, str]:
    """slurmctld's record of a job (kept for MinJobAge, 300 s, after it ends); no accounting needed."""
    line = subprocess.run(
        ["scontrol", "-o", "show", "job", job_id], env=cluster.env, capture_output=True, text=True, check=True
    ).stdout
    return dict(field.split("=", 1) for field in line.split() if "=" in field)


@pytest.mark.slow
def test_features_of_a_sharded_sample_run_as_sbatch_jobs(cluster, tmp_path):
    config = {"seed": 7, "shards": 2, "samples": {"qcd": {"source": "pythia", "process": "qcd", "events": 100}}}
    result = run_on_slurm(cluster, snakemake_command(tmp_path, config, "results/features/qcd.parquet"))
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:] + cluster.log("slurmctld")[-2000:]

    table = pd.read_parquet(tmp_path / "results/features/qcd.parquet")
    assert list(table.columns) == FEATURE_COLUMNS and (table["sample"] == "qcd").all()

    jobs = submitted_jobs(result)
    rules = {job_id: log.parts[-3] for job_id, log in jobs.items()}  # .../slurm_logs/rule_ingest/qcd_0/3.log
    assert sorted(rules.values()) == ["rule_cluster"] * 2 + ["rule_features"] + ["rule_ingest"] * 2
    controller_log = cluster.log("slurmctld")
    for job_id, log in jobs.items():
        assert f"_slurm_rpc_submit_batch_job: JobId={job_id} " in controller_log
        rule = rules[job_id].removeprefix("rule_")
        assert f"Finished jobid: 0 (Rule: {rule})" in log.read_text()  # Snakemake, inside the SLURM job
        record = job_record(cluster, job_id)
        assert record["JobState"] == "COMPLETED" and record["Partition"] == "debug"
        assert record["MinMemoryNode"] == f"{RESOURCES[rule]['mem_mb']}M"  # the profile's set-resources
        assert record["TimeLimit"] == f"{RESOURCES[rule]['runtime'] // 60:02d}:{RESOURCES[rule]['runtime'] % 60:02d}:00"
    print("\n".join(f"sbatch job {job_id}: {rules[job_id]}, log {log}" for job_id, log in sorted(jobs.items())))


@pytest.mark.slow
def test_the_profile_gives_train_a_gpu(cluster, tmp_path):
    """A training rule's gpu=1 goes through sbatch as --gpus=1, and SLURM grants the GPU."""
    (tmp_path / "Snakefile").write_text(GPU_SNAKEFILE)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(tmp_path / "Snakefile")]
    result = run_on_slurm(cluster, [*command, "--directory", str(tmp_path)])
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:] + cluster.log("slurmctld")[-2000:]
    (job_id,) = submitted_jobs(result)
    record = job_record(cluster, job_id)
    assert re.fullmatch(r"gres[:/]gpu:1", record["TresPerJob"]), record  # sbatch --gpus=1
    assert record["MinMemoryNode"] == f"{RESOURCES['train']['mem_mb']}M"
    assert (tmp_path / "gpus.txt").read_text().strip() == "0"  # SLURM's index of the GPU it granted
    print(f"sbatch job {job_id}: rule_train, TresPerJob {record['TresPerJob']}")
