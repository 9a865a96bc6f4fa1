"""Integration: the real Snakemake workflow on a tiny Pythia config, its caching, and its input errors."""

import json
import subprocess
import sys

import pandas as pd
import yaml
from conftest import ROOT, TINY, planned_jobs, random_lhco_rows, snakemake, snakemake_command, write_lhco

from dijetgen.features import FEATURE_COLUMNS

MODEL_FEATURES = yaml.safe_load((ROOT / "config.schema.yaml").read_text())["properties"]["features"]["default"]


def test_feature_tables_follow_the_contract(tiny_run):
    for sample, label in (("qcd", 0), ("wprime", 1)):
        table = pd.read_parquet(tiny_run / f"results/features/{sample}.parquet")
        assert list(table.columns) == FEATURE_COLUMNS
        assert len(table) > 10
        assert (table["sample"] == sample).all() and (table["label"] == label).all()
        assert table["event"].is_unique
        assert (table[["ptj1", "ptj2"]].max(axis=1) > 1200).all()
        assert (table["ptj1"] >= table["ptj2"]).all()
    signal = pd.read_parquet(tiny_run / "results/features/wprime.parquet")
    assert 2800 < signal["mjj"].median() < 4000  # the W' peak at 3.5 TeV


def test_every_rule_logs_and_benchmarks(tiny_run):
    assert "cut flow:" in (tiny_run / "results/logs/cluster/qcd/0.log").read_text()
    for stage, count in (("ingest", 3), ("cluster", 3), ("features", 2)):
        assert len(list((tiny_run / "results/benchmarks" / stage).rglob("*.tsv"))) == count


def test_second_run_has_nothing_to_do(tiny_run):
    result = snakemake(tiny_run, TINY, "--dry-run")
    assert result.returncode == 0 and "Nothing to be done" in result.stdout


def test_changing_r_reruns_cluster_and_what_follows_but_not_ingest(tiny_run):
    config = TINY | {"clustering": {"R": 0.8}}
    rules = [job.split("[")[0] for job in planned_jobs(snakemake(tiny_run, config, "--dry-run"))]
    assert "ingest" not in rules
    assert rules.count("cluster") == 3 and rules.count("features") == 2 and rules.count("train") == len(TINY["models"])


def test_changing_one_samples_events_reruns_only_that_sample(tiny_run):
    config = yaml.safe_load(yaml.safe_dump(TINY))
    config["samples"]["wprime"]["events"] = 120
    jobs = planned_jobs(snakemake(tiny_run, config, "--dry-run"))
    data_jobs = {job for job in jobs if job.startswith(("ingest", "cluster", "features"))}
    assert data_jobs == {"ingest[sample=wprime, shard=0]", "cluster[sample=wprime, shard=0]", "features[sample=wprime]"}
    assert not any("qcd" in job or job.startswith("train") for job in jobs)  # the models train on qcd only


def test_no_event_passing_the_cuts_gives_an_empty_table_and_a_warning(tmp_path):
    config = {"samples": {"soft": {"source": "pythia", "events": 20, "shards": 1}}, "selection": {"min_pt": 6000.0}}
    result = snakemake(tmp_path, config)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no event passed the selection" in result.stderr
    table = pd.read_parquet(tmp_path / "results/features/soft.parquet")
    assert table.empty and list(table.columns) == FEATURE_COLUMNS


def test_unknown_source_is_rejected_by_name(tmp_path):
    result = snakemake(tmp_path, {"samples": {"odd": {"source": "csv", "path": "x.csv"}}}, "--dry-run")
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "samples.odd.source: 'csv' is not one of" in output
    assert not (tmp_path / "results").exists()


def test_missing_input_file_is_named(tmp_path):
    result = snakemake(tmp_path, {"samples": {"rnd": {"source": "lhco", "path": "nowhere.h5"}}})
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "samples.rnd.path: Missing input file nowhere.h5" in output
    assert not (tmp_path / "results/features").exists()


