"""Event sources (declared in dijetgen.registry). Each yields one shard as chunks in the layout of
`dijetgen.events`."""

from collections.abc import Iterator

import awkward as ak

from dijetgen.errors import InputError
from dijetgen.registry import SOURCES


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    """Dispatch to the reader that dijetgen.registry names for the sample's `source` key."""
    source = sample.get("source")
    if source not in SOURCES:
        raise InputError(f"samples.{name}.source: unknown source {source!r}; expected one of {sorted(SOURCES)}")
    return SOURCES[source].load()(sample, name, shard, n_shards)


def read_shard(sample: dict, name: str, shard: int, n_shards: int) -> ak.Array:
    """A whole shard in memory at once, for tests and interactive use."""
    return ak.concatenate(list(iter_shard(sample, name, shard, n_shards)))
