"""Snakemake adapter: ANODE's score of every search event, log p_SR(x|m) - log p_SB(x|m)."""

import pandas as pd
import torch

from dijetgen.anomaly import finite_scores
from dijetgen.atomic import write_atomic
from dijetgen.models import load_model
from dijetgen.search import anode_score
from dijetgen.snakemake_adapter import run


def score_events(snakemake):
    torch.set_num_threads(snakemake.threads)
    features = snakemake.params.settings["features"]
    events = pd.read_parquet(snakemake.input.events)
    # score() is -log p in physical units; the sideband density interpolates into the SR through its mjj input.
    log_p = {
        region: -load_model(snakemake.input[region], features=features).score(events)
        for region in ("signal_region", "sidebands")
    }
    scores = finite_scores(anode_score(log_p["signal_region"], log_p["sidebands"]))
    write_atomic(lambda tmp: pd.DataFrame({"score": scores}).to_parquet(tmp, index=False), snakemake.output.scores)


run(snakemake, score_events)  # noqa: F821 (injected by Snakemake)
