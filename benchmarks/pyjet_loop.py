"""The official LHC Olympics 2020 R&D example loop, run with pyjet in a venv of its own.

pyjet needs NumPy < 2, so bench_cluster.py runs this file with another interpreter (`--pyjet-python`).
It follows the example: read the file with pandas, then per event build pyjet's (pT, eta, phi, mass)
input from the row's non-zero particles, cluster anti-kT R = 1.0, keep jets above 20 GeV, and compute
mjj of the two leading jets. The example fills the input particle by particle in Python; here it is one
NumPy mask per event, which makes the reference faster, never slower. Prints one JSON line: the wall
time, the CPU time spent in pyjet's clustering alone, and the mjj of every event (NaN with fewer than two
jets), so the caller can check that both sides agree.

    python benchmarks/pyjet_loop.py FILE.h5
"""

import json
import sys
import time

import numpy as np
import pandas as pd
from pyjet import DTYPE_PTEPM, cluster


def mjj_of_leading_jets(path: str) -> tuple[list[float], float]:
    """mjj per event, and the CPU seconds spent in pyjet's clustering (cluster and inclusive_jets)."""
    masses, clustering = [], 0.0
    for row in pd.read_hdf(path).to_numpy():
        particles = row[:-1].reshape(-1, 3)
        particles = particles[particles[:, 0] > 0]
        inputs = np.zeros(len(particles), dtype=DTYPE_PTEPM)
        inputs["pT"], inputs["eta"], inputs["phi"] = particles.T
        start = time.process_time()
        jets = cluster(inputs, R=1.0, p=-1).inclusive_jets(ptmin=20)
        clustering += time.process_time() - start
        if len(jets) >= 2:
            j1, j2 = jets[0], jets[1]
            e, px, py, pz = j1.e + j2.e, j1.px + j2.px, j1.py + j2.py, j1.pz + j2.pz
            masses.append(float(np.sqrt(max(e * e - px * px - py * py - pz * pz, 0.0))))
        else:
            masses.append(float("nan"))
    return masses, clustering


if __name__ == "__main__":
    start = time.perf_counter()
    mjj, clustering = mjj_of_leading_jets(sys.argv[1])
    print(json.dumps({"seconds": time.perf_counter() - start, "clustering_cpu": clustering, "mjj": mjj}))
