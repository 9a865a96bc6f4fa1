"""Write Pythia QCD events to files in the LHC Olympics 2020 R&D format, for benchmarks.

Two kinds of file:

- `write_lhco_file`: the visible Pythia particles themselves (about 540 per event);
- `write_delphes_like_file`: the same events after a crude calorimeter, so that the particle count per
  event matches the real R&D file (Delphes output: 170 massless particles per event on average, median
  160, max 482). Particles are summed into (eta, phi) cells of `TOWER_CELL` and cells below
  `TOWER_MIN_PT` are dropped; both were tuned to that multiplicity. The events are tiled, each copy
  rotated in phi, to reach 100k events without generating them all.
"""

import os
from multiprocessing import Pool

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.sources import read_shard
from dijetgen.sources.lhco import N_COLUMNS

MAX_PARTICLES = (N_COLUMNS - 1) // 3
TOWER_CELL = 0.1  # eta and phi width of a tower
TOWER_MIN_PT = 0.55  # GeV


def _generate(args):
    n_events, shard, n_shards = args
    sample = {"source": "pythia", "process": "qcd", "pthat_min": 1000.0, "events": n_events, "seed": 2020, "label": 0}
    return read_shard(sample, "bench", shard, n_shards)


def pythia_events(path: str, n_events: int, processes: int = os.cpu_count()) -> ak.Array:
    """`n_events` QCD events generated on all cores, cached in an events parquet file at `path`."""
    if not os.path.exists(path):
        with Pool(processes) as pool:
            shards = pool.map(_generate, [(n_events, i, processes) for i in range(processes)])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ak.to_parquet(ak.concatenate(shards), path)
    return ak.from_parquet(path)


def towers(events: ak.Array, cell: float = TOWER_CELL, min_pt: float = TOWER_MIN_PT) -> ak.Array:
    """Each event's particles summed into (eta, phi) cells, as massless particles of the summed momentum."""
    p = events.particles
    counts = ak.to_numpy(ak.num(p))
    owner = np.repeat(np.arange(len(events)), counts)
    pt, eta, phi, mass = (ak.to_numpy(ak.flatten(p[name])) for name in ("pt", "eta", "phi", "mass"))
    n_phi = int(np.ceil(2 * np.pi / cell))
    eta_cell = np.floor(eta / cell).astype(np.int64) + 500  # >= 0 for |eta| < 50 cells
    phi_cell = np.floor((phi + np.pi) / cell).astype(np.int64) % n_phi
    key = owner * 10**6 + eta_cell * 10**3 + phi_cell
    cells, index = np.unique(key, return_inverse=True)
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    e = np.sqrt(px**2 + py**2 + pz**2 + mass**2)
    sums = [np.bincount(index, weights=w, minlength=len(cells)) for w in (px, py, pz, e)]
    tower_pt, tower_eta, tower_phi, _ = cartesian_to_collider(*sums)
    keep = tower_pt > min_pt
    tower_counts = np.bincount((cells[keep] // 10**6).astype(np.int64), minlength=len(events))
    jagged = [ak.unflatten(v[keep], tower_counts) for v in (tower_pt, tower_eta, tower_phi)]
    return make_events(*jagged, ak.zeros_like(jagged[0]), events.event, events.label)


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


def tile_rows(rows: np.ndarray, copies: int) -> np.ndarray:
    """`copies` copies of LHCO rows, copy k rotated by k radians in phi, so no two events are the same."""
    phi = rows[:, 2:-1:3]  # (pT, eta, phi) triples: phi is every third column from 2
    tiles = []
    for copy in range(copies):
        tile = rows.copy()
        tile[:, 2:-1:3] = np.where(rows[:, 0:-1:3] > 0, np.remainder(phi + copy + np.pi, 2 * np.pi) - np.pi, 0.0)
        tiles.append(tile)
    return np.concatenate(tiles)


def _write(path: str, rows: np.ndarray) -> str:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pd.DataFrame(rows).to_hdf(path, key="df", format="fixed")
    return path


def write_lhco_file(path: str, n_events: int) -> str:
    """Generate `n_events` QCD events on all cores and store them in the LHCO layout (cached by path)."""
    if os.path.exists(path):
        return path
    return _write(path, lhco_rows(pythia_events(path.replace(".h5", ".parquet"), n_events)))


def write_delphes_like_file(path: str, n_pythia: int, copies: int) -> str:
    """`n_pythia` generated events as towers, tiled `copies` times: an R&D-like file (cached by path)."""
    if os.path.exists(path):
        return path
    events = pythia_events(os.path.join(os.path.dirname(path), f"pythia_qcd_{n_pythia}.parquet"), n_pythia)
    return _write(path, tile_rows(lhco_rows(towers(events)), copies))
