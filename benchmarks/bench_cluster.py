"""Cluster + features throughput on LHCO-format data, against the loop of the official LHCO example.

The reference does what the LHCO R&D example does, per event: take the row's non-zero particles, cluster
anti-kT R = 1.0 with fastjet, keep jets above 20 GeV, and compute mjj of the two leading ones. pyjet no
longer builds against NumPy 2, so the loop uses fastjet's classic PseudoJet interface, the faster of
fastjet's per-event interfaces (a one-event Awkward array per loop step is 16x slower). All figures come
from one run on the same file: `make bench`, or `python -m benchmarks.bench_cluster [n_events]`.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import awkward as ak
import fastjet
import numpy as np
import pandas as pd
import yaml

from benchmarks.lhco_file import write_lhco_file
from dijetgen.clustering import cluster
from dijetgen.features import add_derived
from dijetgen.jets import leading_dijets
from dijetgen.sources import read_shard

ROOT = Path(__file__).resolve().parents[1]
CLUSTERING = {"algorithm": "antikt", "R": 1.0, "min_jet_pt": 20.0, "beta": 1.0}
SELECTION = {"min_pt": 1200.0, "max_abs_eta": 2.5}
JET_DEF = fastjet.JetDefinition(fastjet.antikt_algorithm, 1.0)


def _mjj(j1, j2) -> float:
    e, px, py, pz = (a + b for a, b in zip(j1, j2))
    return float(np.sqrt(max(e * e - px * px - py * py - pz * pz, 0.0)))


def _event_cartesian(row: np.ndarray):
    particles = row[:-1].reshape(-1, 3)
    pt, eta, phi = particles[particles[:, 0] > 0].T
    return pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta), pt * np.cosh(eta)


def reference_classic(path: str) -> list[float]:
    """Per event: a vectorised particle array, PseudoJets, fastjet's classic ClusterSequence."""
    masses = []
    for row in pd.read_hdf(path).to_numpy():
        px, py, pz, e = _event_cartesian(row)
        inputs = [fastjet.PseudoJet(*p) for p in zip(px.tolist(), py.tolist(), pz.tolist(), e.tolist())]
        jets = fastjet.sorted_by_pt(fastjet.ClusterSequence(inputs, JET_DEF).inclusive_jets(20.0))
        if len(jets) >= 2:
            masses.append(_mjj(*((j.E(), j.px(), j.py(), j.pz()) for j in jets[:2])))
    return masses


def ours_jets_and_mjj(path: str) -> np.ndarray:
    """The pipeline's vectorised path on the same work: read, cluster, two leading jets, mjj."""
    events = read_shard({"source": "lhco", "path": path}, "bench", 0, 1)
    jets = cluster(events.particles, "antikt", 1.0, 20.0)
    two = jets[ak.num(jets) >= 2][:, :2]
    e, px, py, pz = (ak.to_numpy(two[:, 0][c] + two[:, 1][c]) for c in ("E", "px", "py", "pz"))
    return np.sqrt(np.maximum(e**2 - px**2 - py**2 - pz**2, 0.0))


def ours_full(path: str) -> pd.DataFrame:
    """The cluster + features stages in one process: selection, tau_1..3 of both jets, derived columns."""
    events = read_shard({"source": "lhco", "path": path}, "bench", 0, 1)
    table, _ = leading_dijets(events, CLUSTERING, SELECTION)
    return add_derived(table)


def whole_stage_on_all_cores(path: str, cores: int) -> float:
    """Wall time of `snakemake --cores N` for ingest + cluster + features with one shard per core."""
    with tempfile.TemporaryDirectory() as workdir:
        config = {"samples": {"rnd": {"source": "lhco", "path": path, "shards": cores}}}
        config_file = Path(workdir) / "config.yaml"
        config_file.write_text(yaml.safe_dump(config))
        command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", workdir]
        command += ["--configfile", str(config_file), "--cores", str(cores), "--quiet"]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main(n_events: int = 20_000) -> None:
    path = write_lhco_file(str(ROOT / f"results/bench/lhco_qcd_{n_events}.h5"), n_events)
    cores = os.cpu_count()
    t_ref, m_ref = timed(reference_classic, path)
    t_same, m_ours = timed(ours_jets_and_mjj, path)
    t_full, _ = timed(ours_full, path)
    t_stage = whole_stage_on_all_cores(path, cores)
    assert np.allclose(np.sort(m_ours), np.sort(m_ref), rtol=1e-9), "pipeline and reference disagree on mjj"
    rate = lambda t: n_events / t  # noqa: E731
    print(f"LHCO-format file: {n_events} Pythia QCD events, {cores} cores")
    print(f"reference loop, fastjet classic PseudoJets : {t_ref:7.2f} s  {rate(t_ref):7.0f} ev/s")
    print(
        f"ours, 1 core, jets + mjj                   : {t_same:7.2f} s  {rate(t_same):7.0f} ev/s"
        f"  ratio {t_ref / t_same:.2f}x (target >= 1.0)"
    )
    print(
        f"ours, 1 core, + tau1..3 and all features   : {t_full:7.2f} s  {rate(t_full):7.0f} ev/s"
        f"  ratio {t_ref / t_full:.2f}x (target >= 0.6)"
    )
    print(
        f"ours, snakemake --cores {cores}, {cores} shards     : {t_stage:7.2f} s  {rate(t_stage):7.0f} ev/s"
        f"  ratio {t_ref / t_stage:.2f}x (target >= 1.5)"
    )


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
