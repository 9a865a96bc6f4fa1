"""Shared test helpers: tiny event files in the formats the sources read, and the tiny workflow run."""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from filelock import FileLock

ROOT = Path(__file__).resolve().parents[1]

# `make test` runs one pytest-xdist worker per core, and each worker's Snakemake runs jobs on --cores 2.
# OpenMP (torch, sklearn's gradient boosting, BLAS) would start a thread per core in every one of them,
# and the spinning threads of the workers compete for the same cores: test_cfm took 31 s with them and
# 15.5 s with one thread each on the 2 loaded cores here. Set before anything imports torch; the jobs
# inherit it, and their scripts set torch's threads from the rule's `threads` anyway.
os.environ.setdefault("OMP_NUM_THREADS", "1")

LHCO_PARTICLES = 700
LHCO_COLUMNS = 3 * LHCO_PARTICLES + 1  # (pT, eta, phi) x 700, then the label

CLUSTERING = {"algorithm": "antikt", "R": 1.0, "min_jet_pt": 20.0, "beta": 1.0, "R0": 1.0}


def wrap_phi(phi):
    return np.remainder(phi + np.pi, 2 * np.pi) - np.pi


def dijet_particles(rng, n_hard=(10, 30), n_soft=(5, 20)) -> np.ndarray:
    """(n, 3) massless particles (pT, eta, phi): two back-to-back hard sprays plus soft ones, shuffled."""
    phi_axis = rng.uniform(-np.pi, np.pi)
    parts = []
    for eta_axis, phi in ((rng.uniform(-1.5, 1.5), phi_axis), (rng.uniform(-1.5, 1.5), phi_axis + np.pi)):
        n = rng.integers(n_hard[0], n_hard[1] + 1)
        pt = rng.uniform(600, 1500) * rng.dirichlet(np.ones(n))
        radius, angle = 0.4 * np.sqrt(rng.uniform(0, 1, n)), rng.uniform(0, 2 * np.pi, n)
        parts.append(np.column_stack([pt, eta_axis + radius * np.cos(angle), phi + radius * np.sin(angle)]))
    n_soft = rng.integers(n_soft[0], n_soft[1] + 1)
    parts.append(
        np.column_stack([rng.uniform(0.5, 5, n_soft), rng.uniform(-2.5, 2.5, n_soft), rng.uniform(-4, 4, n_soft)])
    )
    particles = rng.permutation(np.concatenate(parts))
    particles[:, 2] = wrap_phi(particles[:, 2])
    return particles


def lhco_rows(particle_lists, labels) -> np.ndarray:
    """Zero-padded LHCO rows (n_events, 2101) from per-event (n, 3) particle arrays."""
    rows = np.zeros((len(particle_lists), LHCO_COLUMNS))
    for row, particles in zip(rows, particle_lists):
        row[: particles.size] = particles.ravel()
    rows[:, -1] = labels
    return rows


def random_lhco_rows(n_events: int, seed: int = 0, **kwargs) -> tuple[np.ndarray, list[np.ndarray]]:
    """Rows of random dijet events with random labels, and the particle arrays they hold."""
    rng = np.random.default_rng(seed)
    particles = [dijet_particles(rng, **kwargs) for _ in range(n_events)]
    return lhco_rows(particles, rng.integers(0, 2, n_events)), particles


def write_lhco(path, rows: np.ndarray) -> str:
    """Write rows exactly as the LHCO R&D file: a pandas fixed-format table of float64 columns 0..N."""
    frame = pd.DataFrame(np.asarray(rows, dtype=np.float64), columns=range(rows.shape[1]))
    frame.to_hdf(path, key="df", format="fixed")
    return str(path)


def massless_cartesian(pt, eta, phi):
    """(px, py, pz, E) of massless particles, written out here independently of the package."""
    pt, eta, phi = (np.asarray(v, dtype=np.float64) for v in (pt, eta, phi))
    return pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), pt * np.cosh(eta)


@pytest.fixture
def lhco_file(tmp_path):
    """A 12-event LHCO-format file; returns (path, rows, particle arrays)."""
    rows, particles = random_lhco_rows(12, seed=1)
    return write_lhco(tmp_path / "events.h5", rows), rows, particles


TINY_MODEL = {"epochs": 3, "batch_size": 64, "hidden": [16], "patience": 5}
TINY = {
    "seed": 7,
    "shards": 2,
    "samples": {
        # A harder generator cut than the default (700 GeV) selects 8x more of these few events, at the
        # price of a 15% deficit at the 1.2 TeV threshold that these tests do not look at.
        "qcd": {"source": "pythia", "process": "qcd", "events": 400, "pthat_min": 1000.0},
        "wprime": {"source": "pythia", "process": "wprime", "events": 100, "shards": 1},
    },
    "models": {
        "ae": {"kind": "ae", "latent_dim": 3, "gmm_components": 2} | TINY_MODEL,
        "vae": {"kind": "vae", "latent_dim": 3, "beta": 1.0} | TINY_MODEL,
        "bvae": {"kind": "vae", "latent_dim": 3, "beta": 4.0} | TINY_MODEL,
        "gan": {"kind": "gan", "latent_dim": 4} | TINY_MODEL,
        "flow": {"kind": "flow", "transforms": 1, "bins": 4} | TINY_MODEL,
        # cfm and conditioning in one entry, to keep the tiny run short: a conditional cfm through every stage.
        "cfm": {"kind": "cfm", "condition": ["mjj"], "solver": "rk4", "steps": 4} | TINY_MODEL,
    },
    "beta_scan": {"betas": [1, 4], "base": "vae", "hparams": {"epochs": 2}},
}


def snakemake_command(workdir: Path, config: dict, *args: str) -> list[str]:
    """The command that runs the repository's Snakefile in `workdir`, with `config` written next to it.

    The file is named by its content and replaced atomically: tests in two pytest-xdist workers may plan
    different configs in the shared tiny run's folder at once, and none may read the other's.
    """
    text = yaml.safe_dump(config)
    config_file = workdir / f"config-{hashlib.sha1(text.encode()).hexdigest()[:12]}.yaml"
    partial = config_file.with_suffix(f".{os.getpid()}.partial")
    partial.write_text(text)
    os.replace(partial, config_file)
    command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile")]
    return command + ["--directory", str(workdir), "--configfile", str(config_file), "--cores", "2", *args]


def snakemake(workdir: Path, config: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(snakemake_command(workdir, config, *args), capture_output=True, text=True, timeout=1200)


def planned_jobs(result: subprocess.CompletedProcess) -> set[str]:
    """(rule, wildcards) of every job in a dry run's plan."""
    jobs, rule = set(), None
    for line in result.stdout.splitlines():
        line = line.strip()
        if line.startswith("rule ") and line.endswith(":"):
            rule = line[5:-1]
        elif line.startswith("wildcards:") and rule:
            jobs.add(f"{rule}[{line[len('wildcards:') :].strip()}]")
    return jobs


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory):
    """One real run of the whole workflow on TINY, shared by the integration tests that only read it.

    Under pytest-xdist (`make test`) each worker has a session of its own: the first worker to get here runs
    the workflow in the workers' common temporary folder, and the others wait for it and read that run.
    """
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent  # the folder of every worker's basetemp
    workdir, finished = shared / "tiny", shared / "tiny.finished"
    with FileLock(shared / "tiny.lock"):
        if not finished.exists():
            workdir.mkdir(exist_ok=True)
            result = snakemake(workdir, TINY)
            assert result.returncode == 0, result.stderr[-3000:]
            finished.touch()
    return workdir
