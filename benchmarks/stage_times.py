"""How a finished run's time splits by stage, from Snakemake's per-job benchmark files.

`python -m benchmarks.stage_times [results/benchmarks]` prints, per rule, the number of jobs, the summed
wall seconds of its jobs (inflated when more jobs run than there are cores), their summed CPU seconds,
and the largest peak RSS.
"""

import sys
from pathlib import Path

import pandas as pd


def stage_times(root: Path) -> pd.DataFrame:
    rows = []
    for stage_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        jobs = [pd.read_csv(f, sep="\t") for f in stage_dir.rglob("*.tsv")]
        table = pd.concat(jobs)
        rows.append(
            {
                "stage": stage_dir.name,
                "jobs": len(jobs),
                "job_seconds": table["s"].sum(),
                "cpu_seconds": pd.to_numeric(table["cpu_time"], errors="coerce").sum(),
                "max_rss_mb": pd.to_numeric(table["max_rss"], errors="coerce").max(),
            }
        )
    return pd.DataFrame(rows)


if __name__ == "__main__":
    print(stage_times(Path(sys.argv[1] if len(sys.argv) > 1 else "results/benchmarks")).to_string(index=False))
