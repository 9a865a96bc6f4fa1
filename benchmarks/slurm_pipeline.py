"""The whole default pipeline through `--profile profiles/slurm` on the one-node SLURM test cluster.

`python -m benchmarks.slurm_pipeline WORKDIR [QCD_EVENTS] [WPRIME_EVENTS]` starts the cluster of
tests/slurm_cluster.py (needs root, Debian's slurm-wlm and munge), runs `snakemake --profile profiles/slurm`
in WORKDIR on config.yaml with fewer events (12 000 QCD and 1 000 W' by default; everything else as the
default run), and prints the return code, the wall time, how many jobs went to sbatch, the steps done, and
whether both summaries (validation and anomaly) were written. Too long for the test suite; tests/test_slurm.py checks
the profile on the feature stages.
"""

import re
import subprocess
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from slurm_cluster import SlurmCluster, unavailable  # noqa: E402 (the cluster helper lives with the tests)

SUBMITTED = re.compile(r"Job \S+ has been submitted with SLURM jobid (\d+)")  # group jobs have a UUID
SUMMARIES = ("results/validation/summary.csv", "results/anomaly/summary.csv")


def main(workdir: Path, qcd_events: int = 12000, wprime_events: int = 1000) -> int:
    reason = unavailable()
    if reason:
        print(reason, file=sys.stderr)
        return 2
    workdir.mkdir(parents=True, exist_ok=True)
    config = yaml.safe_load((ROOT / "config.yaml").read_text())
    config["samples"]["qcd"]["events"] = qcd_events
    config["samples"]["wprime"]["events"] = wprime_events
    config_file = workdir / "config.yaml"
    config_file.write_text(yaml.safe_dump(config))
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(ROOT / "Snakefile"),
        "--directory",
        str(workdir),
        "--profile",
        str(ROOT / "profiles" / "slurm"),
        "--configfile",
        str(config_file),
    ]
    with SlurmCluster(min_memory_mb=16000) as cluster:
        start = time.monotonic()
        result = subprocess.run(command, env=cluster.env, capture_output=True, text=True)
        wall = time.monotonic() - start
    log = result.stdout + result.stderr
    (workdir / "snakemake.log").write_text(log)
    finished = re.findall(r"(\d+) of (\d+) steps \(100%\) done", log)
    written = {path: (workdir / path).exists() for path in SUMMARIES}
    print(f"rc {result.returncode}, wall {wall:.0f} s, {len(SUBMITTED.findall(log))} sbatch submissions")
    print(f"steps done: {finished[-1] if finished else 'not all'}; summaries: {written}")
    return 0 if result.returncode == 0 and all(written.values()) else 1


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args:
        sys.exit(__doc__)
    sys.exit(main(Path(args[0]), *(int(value) for value in args[1:3])))
