"""Contiguous event ranges for shards, so shards of one sample are independent jobs."""

from dijetgen.errors import InputError


def shard_range(n_events: int, shard: int, n_shards: int, where: str) -> tuple[int, int]:
    """Return [start, stop) of `shard` when `n_events` are split as evenly as possible over `n_shards`."""
    start, stop = n_events * shard // n_shards, n_events * (shard + 1) // n_shards
    if stop <= start:
        raise InputError(f"{where}: shard {shard} of {n_shards} would be empty ({n_events} events); lower `shards`")
    return start, stop
