"""Snakemake adapter: every model's headline numbers in summary.csv with their spread over the model's replicas,
and their W1 ratios in one figure."""

import json

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.plots.style import save_figure
from dijetgen.plots.summary import plot_w1_ratios
from dijetgen.replicas import replica_spread
from dijetgen.snakemake_adapter import run
from dijetgen.validation import summary_row


def summarise(snakemake):
    reports = {}
    for path in snakemake.input:
        with open(path) as file:
            metrics = json.load(file)
        reports[metrics["model"]] = metrics
    # One row per model (the ensemble's, for a model with replicas) with the spread over its replicas.
    replicas = snakemake.params.replicas
    table = pd.DataFrame(
        [
            replica_spread(summary_row(model, reports[model]), [summary_row(name, reports[name]) for name in names])
            for model, names in replicas.items()
        ]
    )
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), snakemake.output.table)
    ratios, errors = (
        pd.DataFrame(
            {
                model: {name: obs["w1"]["ratio"][part] for name, obs in metrics["observables"].items()}
                for model, metrics in reports.items()
                if model in replicas
            },
            dtype=float,
        )
        for part in ("value", "error")
    )
    save_figure(plot_w1_ratios(ratios, errors), snakemake.output.w1_ratios, snakemake.output.w1_ratios_pdf)


run(snakemake, summarise)  # noqa: F821 (injected by Snakemake)
