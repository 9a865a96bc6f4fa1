"""Snakemake adapter: all models' ROC and SIC curves overlaid, with the mj1 cut, and their AUCs in one table."""

import json

import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.plots.roc import plot_rejection, plot_sic
from dijetgen.plots.style import save_figure
from dijetgen.snakemake_adapter import run


def overlay(snakemake):
    curves, summaries = {}, []
    for roc_path, auc_path in zip(snakemake.input.rocs, snakemake.input.aucs):
        with open(auc_path) as file:
            summary = json.load(file)
        curves[summary["model"]] = pd.read_csv(roc_path)
        summaries.append(summary)
    table = pd.DataFrame(summaries)
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), snakemake.output.table)
    aucs = dict(zip(table["model"], table["auc"]))
    output, process = snakemake.output, snakemake.params.process
    save_figure(plot_rejection(curves, aucs, process), output.roc_all, output.roc_all_pdf)
    save_figure(plot_sic(curves, process), output.sic_all, output.sic_all_pdf)


run(snakemake, overlay)  # noqa: F821 (injected by Snakemake)
