"""Pythia 8 generation throughput per core, for both default processes: `python -m benchmarks.bench_pythia`."""

import sys
import time

from dijetgen.config import sample_settings
from dijetgen.sources import read_shard


def events_per_second(process: str, n_events: int) -> float:
    sample = sample_settings(
        {"seed": 1, "shards": 1, "samples": {process: {"source": "pythia", "process": process, "events": n_events}}},
        process,
    )
    start = time.perf_counter()
    read_shard(sample, process, 0, 1)
    return n_events / (time.perf_counter() - start)


def main(n_events: int = 1000) -> None:
    rates = {process: events_per_second(process, n_events) for process in ("qcd", "wprime")}
    for process, rate in rates.items():
        print(f"pythia {process:6s}: {rate:6.0f} events/s on one core ({n_events} events, init included)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
