"""Event sources. Each yields one shard as chunks in the layout of `dijetgen.events`."""

from collections.abc import Iterator

import awkward as ak

from dijetgen.errors import InputError
from dijetgen.sources import hepmc, lhco, pythia, root

READERS = {"pythia": pythia.iter_shard, "lhco": lhco.iter_shard, "root": root.iter_shard, "hepmc": hepmc.iter_shard}


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    """Dispatch to the reader named by the sample's `source` key."""
    source = sample.get("source")
    if source not in READERS:
        raise InputError(f"samples.{name}.source: unknown source {source!r}; expected one of {sorted(READERS)}")
    return READERS[source](sample, name, shard, n_shards)


def read_shard(sample: dict, name: str, shard: int, n_shards: int) -> ak.Array:
    """A whole shard in memory at once, for tests and interactive use."""
    return ak.concatenate(list(iter_shard(sample, name, shard, n_shards)))
