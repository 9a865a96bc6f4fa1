"""Flat or Delphes-style ROOT trees read with uproot: one entry per event, jagged particle branches.

A sample lists one or more particle collections (`collections:`, or the single-collection `branches:`),
each with its own branch names; an event's particles are the concatenation of its collections, e.g.
Delphes' EFlowTrack, EFlowPhoton and EFlowNeutralHadron. A generator-level collection may name a `status`
branch (entries whose status is in `keep_status`, default [1], are kept) and a `pid` branch (particles
whose |pid| is in the sample's `invisible` list are dropped).
"""

import os
from collections.abc import Iterator

import awkward as ak
import numpy as np

from dijetgen.errors import InputError
from dijetgen.events import make_events
from dijetgen.registry import DEFAULT_INVISIBLE
from dijetgen.sources.sharding import chunk_ranges, shard_range

BRANCH_KEYS = ("pt", "eta", "phi", "mass", "energy", "status", "pid")


def _tree(path: str, tree_name: str):
    import uproot  # here, not at the top: every cluster job imports the sources, few read ROOT

    if not os.path.exists(path):
        raise InputError(f"{path}: file not found")
    try:
        file = uproot.open(path)
    except Exception as err:
        raise InputError(f"{path}: not a readable ROOT file ({type(err).__name__})") from err
    if tree_name not in file:
        raise InputError(f"{path}: no tree {tree_name!r} (found {sorted(set(file.keys(cycle=False)))})")
    return file[tree_name]


def collections(sample: dict, name: str) -> list[tuple[dict, str]]:
    """Each particle collection of the sample with the config key that names it, for error messages."""
    if "collections" in sample:
        return [(c, f"samples.{name}.collections[{i}]") for i, c in enumerate(sample["collections"])]
    return [(sample["branches"], f"samples.{name}.branches")]


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    path = sample["path"]
    tree = _tree(path, sample["tree"])
    for collection, key in collections(sample, name):
        missing = sorted(collection[k] for k in BRANCH_KEYS if k in collection and collection[k] not in tree)
        if missing:
            raise InputError(f"{path}: tree {sample['tree']!r} has no branch {missing[0]!r} ({key})")
    n_events = min(tree.num_entries, sample.get("events") or tree.num_entries)
    start, stop = shard_range(n_events, shard, n_shards, f"samples.{name}")
    invisible = np.asarray(sample.get("invisible", DEFAULT_INVISIBLE))
    for first, last in chunk_ranges(start, stop):
        parts = [_particles(tree, c, first, last, invisible) for c, _ in collections(sample, name)]
        pt, eta, phi, mass = (ak.concatenate([part[i] for part in parts], axis=1) for i in range(4))
        yield make_events(
            pt, eta, phi, mass, event=np.arange(first, last), label=np.full(last - first, sample["label"])
        )


def _particles(tree, collection: dict, start: int, stop: int, invisible: np.ndarray) -> tuple[ak.Array, ...]:
    """(pT, eta, phi, mass) of one collection's kept particles in entries [start, stop)."""
    # One branch at a time: a record field of an RNTuple ("jet.pt") then reads like a flat branch.
    arrays = {
        key: tree[collection[key]].array(entry_start=start, entry_stop=stop) for key in BRANCH_KEYS if key in collection
    }
    pt, eta, phi = arrays["pt"], arrays["eta"], arrays["phi"]
    if "mass" in arrays:
        mass = arrays["mass"]
    elif "energy" in arrays:
        # m^2 = E^2 - (pT cosh eta)^2; clip tiny negative values from rounding.
        mass = np.sqrt(np.maximum(arrays["energy"] ** 2 - (pt * np.cosh(eta)) ** 2, 0.0))
    else:
        mass = ak.zeros_like(pt)
    keep = ak.ones_like(pt, dtype=bool)
    if "status" in arrays:
        keep = keep & _isin(arrays["status"], collection.get("keep_status", [1]))
    if "pid" in arrays:
        keep = keep & ~_isin(abs(arrays["pid"]), invisible)
    return tuple(values[keep] for values in (pt, eta, phi, mass))


def _isin(values: ak.Array, allowed) -> ak.Array:
    return ak.unflatten(np.isin(ak.to_numpy(ak.flatten(values)), allowed), ak.num(values))
