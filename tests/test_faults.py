"""Faults: a run killed mid-stage resumes to the same results; awkward paths and outputs fail cleanly."""

import os
import signal
import subprocess
import time

import pandas as pd
import pytest
from conftest import TINY, random_lhco_rows, snakemake, snakemake_command, write_lhco


def kill_when(workdir, config, targets: list[str], pattern: str, timeout: float = 180.0) -> None:
    """Start the workflow for `targets` and SIGKILL it, and every job it started, once a file matching `pattern`
    exists."""
    process = subprocess.Popen(
        snakemake_command(workdir, config, *targets),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    while not list(workdir.glob(pattern)):
        assert process.poll() is None, "the workflow finished before the stage to interrupt began"
        assert time.monotonic() < deadline, f"no {pattern} after {timeout} s"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.slow
@pytest.mark.parametrize(("stage", "models"), [("ingest/*/*", []), ("cluster/*/*", []), ("train/*", ["gan", "flow"])])
def test_killed_run_resumes_to_identical_results(tmp_path, tiny_run, stage, models):
    # A subset of TINY's models: each one's results depend only on its own entry, so they must equal TINY's.
    config = TINY | {"models": {name: TINY["models"][name] for name in models}, "beta_scan": None}
    outputs = [f"results/features/{sample}.parquet" for sample in TINY["samples"]]
    outputs += [f"results/samples/{model}.parquet" for model in models]
    # Only the compared outputs: validating and scoring the samples would add minutes and check nothing here.
    kill_when(tmp_path, config, outputs, f"results/logs/{stage}.log")
    assert not all((tmp_path / output).exists() for output in outputs)
    assert snakemake(tmp_path, config, "--unlock").returncode == 0
    result = snakemake(tmp_path, config, "--rerun-incomplete", *outputs)
    assert result.returncode == 0, result.stderr[-3000:]
    for output in outputs:
        resumed, uninterrupted = pd.read_parquet(tmp_path / output), pd.read_parquet(tiny_run / output)
        pd.testing.assert_frame_equal(resumed, uninterrupted, check_exact=True, obj=output)


@pytest.mark.slow
def test_paths_with_spaces_and_quotes_work(tmp_path):
    folder = tmp_path / 'my data\'s "R&D" run'
    folder.mkdir()
    path = write_lhco(folder / "events $HOME; ls.h5", random_lhco_rows(20, seed=3)[0])
    result = snakemake(folder, {"samples": {"rnd": {"source": "lhco", "path": path, "shards": 1}}})
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(pd.read_parquet(folder / "results/features/rnd.parquet")) > 0


@pytest.mark.slow
def test_unwritable_results_directory_is_named(tmp_path):
    (tmp_path / "results").write_text("not a directory")
    result = snakemake(tmp_path, {"samples": {"q": {"source": "pythia", "events": 10, "shards": 1}}}, "--dry-run")
    assert result.returncode != 0
    message = "results: cannot write outputs to results/ (it exists and is not a directory)"
    assert message in result.stdout + result.stderr
