"""Flat or Delphes-style ROOT trees read with uproot: one entry per event, jagged particle branches."""

import os
from collections.abc import Iterator

import awkward as ak
import numpy as np

from dijetgen.errors import InputError
from dijetgen.events import make_events
from dijetgen.sources.sharding import chunk_ranges, shard_range


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


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    path, branches = sample["path"], sample["branches"]
    tree = _tree(path, sample["tree"])
    missing = sorted(b for b in branches.values() if b not in tree)
    if missing:
        raise InputError(f"{path}: tree {sample['tree']!r} has no branch {missing[0]!r} (samples.{name}.branches)")
    n_events = min(tree.num_entries, sample.get("events") or tree.num_entries)
    start, stop = shard_range(n_events, shard, n_shards, f"samples.{name}")
    for first, last in chunk_ranges(start, stop):
        yield _events(tree, branches, first, last, sample["label"])


def _events(tree, branches: dict, start: int, stop: int, label: int) -> ak.Array:
    # One branch at a time: a record field of an RNTuple ("jet.pt") then reads like a flat branch.
    arrays = {key: tree[branch].array(entry_start=start, entry_stop=stop) for key, branch in branches.items()}
    pt, eta, phi = arrays["pt"], arrays["eta"], arrays["phi"]
    if "mass" in arrays:
        mass = arrays["mass"]
    elif "energy" in arrays:
        # m^2 = E^2 - (pT cosh eta)^2; clip tiny negative values from rounding.
        mass = np.sqrt(np.maximum(arrays["energy"] ** 2 - (pt * np.cosh(eta)) ** 2, 0.0))
    else:
        mass = ak.zeros_like(pt)
    return make_events(pt, eta, phi, mass, event=np.arange(start, stop), label=np.full(stop - start, label))
