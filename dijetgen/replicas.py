"""Independent trainings of one model: the seed of each replica, for models (`replicas:`) and for the search's
repeated density trainings (`search.repeats:`), so both vary their training seeds the same way::

    replica_seeds(42, 3)   # [42, ..., ...]: replica 0 keeps the base seed, so one replica is the plain model
"""

import zlib


def replica_seed(seed: int, replica: int) -> int:
    """The training seed of replica `replica` (0, 1, ...) of a model whose base seed is `seed`.

    Replica 0 is the model as trained without replicas; the others get well-separated seeds from a hash, so
    adding a replica never changes the seeds (and the cached trainings) of the existing ones.
    """
    if replica == 0:
        return seed
    return (seed + zlib.crc32(f"replica{replica}".encode())) % 2**31


def replica_seeds(seed: int, replicas: int) -> list[int]:
    return [replica_seed(seed, replica) for replica in range(replicas)]