def test_bad_lhco_file_gives_one_line_error_and_no_output(tmp_path):
    pd.DataFrame([[1.0] * 2100]).to_hdf(tmp_path / "short.h5", key="df", format="fixed")
    result = snakemake(tmp_path, {"samples": {"rnd": {"source": "lhco", "path": "short.h5", "shards": 1}}})
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if line.startswith("dijetgen error:")]
    # Once from the job, once more from the failed log that the default profile shows.
    assert set(errors) == {"dijetgen error: short.h5: expected 2101 columns (700 particles x 3 + label), found 2100"}
    assert not list((tmp_path / "results").rglob("*.parquet"))


def test_shard_count_does_not_change_the_features(tmp_path):
    path = write_lhco(tmp_path / "rnd.h5", random_lhco_rows(30, seed=3)[0])
    tables = []
    for shards in (1, 3):
        workdir = tmp_path / f"shards{shards}"
        workdir.mkdir()
        result = snakemake(workdir, {"samples": {"rnd": {"source": "lhco", "path": path, "shards": shards}}})
        assert result.returncode == 0, result.stderr[-3000:]
        tables.append(pd.read_parquet(workdir / "results/features/rnd.parquet"))
    assert len(tables[0]) > 10
    pd.testing.assert_frame_equal(tables[0], tables[1], check_exact=True)


def test_every_model_is_trained_and_sampled(tiny_run):
    test_split = pd.read_parquet(tiny_run / "results/splits/test.parquet")
    for model in TINY["models"]:
        assert (tiny_run / f"results/models/{model}/model.pt").stat().st_size > 0
        history = pd.read_csv(tiny_run / f"results/models/{model}/history.csv")
        assert len(history) == TINY["models"][model]["epochs"]
        samples = pd.read_parquet(tiny_run / f"results/samples/{model}.parquet")
        assert len(samples) == len(test_split)
        assert set(MODEL_FEATURES) <= set(samples.columns)


def test_changing_one_models_hyperparameters_reruns_only_that_model(tiny_run):
    config = yaml.safe_load(yaml.safe_dump(TINY))
    config["models"]["gan"]["lr"] = 5.0e-4
    jobs = planned_jobs(snakemake(tiny_run, config, "--dry-run"))
    downstream = {"validate", "validation_figures", "latent_figures", "validation_summary", "training_curves"}
    downstream |= {"anomaly", "anomaly_summary", "paper", "all"}
    assert {job.split("[")[0] for job in jobs} <= {"train", "sample"} | downstream
    assert {job for job in jobs if job.startswith(("train", "sample"))} == {"train[model=gan]", "sample[model=gan]"}


