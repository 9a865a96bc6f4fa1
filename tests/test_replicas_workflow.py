"""Integration: model replicas and their ensemble, and the amplification, on a tiny config of its own (one
small flow), so the session's tiny run stays as it is."""

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import TINY, planned_jobs, snakemake

pytestmark = pytest.mark.slow

TARGETS = ("results/validation/summary.csv", "results/amplification/summary.csv")
REPLICATED = {
    "seed": 7,
    "shards": 1,
    "samples": {"qcd": TINY["samples"]["qcd"]},
    "models": {"flow": TINY["models"]["flow"] | {"epochs": 2}},
    "replicas": 2,
    "amplification": {"models": ["flow"], "sizes": [30], "draws": 2, "generated": 500, "bins": 5},
}


@pytest.fixture(scope="module")
def replicated_run(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("replicated")
    result = snakemake(workdir, REPLICATED, *TARGETS)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def test_each_replica_is_trained_sampled_and_validated_and_the_ensemble_is_the_models_row(replicated_run):
    results = replicated_run / "results"
    assert (results / "models/flow/model.pt").exists() and (results / "models/flow/replica1/model.pt").exists()
    replicas = [pd.read_parquet(results / f"samples/flow/replica{index}.parquet") for index in range(2)]
    ensemble = pd.read_parquet(results / "samples/flow.parquet")
    from_replica = [(ensemble == replica).all(axis=1) for replica in replicas]
    assert (from_replica[0] ^ from_replica[1]).all()  # every event comes from exactly one replica
    assert abs(from_replica[0].sum() - from_replica[1].sum()) <= 1
    summary = pd.read_csv(results / "validation/summary.csv")
    assert list(summary["model"]) == ["flow"] and summary["replicas"].tolist() == [2]
    aucs = [
        yaml.safe_load((results / f"validation/flow/replica{index}/metrics.json").read_text())["classifier_auc"]
        for index in range(2)
    ]
    std = np.std([auc["generated"]["value"] for auc in aucs], ddof=1)
    assert summary["classifier_auc_replica_std"].iloc[0] == pytest.approx(std)
    assert summary[["median_w1_ratio_replica_std", "fpd_replica_std"]].notna().all(axis=None)


def test_adding_a_replica_trains_only_that_replica(replicated_run):
    jobs = planned_jobs(snakemake(replicated_run, REPLICATED | {"replicas": 3}, "--dry-run", TARGETS[0]))
    assert {job for job in jobs if job.startswith(("train", "sample"))} == {
        "train[model=flow/replica2]",
        "sample[model=flow/replica2]",
    }


def test_the_amplification_table_has_each_size_with_errors_over_draws(replicated_run):
    results = replicated_run / "results/amplification"
    draws = pd.read_csv(results / "flow/size30/draws.csv")
    assert list(draws["draw"]) == [0, 1] and (draws["amplification"] > 0).all()
    (row,) = pd.read_csv(results / "summary.csv").to_dict("records")
    assert (row["model"], row["size"], row["draws"]) == ("flow", 30, 2)
    assert row["amplification_error"] > 0 and row["training_distance"] > 0
    curves = pd.read_csv(results / "flow/size30/curves.csv")
    assert set(curves["kind"]) == {"truth", "generated", "training"}
