"""How a finished run's time splits by stage, from Snakemake's per-job benchmark files.

`python -m benchmarks.stage_times [results/benchmarks]` prints, per rule, the number of jobs, the summed
wall seconds of its jobs (inflated when more jobs run than there are cores), their summed CPU seconds,
and the largest peak RSS. The paper stage writes the same numbers to results/paper/timings.json.
"""

import sys

from dijetgen.provenance import stage_times

if __name__ == "__main__":
    print(stage_times(sys.argv[1] if len(sys.argv) > 1 else "results/benchmarks").to_string(index=False))