def test_a_configfile_is_the_whole_config(tmp_path):
    """A user's --configfile replaces config.yaml: one sample and one model plan exactly their jobs."""
    (tmp_path / "config.yaml").write_text((ROOT / "config.yaml").read_text())  # the default, as in a checkout
    mine = {"samples": {"qcd": {"source": "pythia", "events": 300, "shards": 2}}, "models": {"flow": {"kind": "flow"}}}
    (tmp_path / "my.yaml").write_text(yaml.safe_dump(mine))
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", str(tmp_path)]
    mine_file = str(tmp_path / "my.yaml")
    result = subprocess.run([*command, "--configfile", mine_file, "--dry-run"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    jobs = planned_jobs(result)
    assert {job for job in jobs if job.startswith(("ingest", "train"))} == {
        "ingest[sample=qcd, shard=0]",
        "ingest[sample=qcd, shard=1]",
        "train[model=flow]",
    }
    assert "extended by additional config" not in result.stdout + result.stderr
    default = subprocess.run([*command, "--dry-run"], capture_output=True, text=True)
    assert "train[model=gan]" in planned_jobs(default)  # without --configfile, config.yaml is the config


def test_mixed_label_file_trains_on_background_and_scores_both_labels(tmp_path):
    rows, _ = random_lhco_rows(240, seed=5)
    path = write_lhco(tmp_path / "rnd.h5", rows)
    model = {"kind": "flow", "epochs": 2, "batch_size": 32, "hidden": [8], "transforms": 1, "bins": 4}
    config = {"samples": {"rnd": {"source": "lhco", "path": path, "shards": 1}}, "train_on": ["rnd"]}
    config["models"] = {"flow": model}
    result = snakemake(tmp_path, config, "results/anomaly/summary.csv")
    assert result.returncode == 0, result.stderr[-3000:]
    splits = [pd.read_parquet(tmp_path / f"results/splits/{part}.parquet") for part in ("train", "val", "test")]
    assert all((part["label"] == 0).all() for part in splits)
    summary = pd.read_csv(tmp_path / "results/anomaly/summary.csv")
    assert set(summary["model"]) >= {"flow", "mj1 cut"}
    scored = json.loads((tmp_path / "results/anomaly/flow/auc.json").read_text())
    table = pd.read_parquet(tmp_path / "results/features/rnd.parquet")
    assert scored["signal_events"] == (table["label"] == 1).sum()  # every signal event is unseen and scored
    assert scored["background_events"] == len(splits[2])


def test_config_mistakes_stop_the_run_before_any_job(tmp_path):
    base = {"samples": {"qcd": {"source": "pythia", "events": 3, "shards": 4}}, "models": {"flow": {"kind": "flow"}}}
    result = snakemake(tmp_path, base)
    assert result.returncode != 0
    assert "samples.qcd.events: 3 events cannot fill 4 shards" in result.stdout + result.stderr
    assert not (tmp_path / "results/events").exists()
    base["samples"]["qcd"]["events"] = 30
    result = snakemake(tmp_path, base | {"threads": "two"}, "--dry-run")
    output = (result.stdout + result.stderr).splitlines()
    assert "threads: 'two' is not of type 'integer' (config.schema.yaml)" in output
    assert len(output) < 8  # the cause, not a schema dump


def test_lhco_files_are_read_in_place_and_r_reruns_only_cluster_and_features(tmp_path):
    path = write_lhco(tmp_path / "rnd.h5", random_lhco_rows(30, seed=3)[0])
    config = {"samples": {"rnd": {"source": "lhco", "path": path, "shards": 2}}, "train_on": ["rnd"]}
    result = snakemake(tmp_path, config, "results/features/rnd.parquet")
    assert result.returncode == 0, result.stderr[-3000:]
    assert not (tmp_path / "results/events").exists()  # no copy of the file's particles
    for clustering in ({"R": 0.8}, {"R0": 0.8}):
        rerun = snakemake(tmp_path, config | {"clustering": clustering}, "results/features/rnd.parquet", "--dry-run")
        assert sorted(job.split("[")[0] for job in planned_jobs(rerun)) == ["cluster", "cluster", "features"]


def test_planning_imports_no_heavy_library(tmp_path):
    # Snakemake parses the workflow at every start, and on a cluster once more in every job: torch, sklearn,
    # scipy.stats or fastjet at parse time cost 1-3 s each time (the rules import only light modules).
    heavy = ("torch", "sklearn", "scipy.stats", "fastjet", "awkward", "matplotlib")
    qcd_sr = {"source": "pythia", "process": "qcd", "events": 10, "mhat_window": [3000.0, 4000.0]}
    config = TINY | {"samples": TINY["samples"] | {"qcd_sr": qcd_sr}, "search": {"inject": [0]}}
    command = snakemake_command(tmp_path, config, "--dry-run")
    program = (
        "import sys\nfrom snakemake.cli import main\ntry:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        f"print('LOADED', [name for name in {heavy!r} if name in sys.modules])"
    )
    result = subprocess.run([sys.executable, "-c", program, *command[3:]], capture_output=True, text=True)
    assert "LOADED []" in result.stdout, result.stdout[-2000:] + result.stderr[-2000:]
