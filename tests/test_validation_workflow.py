"""Integration: validation, anomaly detection and the report on the tiny workflow run."""

import json

import pandas as pd
import pytest
from conftest import TINY, planned_jobs, snakemake

from dijetgen.columns import observable_names

# Every test here runs Snakemake.
pytestmark = pytest.mark.slow


def test_every_model_has_metrics_and_a_summary_row(tiny_run):
    models = sorted(TINY["models"])
    summary = pd.read_csv(tiny_run / "results/validation/summary.csv")
    assert sorted(summary["model"]) == models
    assert {"median_w1_ratio", "fpd", "kpd", "classifier_auc", "classifier_auc_floor"} <= set(summary.columns)
    for model in models:
        metrics = json.loads((tiny_run / f"results/validation/{model}/metrics.json").read_text())
        features = metrics["correlation"]["features"]
        assert list(metrics["observables"]) == observable_names(features)
        for figure in observable_names(features) + ["correlation_difference"]:
            for ext in ("png", "pdf"):
                assert (tiny_run / f"results/validation/{model}/figures/{figure}.{ext}").stat().st_size > 0


def test_anomaly_outputs_include_the_mj1_baseline(tiny_run):
    summary = pd.read_csv(tiny_run / "results/anomaly/summary.csv")
    assert "mj1 cut" in set(summary["model"])
    assert summary["auc"].between(0, 1).all()
    for name in ("roc_all", "sic_all"):
        assert (tiny_run / f"results/anomaly/figures/{name}.pdf").stat().st_size > 0


def test_report_holds_every_figure_with_a_category_per_model(tiny_run):
    result = snakemake(tiny_run, TINY, "--report", "results/report.html")
    assert result.returncode == 0, result.stderr[-3000:]
    html = (tiny_run / "results/report.html").read_text()
    # results/paper/figures/ holds copies of these, under other names (test_paper.py checks them).
    figures = [
        path.relative_to(tiny_run).as_posix()
        for path in (tiny_run / "results").rglob("*.png")
        if "results/paper/" not in path.as_posix()
    ]
    assert len(figures) > 10
    missing = [figure for figure in figures if figure not in html]
    assert not missing, f"not in the report: {missing}"
    for model in TINY["models"]:
        assert f'"{model}"' in html  # its category
    for table in ("fidelity", "anomaly", "cutflow", "samples"):
        assert f"results/paper/tables/{table}.tex" in html
    assert "results/paper/provenance.json" in html


def test_new_samples_of_one_model_redo_only_that_models_validation(tiny_run):
    model = "vae"
    result = snakemake(tiny_run, TINY, "--dry-run", "--forcerun", f"results/samples/{model}.parquet")
    jobs = planned_jobs(result)
    assert f"validate[model={model}]" in jobs and f"validation_figures[model={model}]" in jobs
    assert {job.split("[")[0] for job in jobs if "model=" in job and f"model={model}]" not in job} == set()


def test_beta_scan_reports_fidelity_and_latent_use_per_beta(tiny_run):
    scan = pd.read_csv(tiny_run / "results/beta_scan/summary.csv")
    assert scan["beta"].tolist() == TINY["beta_scan"]["betas"]
    assert scan["classifier_auc"].between(0, 1).all() and (scan["classifier_auc_error"] > 0).all()
    assert (
        scan["active_units"].between(0, TINY["models"]["vae"]["latent_dim"]).all() and (scan["kl_per_dim"] >= 0).all()
    )
    assert (tiny_run / "results/beta_scan/beta_scan.pdf").stat().st_size > 0
    history = pd.read_csv(tiny_run / "results/beta_scan/beta4/history.csv")
    assert len(history) == TINY["beta_scan"]["hparams"]["epochs"]
    summary = pd.read_csv(tiny_run / "results/validation/summary.csv").set_index("model")
    assert summary.loc[["vae", "bvae"], "active_units"].notna().all()
    assert summary.loc[["ae", "gan", "flow"], "active_units"].isna().all()
