"""Contiguous event ranges for shards and chunks.

Shards of one sample are independent jobs; within a shard, readers yield chunks of at most
CHUNK_EVENTS events, so a job's memory does not grow with the size of its shard.
"""

from collections.abc import Iterator

from dijetgen.errors import InputError

CHUNK_EVENTS = 2000


def shard_range(n_events: int, shard: int, n_shards: int, where: str) -> tuple[int, int]:
    """Return [start, stop) of `shard` when `n_events` are split as evenly as possible over `n_shards`."""
    start, stop = n_events * shard // n_shards, n_events * (shard + 1) // n_shards
    if stop <= start:
        raise InputError(f"{where}: shard {shard} of {n_shards} would be empty ({n_events} events); lower `shards`")
    return start, stop


def chunk_ranges(start: int, stop: int) -> Iterator[tuple[int, int]]:
    """[start, stop) cut into consecutive ranges of at most CHUNK_EVENTS events."""
    for first in range(start, stop, CHUNK_EVENTS):
        yield first, min(first + CHUNK_EVENTS, stop)
