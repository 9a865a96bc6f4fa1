"""Snakemake adapter: score test background and signal with one model or ensemble (or cut on mj1), write ROC,
AUC, SIC.

With params.baseline set to a column name, that column is the score: the plain cut the models must beat.
"""

import json

import numpy as np
import torch

from dijetgen.anomaly import read_anomaly_events, roc_curve, roc_summary
from dijetgen.atomic import write_atomic, write_json
from dijetgen.models import load_model
from dijetgen.plots.roc import plot_rejection, plot_sic
from dijetgen.plots.style import save_figure
from dijetgen.snakemake_adapter import run
from dijetgen.validation import json_safe


def score_events(snakemake):
    inputs, output, params, name = snakemake.input, snakemake.output, snakemake.params, snakemake.params.label
    columns = [params.baseline] if params.baseline else params.features
    background, signal = read_anomaly_events(inputs.test, inputs.signal, [inputs.train, inputs.val], columns)
    if params.baseline:
        scores = [table[params.baseline].to_numpy() for table in (background, signal)]
    else:
        torch.set_num_threads(snakemake.threads)
        # An ensemble's score is its replicas' mean score.
        models = [load_model(path, features=params.features) for path in inputs.models]
        scores = [np.mean([model.score(table) for model in models], axis=0) for table in (background, signal)]
    curve = roc_curve(*scores)
    summary = {"model": name, "background_events": len(background), "signal_events": len(signal)}
    summary |= roc_summary(curve)
    print(json.dumps(summary, indent=1))
    write_atomic(lambda tmp: curve.to_csv(tmp, index=False), output.roc)
    write_json(json_safe(summary), output.auc, indent=1, allow_nan=False)
    rejection = plot_rejection({name: curve}, {name: summary["auc"]}, params.process)
    save_figure(rejection, output.roc_png, output.roc_pdf)
    save_figure(plot_sic({name: curve}, params.process), output.sic_png, output.sic_pdf)


run(snakemake, score_events)  # noqa: F821 (injected by Snakemake)
