"""Integration: one study, one folder. Inputs that cannot go stale, studies that never mix, a paper folder that
holds exactly the current config's outputs, interruptions and a second run in the same folder."""

import json
import os
import shutil
import signal
import subprocess
import time

import pandas as pd
import pytest
from conftest import TINY, planned_jobs, random_lhco_rows, snakemake, snakemake_command, write_lhco

# Every test here runs Snakemake.
pytestmark = pytest.mark.slow


def lhco_study(path: str, **changes) -> dict:
    return {"samples": {"rnd": {"source": "lhco", "path": path, "shards": 1}}, "train_on": ["rnd"]} | changes


def test_a_changed_or_vanished_input_file_is_caught_after_a_successful_run(tmp_path):
    path = write_lhco(tmp_path / "rnd.h5", random_lhco_rows(30, seed=3)[0])
    first = snakemake(tmp_path, lhco_study(path))
    assert first.returncode == 0, first.stderr[-3000:]
    assert "--report results/report.html" in first.stdout + first.stderr
    manifest = (tmp_path / "results/paper/manifest.tsv").read_text()

    # Another file under another name: the jobs that read it are planned again.
    copy = tmp_path / "copy.h5"
    write_lhco(copy, random_lhco_rows(31, seed=4)[0])
    renamed = snakemake(tmp_path, lhco_study(str(copy)), "--dry-run")
    assert {"cluster", "features"} <= {job.split("[")[0] for job in planned_jobs(renamed)}

    # Another file at the same path, with the old modification time: its size tells it apart.
    stamp = (tmp_path / "rnd.h5").stat()
    shutil.copyfile(copy, path)
    subprocess.run(["touch", "-d", f"@{stamp.st_mtime}", path], check=True)
    replaced = snakemake(tmp_path, lhco_study(path), "--dry-run")
    assert "cluster" in {job.split("[")[0] for job in planned_jobs(replaced)}

    # A path that does not exist, or a file moved away after the run: one line naming the key, before any job.
    for missing_path in (str(tmp_path / "nope.h5"), path):
        if missing_path == path:
            (tmp_path / "rnd.h5").rename(tmp_path / "moved.h5")
        result = snakemake(tmp_path, lhco_study(missing_path, models={}))
        assert result.returncode != 0
        assert f"samples.rnd.path: Missing input file {missing_path} (moved or deleted?)" in result.stderr
        assert "Traceback" not in result.stderr
    assert (tmp_path / "results/paper/manifest.tsv").read_text() == manifest  # the last paper is intact


def test_each_config_writes_its_own_results_folder(tmp_path):
    path = write_lhco(tmp_path / "rnd.h5", random_lhco_rows(20, seed=3)[0])
    result = snakemake(tmp_path, lhco_study(path, results="studies/mine/"), "--dry-run")
    assert result.returncode == 0, result.stderr[-3000:]
    outputs = [line.split(":", 1)[1] for line in result.stdout.splitlines() if line.strip().startswith("output:")]
    files = [name.strip() for line in outputs for name in line.split(",")]
    assert files and all(name.startswith("studies/mine/") for name in files), files


def test_two_configs_in_one_folder_leave_only_the_second_in_the_paper(tiny_run, tmp_path):
    # The tiny run's config has six models; a second config in the same folder keeps only the flow. Its paper
    # must hold only the flow's figures, and manifest and provenance must agree with it.
    workdir = tmp_path / "study"
    shutil.copytree(tiny_run, workdir, symlinks=True)
    second = TINY | {"models": {"flow": TINY["models"]["flow"]}, "beta_scan": None}
    result = snakemake(workdir, second, "paper")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "train" not in {job.split("[")[0] for job in planned_jobs(result)}
    paper = workdir / "results/paper"
    figures = sorted(p.name for p in (paper / "figures").iterdir())
    assert any("_flow_" in name for name in figures) and not any("_vae_" in name for name in figures)
    listed = sorted(pd.read_csv(paper / "manifest.tsv", sep="\t")["path"])
    on_disk = sorted(p.relative_to(paper).as_posix() for p in paper.rglob("*") if p.is_file())
    assert listed == [p for p in on_disk if p not in ("manifest.tsv", "timings.json")]
    assert list(json.loads((paper / "provenance.json").read_text())["config"]["models"]) == ["flow"]


def test_a_second_run_in_the_same_folder_is_told_who_holds_it(tmp_path):
    path = write_lhco(tmp_path / "rnd.h5", random_lhco_rows(200, seed=3)[0])
    slow = {"kind": "flow", "epochs": 100000, "patience": 100000, "batch_size": 8, "hidden": [8], "transforms": 1}
    config = lhco_study(path, models={"slow": slow}, selection={"min_pt": 100.0, "max_abs_eta": 2.5})
    # A session of its own, so that killing its group stops Snakemake's training job too.
    first = subprocess.Popen(
        snakemake_command(tmp_path, config, "results/models/slow/model.pt"),
        text=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        record = tmp_path / "results/logs/running.json"
        deadline = time.time() + 120
        while not (record.exists() and (tmp_path / "results/models/slow/history.csv").exists()):
            assert time.time() < deadline and first.poll() is None, first.stdout.read() if first.poll() else ""
            time.sleep(0.5)
        second = snakemake(tmp_path, config, "results/models/slow/model.pt")
        assert second.returncode != 0
        assert f"results/ is being written by another run: pid {first.pid}" in second.stderr
        assert "IncompleteFilesException" not in second.stderr
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
