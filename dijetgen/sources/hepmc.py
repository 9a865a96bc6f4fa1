"""HepMC3 ASCII files read with pyhepmc; visible final-state particles (status 1, no neutrinos)."""

import itertools
import os
from collections.abc import Iterator

import awkward as ak
import numpy as np

from dijetgen.errors import InputError
from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.sources.pythia import INVISIBLE
from dijetgen.sources.sharding import chunk_ranges, shard_range


def count_events(path: str) -> int:
    """Count event records without parsing them: every HepMC3 ASCII event starts with a line 'E '."""
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.startswith(b"E "))


def _visible_kinematics(event, to_gev: float) -> tuple[np.ndarray, ...]:
    prt = event.numpy.particles
    keep = (prt.status == 1) & ~np.isin(np.abs(prt.pid), INVISIBLE)
    return cartesian_to_collider(*(to_gev * p[keep] for p in (prt.px, prt.py, prt.pz, prt.e)))


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    import pyhepmc

    path = sample["path"]
    if not os.path.exists(path):
        raise InputError(f"{path}: file not found")
    n_total = count_events(path)
    if n_total == 0:
        raise InputError(f"{path}: no HepMC3 events found")
    n_events = min(n_total, sample.get("events") or n_total)
    start, stop = shard_range(n_events, shard, n_shards, f"samples.{name}")
    with pyhepmc.open(path) as reader:
        events = itertools.islice(reader, start, stop)
        for first, last in chunk_ranges(start, stop):
            kinematics = [
                _visible_kinematics(event, 1e-3 if event.momentum_unit == pyhepmc.Units.MEV else 1.0)
                for event in itertools.islice(events, last - first)
            ]
            # pyhepmc stops quietly at an event it cannot parse.
            if len(kinematics) != last - first:
                raise InputError(
                    f"{path}: event {first + len(kinematics)} cannot be parsed (damaged or truncated file)"
                )
            pt, eta, phi, mass = (ak.Array(list(column)) for column in zip(*kinematics))
            yield make_events(
                pt, eta, phi, mass, event=np.arange(first, last), label=np.full(last - first, sample["label"])
            )
