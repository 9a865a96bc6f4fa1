"""Write Pythia QCD events to files in the LHC Olympics 2020 R&D format, for benchmarks.

Two kinds of file:

- `write_lhco_file`: the visible Pythia particles themselves (about 540 per event);
- `write_delphes_like_file`: events like the real R&D file. The R&D events were recorded with a 1.2 TeV
  jet trigger, so every one of them passes the pipeline's selection; here the Pythia events go through a
  crude energy-flow detector (`detector`) and only those that pass the same selection (`RND_SELECTION`)
  are kept (about 40% at pTHatMin 1 TeV). Like Delphes' energy flow, charged particles inside the tracker
  stay single particles, so the jets keep a realistic number of constituents (about 50 for j1 and j2,
  which sets the cost of N-subjettiness); the rest is summed into (eta, phi) towers. The two thresholds
  were tuned so that the kept events have the R&D file's multiplicity (170 massless particles per event
  on average, median 160, max 482). The events are tiled, each copy rotated in phi, to reach 100k events
  without generating them all.
"""

import os
from multiprocessing import Pool

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.clustering import cluster, to_cartesian
from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.jets import select_dijets
from dijetgen.sources import read_shard
from dijetgen.sources.lhco import N_COLUMNS
from dijetgen.sources.pythia import make_pythia, process_settings, shard_seed, visible_final_state

MAX_PARTICLES = (N_COLUMNS - 1) // 3
TRACK_MIN_PT = 1.0  # GeV
TRACKER_ABS_ETA = 2.5
TOWER_CELL = 0.1  # eta and phi width of a tower
TOWER_MIN_PT = 0.9  # GeV
QCD = {"source": "pythia", "process": "qcd", "pthat_min": 1000.0, "seed": 2020, "label": 0}
RND_SELECTION = {"min_pt": 1200.0, "max_abs_eta": 2.5}
GENERATION_BATCH = 5000  # Pythia events per task while collecting selected events


def _generate(args):
    n_events, shard, n_shards = args
    return read_shard(QCD | {"events": n_events}, "bench", shard, n_shards)


def _detected_batch(batch: int) -> ak.Array:
    """The events of one batch of GENERATION_BATCH QCD events, after `detector`, that pass the R&D selection."""
    pythia = make_pythia(process_settings(QCD), shard_seed(QCD["seed"], batch), "bench")
    prt = visible_final_state(pythia.nextBatch(GENERATION_BATCH, "skip"), pythia.particleData)
    species = np.unique(ak.to_numpy(ak.flatten(prt.id)))
    charged_species = species[[pythia.particleData.charge(int(pid)) != 0 for pid in species]]
    charged = ak.to_numpy(np.isin(ak.flatten(prt.id), charged_species))
    pt, eta, phi, mass = cartesian_to_collider(*(ak.to_numpy(ak.flatten(prt.p[c])) for c in ("px", "py", "pz", "e")))
    first = batch * GENERATION_BATCH
    events = detector(pt, eta, phi, mass, charged, ak.to_numpy(ak.num(prt)), np.arange(first, first + len(prt)))
    jets = cluster(to_cartesian(events.particles), "antikt", 1.0, 20.0)
    return events[select_dijets(jets, **RND_SELECTION)[0]]


def selected_detector_events(path: str, n_events: int, processes: int = os.cpu_count()) -> ak.Array:
    """The first `n_events` QCD events (after `detector`) that pass the R&D selection, cached at `path`.

    Pythia runs in batches of GENERATION_BATCH events, in order, until enough have passed (about 40% do
    at pTHatMin 1 TeV), so the events kept do not depend on the number of processes.
    """
    if not os.path.exists(path):
        kept, n_kept = [], 0
        with Pool(processes) as pool:
            # An upper bound on the batches needed; generation stops once enough events have passed.
            for selected in pool.imap(_detected_batch, range(10 * n_events // GENERATION_BATCH + 1)):
                kept.append(selected)
                n_kept += len(selected)
                if n_kept >= n_events:
                    break
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ak.to_parquet(ak.concatenate(kept)[:n_events], path)
    return ak.from_parquet(path)


def pythia_events(path: str, n_events: int, processes: int = os.cpu_count()) -> ak.Array:
    """`n_events` QCD events generated on all cores, cached in an events parquet file at `path`."""
    if not os.path.exists(path):
        with Pool(processes) as pool:
            shards = pool.map(_generate, [(n_events, i, processes) for i in range(processes)])
        os.makedirs(os.path.dirname(path), exist_ok=True)
        ak.to_parquet(ak.concatenate(shards), path)
    return ak.from_parquet(path)


def detector(pt, eta, phi, mass, charged, counts, event_ids) -> ak.Array:
    """Flat particles of events with `counts` particles each, seen as Delphes energy flow: charged particles
    above TRACK_MIN_PT within the tracker as themselves, everything else summed into (eta, phi) towers of
    TOWER_CELL, kept above TOWER_MIN_PT, as massless particles of the summed momentum."""
    owner = np.repeat(np.arange(len(counts)), counts)
    track = charged & (pt > TRACK_MIN_PT) & (np.abs(eta) < TRACKER_ABS_ETA)
    n_phi = int(np.ceil(2 * np.pi / TOWER_CELL))
    eta_cell = np.floor(eta / TOWER_CELL).astype(np.int64) + 500  # >= 0 for |eta| < 50 cells
    phi_cell = np.floor((phi + np.pi) / TOWER_CELL).astype(np.int64) % n_phi
    cells, index = np.unique((owner * 10**6 + eta_cell * 10**3 + phi_cell)[~track], return_inverse=True)
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    e = np.sqrt(px**2 + py**2 + pz**2 + mass**2)
    sums = [np.bincount(index, weights=w[~track], minlength=len(cells)) for w in (px, py, pz, e)]
    tower_pt, tower_eta, tower_phi, _ = cartesian_to_collider(*sums)
    keep = tower_pt > TOWER_MIN_PT
    # Tracks then towers, grouped by event with a stable sort.
    owners = np.concatenate([owner[track], cells[keep] // 10**6])
    order = np.argsort(owners, kind="stable")
    values = [
        np.concatenate([a[track], b[keep]])[order] for a, b in ((pt, tower_pt), (eta, tower_eta), (phi, tower_phi))
    ]
    jagged = [ak.unflatten(v, np.bincount(owners, minlength=len(counts))) for v in values]
    return make_events(*jagged, ak.zeros_like(jagged[0]), event_ids, np.zeros(len(counts), dtype=np.int8))


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


def write_delphes_like_file(path: str, n_selected: int, copies: int) -> str:
    """`n_selected` selected events after `detector`, tiled `copies` times: an R&D-like file (cached by path)."""
    if os.path.exists(path):
        return path
    events = selected_detector_events(
        os.path.join(os.path.dirname(path), f"rnd_like_events_{n_selected}.parquet"), n_selected
    )
    return _write(path, tile_rows(lhco_rows(events), copies))
