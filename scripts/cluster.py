"""Snakemake adapter: cluster one shard of events and keep the two leading jets of selected events."""

import json
from collections import Counter

import pandas as pd

from dijetgen.atomic import write_atomic, write_json
from dijetgen.constituents import write_constituents
from dijetgen.events import checked, iter_event_chunks
from dijetgen.jets import dijets_and_constituents
from dijetgen.snakemake_adapter import run
from dijetgen.sources import iter_shard


def event_chunks(snakemake):
    """The shard's events, one chunk at a time: from its events file, or read in place from the source."""
    sample = snakemake.params.sample
    if sample is None:
        return iter_event_chunks(snakemake.input[0])
    shard = int(snakemake.wildcards.shard)
    return checked(iter_shard(sample, snakemake.wildcards.sample, shard, sample["shards"]), sample["path"])


def cluster_shard(snakemake):
    tables, cutflow, constituents = [], Counter(), []
    settings = snakemake.params.get("constituents")
    # Chunk by chunk, so memory does not grow with the shard (but for the constituents kept).
    for events in event_chunks(snakemake):
        table, chunk_cutflow, rows = dijets_and_constituents(
            events, snakemake.params.clustering, snakemake.params.selection, settings
        )
        tables.append(table)
        cutflow.update(chunk_cutflow)
        constituents.append(rows)
    print("cut flow:", json.dumps(cutflow))
    write_atomic(lambda tmp: pd.concat(tables, ignore_index=True).to_parquet(tmp, index=False), snakemake.output.jets)
    write_json(dict(cutflow), snakemake.output.cutflow, indent=1)
    if settings:
        write_constituents(constituents, snakemake.output.constituents)


run(snakemake, cluster_shard)  # noqa: F821 (injected by Snakemake)
