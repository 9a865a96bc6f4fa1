"""Snakemake adapter: every model's headline numbers in summary.csv, and their W1 ratios in one figure."""

import json

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.plots.style import save_figure
from dijetgen.plots.summary import plot_w1_ratios
from dijetgen.snakemake_adapter import run
from dijetgen.validation import summary_row


def summarise(snakemake):
    reports = {}
    for path in snakemake.input:
        with open(path) as file:
            metrics = json.load(file)
        reports[metrics["model"]] = metrics
    table = pd.DataFrame([summary_row(model, metrics) for model, metrics in reports.items()])
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), snakemake.output.table)
    ratios, errors = (
        pd.DataFrame(
            {
                model: {name: obs["w1"]["ratio"][part] for name, obs in metrics["observables"].items()}
                for model, metrics in reports.items()
            },
            dtype=float,
        )
        for part in ("value", "error")
    )
    save_figure(plot_w1_ratios(ratios, errors), snakemake.output.w1_ratios, snakemake.output.w1_ratios_pdf)


run(snakemake, summarise)  # noqa: F821 (injected by Snakemake)
