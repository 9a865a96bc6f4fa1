"""Peak memory per job of ingest, cluster and features on LHCO-format files of two sizes.

The large file tiles the Pythia events of the small one (each copy rotated in phi, so no two events are
identical); memory, not physics, is what is measured. `python -m benchmarks.bench_memory [small] [copies]`.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

from benchmarks.lhco_file import tile_rows, write_lhco_file
from dijetgen.provenance import stage_times

ROOT = Path(__file__).resolve().parents[1]


def tiled_lhco_file(small: str, copies: int) -> str:
    path = small.replace(".h5", f"_x{copies}.h5")
    if not os.path.exists(path):
        pd.DataFrame(tile_rows(pd.read_hdf(small).to_numpy(), copies)).to_hdf(path, key="df", format="fixed")
    return path


def run_features(path: str, shards: int, cores: int) -> tuple[float, pd.DataFrame]:
    with tempfile.TemporaryDirectory() as workdir:
        config_file = Path(workdir) / "config.yaml"
        config_file.write_text(yaml.safe_dump({"samples": {"rnd": {"source": "lhco", "path": path, "shards": shards}}}))
        command = [sys.executable, "-m", "snakemake", "--snakefile", str(ROOT / "Snakefile"), "--directory", workdir]
        command += ["--configfile", str(config_file), "--cores", str(cores), "--quiet"]
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        return time.perf_counter() - start, stage_times(Path(workdir) / "results/benchmarks")


def main(n_small: int = 20_000, copies: int = 10, shards: int = 4) -> None:
    small = write_lhco_file(str(ROOT / f"results/bench/lhco_qcd_{n_small}.h5"), n_small)
    cores = os.cpu_count()
    for path, n_events in ((small, n_small), (tiled_lhco_file(small, copies), n_small * copies)):
        wall, stages = run_features(path, shards, cores)
        size_gb = os.path.getsize(path) / 1e9
        print(f"\n{n_events} events ({size_gb:.1f} GB file), {shards} shards, {cores} cores: {wall:.0f} s wall")
        print(stages.to_string(index=False))


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
