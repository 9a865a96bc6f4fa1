"""HepMC3 ASCII files read with pyhepmc; visible final-state particles (status 1, no neutrinos)."""

import os

import awkward as ak
import numpy as np

from dijetgen.errors import InputError
from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.sources.pythia import INVISIBLE
from dijetgen.sources.sharding import shard_range


def count_events(path: str) -> int:
    """Count event records without parsing them: every HepMC3 ASCII event starts with a line 'E '."""
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.startswith(b"E "))


def read_shard(sample: dict, name: str, shard: int, n_shards: int) -> ak.Array:
    import pyhepmc

    path = sample["path"]
    if not os.path.exists(path):
        raise InputError(f"{path}: file not found")
    n_total = count_events(path)
    if n_total == 0:
        raise InputError(f"{path}: no HepMC3 events found")
    n_events = min(n_total, sample.get("events") or n_total)
    start, stop = shard_range(n_events, shard, n_shards, f"samples.{name}")
    columns = ([], [], [], [])  # pt, eta, phi, mass per event
    with pyhepmc.open(path) as reader:
        for index, event in enumerate(reader):
            if index >= stop:
                break
            if index < start:
                continue
            prt = event.numpy.particles
            keep = (prt.status == 1) & ~np.isin(np.abs(prt.pid), INVISIBLE)
            to_gev = 1e-3 if event.momentum_unit == pyhepmc.Units.MEV else 1.0
            momenta = (to_gev * prt.px[keep], to_gev * prt.py[keep], to_gev * prt.pz[keep], to_gev * prt.e[keep])
            for column, values in zip(columns, cartesian_to_collider(*momenta)):
                column.append(values)
    # pyhepmc stops quietly at an event it cannot parse.
    if len(columns[0]) != stop - start:
        raise InputError(f"{path}: event {start + len(columns[0])} cannot be parsed (damaged or truncated file)")
    jagged = [ak.Array(values) for values in columns]
    return make_events(*jagged, event=np.arange(start, stop), label=np.full(stop - start, sample["label"]))
