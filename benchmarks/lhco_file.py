"""Write Pythia QCD events to a file in the LHC Olympics 2020 R&D format, for benchmarks."""

import os
from multiprocessing import Pool

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.sources import read_shard
from dijetgen.sources.lhco import N_COLUMNS

MAX_PARTICLES = (N_COLUMNS - 1) // 3


def _generate(args):
    n_events, shard, n_shards = args
    sample = {"source": "pythia", "process": "qcd", "pthat_min": 1000.0, "events": n_events, "seed": 2020, "label": 0}
    return read_shard(sample, "bench", shard, n_shards)


def lhco_rows(events: ak.Array, seed: int = 0) -> np.ndarray:
    """Up to 700 hardest particles per event as zero-padded, shuffled (pT, eta, phi) rows plus a label."""
    rng = np.random.default_rng(seed)
    order = ak.argsort(events.particles.pt, axis=1, ascending=False)[:, :MAX_PARTICLES]
    particles = events.particles[order]
    rows = np.zeros((len(events), N_COLUMNS))
    for i, event in enumerate(particles):
        triples = np.column_stack([ak.to_numpy(event[name]) for name in ("pt", "eta", "phi")])
        rows[i, : 3 * len(triples)] = triples[rng.permutation(len(triples))].ravel()
    rows[:, -1] = ak.to_numpy(events.label)
    return rows


def write_lhco_file(path: str, n_events: int, processes: int = os.cpu_count()) -> str:
    """Generate `n_events` QCD events on all cores and store them in the LHCO layout (cached by path)."""
    if os.path.exists(path):
        return path
    with Pool(processes) as pool:
        shards = pool.map(_generate, [(n_events, i, processes) for i in range(processes)])
    frame = pd.DataFrame(lhco_rows(ak.concatenate(shards)))
    os.makedirs(os.path.dirname(path), exist_ok=True)
    frame.to_hdf(path, key="df", format="fixed")
    return path
