"""Snakemake adapter: read or generate one shard of one sample's events."""

from dijetgen.events import check_events, write_events
from dijetgen.snakemake_adapter import run
from dijetgen.sources import read_shard


def ingest(snakemake):
    sample, name = snakemake.params.sample, snakemake.wildcards.sample
    shard = int(snakemake.wildcards.shard)
    events = read_shard(sample, name, shard, sample["shards"])
    check_events(events, sample.get("path", f"samples.{name}"))
    write_events(events, snakemake.output[0])
    print(f"{name} shard {shard}: {len(events)} events")


run(snakemake, ingest)  # noqa: F821 (injected by Snakemake)
