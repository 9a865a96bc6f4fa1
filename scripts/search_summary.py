"""Snakemake adapter: every injection's methods as ROC/SIC rows of results/search/summary.csv, the ROC and
SIC figures per injection, max SIC against S/B, and the sculpting check at the largest injection."""

import json

import pandas as pd

from dijetgen.anomaly import roc_curve, roc_summary
from dijetgen.atomic import write_atomic
from dijetgen.plots.roc import plot_rejection, plot_sic
from dijetgen.plots.search import plot_max_sic, plot_sculpting
from dijetgen.plots.style import save_figure
from dijetgen.search import DATA, SIGNAL_REGION, evaluation_split, signal_over_background
from dijetgen.snakemake_adapter import run


def figure_paths(output, name):
    return [path for path in list(output.figures) + list(output.pdfs) if path.rsplit("/", 1)[-1].split(".")[0] == name]


def summarise(snakemake):
    params, output = snakemake.params, snakemake.output
    if params.idealized is None:
        print("idealized reference: off (search.idealized is null), so the summary has no idealized rows")
    scores = iter(snakemake.input.scores)
    rows = []
    for inject, events_path, auc_path in zip(params.inject, snakemake.input.events, snakemake.input.aucs):
        events = pd.read_parquet(events_path)
        with open(auc_path) as file:
            closure = json.load(file)
        curves = {}
        for method in params.methods:
            method_scores = pd.read_parquet(next(scores))["score"].to_numpy()
            curves[method] = roc_curve(*evaluation_split(events, method_scores), params.min_background_events)
            row = {"inject": inject, "method": method} | roc_summary(curves[method])
            if method == "template":
                row |= {
                    "data_vs_template_auc": closure["cross_validated_auc"],
                    "data_vs_template_auc_error": closure["auc_error"],
                }
                template_scores = method_scores
            rows.append(row | {"signal_region_s_over_b": signal_over_background(events)})
        aucs = {row["method"]: row["auc"] for row in rows[-len(params.methods) :]}
        save_figure(plot_rejection(curves, aucs, params.process), *figure_paths(output, f"roc_inject{inject}"))
        save_figure(plot_sic(curves, params.process), *figure_paths(output, f"sic_inject{inject}"))
    columns = ["inject", "method", "auc", "max_sic", "data_vs_template_auc", "data_vs_template_auc_error"]
    table = pd.DataFrame(rows).reindex(
        columns=columns + ["signal_region_s_over_b", "eps_s_at_max_sic", "eps_b_at_max_sic"]
    )
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), output.table)
    save_figure(plot_max_sic(table, params.process), *figure_paths(output, "max_sic"))
    # Sculpting, at the largest injection (the last one read): background data of both regions.
    background = ((events["role"] == DATA) & (events["label"] == 0)).to_numpy()
    reference = template_scores[background & (events["region"] == SIGNAL_REGION).to_numpy()]
    figure = plot_sculpting(
        events[params.condition].to_numpy()[background],
        template_scores[background],
        reference,
        params.signal_region,
        40,
        params.process,
    )
    save_figure(figure, *figure_paths(output, "sculpting"))


run(snakemake, summarise)  # noqa: F821 (injected by Snakemake)
