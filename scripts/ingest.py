"""Snakemake adapter: read or generate one shard of one sample's events, chunk by chunk."""

from dijetgen.events import write_event_chunks
from dijetgen.snakemake_adapter import run
from dijetgen.sources import iter_shard


def ingest(snakemake):
    sample, name = snakemake.params.sample, snakemake.wildcards.sample
    shard = int(snakemake.wildcards.shard)
    chunks = iter_shard(sample, name, shard, sample["shards"])
    n_events = write_event_chunks(chunks, snakemake.output[0], sample.get("path", f"samples.{name}"))
    print(f"{name} shard {shard}: {n_events} events")


run(snakemake, ingest)  # noqa: F821 (injected by Snakemake)
