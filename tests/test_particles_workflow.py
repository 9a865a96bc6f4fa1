"""Integration: the particle layer on a tiny Pythia sample, from constituent files to validation_particles."""

import awkward as ak
import pandas as pd
import pytest
from conftest import TINY, TINY_MODEL, planned_jobs, snakemake

from dijetgen.columns import PARTICLE_FIGURES

pytestmark = pytest.mark.slow

JETS = ["ptj1", "etaj1", "mj1", "nconst_j1", "ptj2", "etaj2", "mj2", "nconst_j2"]
EPIC = {"kind": "epicfm", "epochs": 2, "batch_size": 32, "hidden": [16, 16], "global_dim": 8}
PARTICLES = {
    "seed": 7,
    "samples": {"qcd": TINY["samples"]["qcd"] | {"events": 300, "shards": 2}},
    "constituents": {"cap": 100},
    # A tiny jet-level flow generates whole events' jets, which the particle model then dresses (from_model).
    "features": JETS + ["efp5j1", "tau5j1"],
    "models": {"flow": {"kind": "flow", "transforms": 1, "bins": 4} | TINY_MODEL},
    "particle_models": {"epic": EPIC | {"solver": "euler", "steps": 4, "from_model": "flow"}},
    "validation": {"bins": 20, "classifier_folds": 2, "bootstrap": 3, "fpd_points": 3, "fpd_batches": 3},
}


def test_particle_layer_end_to_end(tmp_path):
    result = snakemake(tmp_path, PARTICLES)
    assert result.returncode == 0, result.stderr[-3000:]
    results = tmp_path / "results"
    summary = pd.read_csv(results / "validation_particles/summary.csv")
    assert summary["model"].tolist() == ["epic", "flow+epic"]
    for column in ("w1m_ratio", "w1p_ratio", "multiplicity_w1_ratio", "w1efp_ratio", "fpd", "fpd_floor", "kpd"):
        assert column in summary.columns
    assert summary.loc[0, "classifier_auc"] >= summary.loc[0, "classifier_auc_floor"] - 0.2
    for sample in ("epic", "flow+epic"):
        for name in PARTICLE_FIGURES:
            assert (results / f"validation_particles/{sample}/figures/{name}.png").stat().st_size > 0
    # The particle stage's table and figures are in the paper bundle.
    assert "w1m" in (results / "paper/tables/particles.tex").read_text()
    assert (results / "paper/figures/validation_particles_flow+epic_mass_from_particles.pdf").stat().st_size > 0
    # The particles follow the feature table's split, event for event; the samples sit at the test jets.
    for part in ("train", "val", "test"):
        table = pd.read_parquet(results / f"splits/{part}.parquet")
        rows = ak.from_parquet(results / f"particles/splits/{part}.parquet")
        assert rows.event.tolist() == table["event"].tolist()
    test = pd.read_parquet(results / "splits/test.parquet")
    generated = ak.from_parquet(results / "particle_samples/epic.parquet")
    assert generated.event.tolist() == test["event"].tolist()
    assert ak.num(generated.j1).tolist() == test["nconst_j1"].clip(upper=100).tolist()
    # Whole events: the flow's generated jets, each dressed with as many particles as its rounded multiplicity.
    jets = pd.read_parquet(results / "samples/flow.parquet")
    events = ak.from_parquet(results / "particle_samples/flow+epic.parquet")
    assert events.event.tolist() == list(range(len(jets)))
    assert ak.num(events.j2).tolist() == jets["nconst_j2"].round().clip(1, 100).astype(int).tolist()
    # Cached like every stage: nothing to do on a second run; a new model entry retrains only the particles.
    assert planned_jobs(snakemake(tmp_path, PARTICLES, "--dry-run")) == set()
    changed = PARTICLES | {"particle_models": {"epic": PARTICLES["particle_models"]["epic"] | {"global_dim": 4}}}
    rerun = {job.split("[")[0] for job in planned_jobs(snakemake(tmp_path, changed, "--dry-run"))}
    assert rerun == {"train_particles", "sample_particles", "validate_particles"}  # (jobs with wildcards)
    # Which events a particle model dresses is no part of its training.
    epic = {key: value for key, value in PARTICLES["particle_models"]["epic"].items() if key != "from_model"}
    closure_only = PARTICLES | {"particle_models": {"epic": epic}}
    assert planned_jobs(snakemake(tmp_path, closure_only, "--dry-run")) == set()


def test_without_constituents_nothing_of_the_particle_layer_is_planned(tmp_path):
    config = PARTICLES | {"features": ["ptj1", "mj1"]}
    del config["constituents"]
    result = snakemake(tmp_path, config | {"particle_models": {}}, "--dry-run")
    assert result.returncode == 0, result.stderr[-2000:]
    assert not {job for job in planned_jobs(result) if "particle" in job or "constituents" in job}
    refused = snakemake(tmp_path, config, "--dry-run")
    assert refused.returncode != 0
    assert "particle_models.epic: needs `constituents:`" in refused.stdout + refused.stderr
