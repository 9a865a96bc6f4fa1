"""Event sources. Each reader returns one shard in the layout of `dijetgen.events`."""

from dijetgen.errors import InputError
from dijetgen.sources import hepmc, lhco, pythia, root

READERS = {"pythia": pythia.read_shard, "lhco": lhco.read_shard, "root": root.read_shard, "hepmc": hepmc.read_shard}


def read_shard(sample: dict, name: str, shard: int, n_shards: int):
    """Dispatch to the reader named by the sample's `source` key."""
    source = sample.get("source")
    if source not in READERS:
        raise InputError(f"samples.{name}.source: unknown source {source!r}; expected one of {sorted(READERS)}")
    return READERS[source](sample, name, shard, n_shards)
