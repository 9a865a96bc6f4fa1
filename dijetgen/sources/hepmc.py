"""HepMC3 ASCII files read with pyhepmc: visible final-state particles (status 1, not `invisible`).

Each shard finds where its events start with a byte scan (no parsing), seeks there and parses only its
own events, so the parsing work does not grow with the number of shards.
"""

import itertools
import logging
import mmap
import os
from collections.abc import Iterator

import awkward as ak
import numpy as np

from dijetgen.errors import InputError
from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.sources.sharding import chunk_ranges, shard_range


def event_offsets(path: str) -> list[int]:
    """Byte offset of every event record: each HepMC3 ASCII event starts with a line 'E '."""
    if os.path.getsize(path) == 0:
        return []
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        offsets = [0] if data[:2] == b"E " else []
        position = data.find(b"\nE ")
        while position >= 0:
            offsets.append(position + 1)
            position = data.find(b"\nE ", position + 1)
    return offsets


def count_events(path: str) -> int:
    return len(event_offsets(path))


def _visible_kinematics(event, to_gev: float, invisible: np.ndarray) -> tuple[tuple[np.ndarray, ...], int]:
    """(pT, eta, phi, mass) of the visible final state, and how many of those particles had pT = 0."""
    prt = event.numpy.particles
    keep = (prt.status == 1) & ~np.isin(np.abs(prt.pid), invisible)
    # A particle along the beam has eta = +-inf; it cannot be part of a jet.
    along_beam = keep & (prt.px == 0) & (prt.py == 0)
    keep &= ~along_beam
    return cartesian_to_collider(*(to_gev * p[keep] for p in (prt.px, prt.py, prt.pz, prt.e))), int(along_beam.sum())


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    import pyhepmc

    path = sample["path"]
    if not os.path.exists(path):
        raise InputError(f"{path}: file not found")
    offsets = event_offsets(path)
    if not offsets:
        raise InputError(f"{path}: no HepMC3 events found")
    n_events = min(len(offsets), sample.get("events") or len(offsets))
    start, stop = shard_range(n_events, shard, n_shards, f"samples.{name}")
    invisible = np.asarray(sample["invisible"])
    zero_pt = 0
    with open(path, "rb") as handle:
        handle.seek(offsets[start])
        with pyhepmc.open(handle, format="hepmc3") as reader:
            events = iter(reader)
            for first, last in chunk_ranges(start, stop):
                kinematics = []
                for event in itertools.islice(events, last - first):
                    visible, dropped = _visible_kinematics(
                        event, 1e-3 if event.momentum_unit == pyhepmc.Units.MEV else 1.0, invisible
                    )
                    kinematics.append(visible)
                    zero_pt += dropped
                # pyhepmc stops quietly at an event it cannot parse.
                if len(kinematics) != last - first:
                    raise InputError(
                        f"{path}: event {first + len(kinematics)} cannot be parsed (damaged or truncated file)"
                    )
                pt, eta, phi, mass = (ak.Array(list(column)) for column in zip(*kinematics))
                yield make_events(
                    pt, eta, phi, mass, event=np.arange(first, last), label=np.full(last - first, sample["label"])
                )
    if zero_pt:
        logging.info("%s: dropped %d visible particles with pT = 0 (along the beam)", path, zero_pt)
