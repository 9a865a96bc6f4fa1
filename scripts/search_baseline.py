"""Snakemake adapter: an unsupervised model's anomaly score (or the mj1 cut) of every search event.

Events that the model trained on (its train and val splits) get no score (NaN) and are left out of its ROC;
non-finite model scores rank at the ends, as in anomaly detection.
"""

import numpy as np
import pandas as pd
import torch

from dijetgen.anomaly import finite_scores
from dijetgen.atomic import write_atomic
from dijetgen.models import load_model
from dijetgen.search import unseen
from dijetgen.snakemake_adapter import run


def score_events(snakemake):
    params = snakemake.params
    events = pd.read_parquet(snakemake.input.events)
    if params.baseline:
        scores = events[params.baseline].to_numpy(np.float64)
    else:
        torch.set_num_threads(snakemake.threads)
        seen = pd.concat([pd.read_parquet(path, columns=["sample", "event"]) for path in snakemake.input.seen])
        keep = unseen(events, seen)
        scores = np.full(len(events), np.nan)
        scores[keep] = finite_scores(load_model(snakemake.input.model, features=params.features).score(events[keep]))
        print(f"{snakemake.wildcards.name}: {(~keep).sum()} of {len(events)} events left out (trained on)")
    write_atomic(lambda tmp: pd.DataFrame({"score": scores}).to_parquet(tmp, index=False), snakemake.output.scores)


run(snakemake, score_events)  # noqa: F821 (injected by Snakemake)
