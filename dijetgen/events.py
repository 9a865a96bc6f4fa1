"""The event-file contract: one record per event with its jagged list of visible particles.

Every source (Pythia, LHCO HDF5, ROOT, HepMC3) produces the same layout, so the clustering stage never
needs to know where events came from::

    {event: int64, label: int8, particles: var * {pt, eta, phi, mass: float64}}
"""

import os
from collections.abc import Iterator

import awkward as ak
import numpy as np
import pyarrow.parquet as pq

from dijetgen.errors import InputError

PARTICLE_FIELDS = ("pt", "eta", "phi", "mass")


def make_events(pt, eta, phi, mass, event, label) -> ak.Array:
    """Zip jagged particle kinematics with per-event ids and labels into the event layout."""
    if not len(pt) == len(eta) == len(phi) == len(mass) == len(event) == len(label):
        # ak.zip would silently broadcast a length-1 array over every event.
        raise ValueError("make_events: particle arrays, event ids and labels differ in length")
    particles = ak.zip(
        {name: ak.values_astype(values, np.float64) for name, values in zip(PARTICLE_FIELDS, (pt, eta, phi, mass))}
    )
    return ak.zip(
        {
            "event": ak.values_astype(np.asarray(event), np.int64),
            "label": ak.values_astype(np.asarray(label), np.int8),
            "particles": particles,
        },
        depth_limit=1,
    )


def cartesian_to_collider(px, py, pz, e):
    """(px, py, pz, E) to (pT, eta, phi, mass); works on NumPy and Awkward arrays alike."""
    pt = np.hypot(px, py)
    eta = np.arcsinh(pz / np.maximum(pt, np.finfo(np.float64).tiny))
    mass = np.sqrt(np.maximum(e**2 - px**2 - py**2 - pz**2, 0.0))
    return pt, eta, np.arctan2(py, px), mass


def check_events(events: ak.Array, source: str) -> None:
    """Reject NaN/inf kinematics and events without particles, naming the source and the first bad event."""
    counts = ak.num(events.particles)
    empty = np.flatnonzero(ak.to_numpy(counts) == 0)
    if empty.size:
        raise InputError(f"{source}: event {events.event[empty[0]]} has no particles ({empty.size} empty events)")
    for name in PARTICLE_FIELDS:
        flat = ak.to_numpy(ak.flatten(events.particles[name]))
        bad = ~np.isfinite(flat)
        if bad.any():
            owner = np.searchsorted(np.cumsum(ak.to_numpy(counts)), np.flatnonzero(bad)[0], side="right")
            raise InputError(f"{source}: non-finite particle {name} in event {events.event[owner]}")


def checked(chunks, source: str) -> Iterator[ak.Array]:
    """The chunks, each checked with `check_events` before it is passed on."""
    for events in chunks:
        check_events(events, source)
        yield events


def write_event_chunks(chunks, path: str, check_source: str) -> int:
    """Check and append chunks of events to one parquet file, one row group per chunk; returns the count.

    Only one chunk is in memory at a time, and the file appears under its name only once complete.
    """
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp, writer, n_events = f"{path}.tmp", None, 0
    try:
        for events in checked(chunks, check_source):
            table = ak.to_arrow_table(events, extensionarray=False)
            writer = writer or pq.ParquetWriter(tmp, table.schema, compression="zstd")
            writer.write_table(table)
            n_events += len(events)
        writer.close()
    except BaseException:
        if writer is not None:
            writer.close()
            os.remove(tmp)
        raise
    os.replace(tmp, path)
    return n_events


def iter_event_chunks(path: str) -> Iterator[ak.Array]:
    """The chunks of an events file, one row group at a time."""
    for row_group in range(pq.ParquetFile(path).num_row_groups):
        yield ak.from_parquet(path, row_groups=[row_group])


def read_events(path: str) -> ak.Array:
    return ak.from_parquet(path)
