"""Snakemake adapter: cluster one shard of events and keep the two leading jets of selected events."""

import json

from dijetgen.events import read_events, write_parquet_atomic
from dijetgen.jets import leading_dijets
from dijetgen.snakemake_adapter import run


def cluster_shard(snakemake):
    events = read_events(snakemake.input[0])
    table, cutflow = leading_dijets(events, snakemake.params.clustering, snakemake.params.selection)
    print("cut flow:", json.dumps(cutflow))
    write_parquet_atomic(lambda tmp: table.to_parquet(tmp, index=False), snakemake.output[0])


run(snakemake, cluster_shard)  # noqa: F821 (injected by Snakemake)
