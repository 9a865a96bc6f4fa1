"""Snakemake adapter: every (injection, repeat, method) as a row of search/repeats.csv, their medians and bands
over repeats in search/summary.csv (the template's closure floor on its row of the first injection); the ROC
and SIC figures per injection with bands, the injection scan against S/B and S/sqrt(B), and the sculpting
check at the largest injection."""

import json

import numpy as np
import pandas as pd

from dijetgen.anomaly import roc_curve
from dijetgen.atomic import write_atomic
from dijetgen.plots.roc import plot_rejection, plot_sic_bands
from dijetgen.plots.search import plot_injection_scan, plot_sculpting
from dijetgen.plots.style import save_figure
from dijetgen.search import DATA, SIGNAL_REGION, evaluation_split, signal_counts
from dijetgen.search_results import method_numbers, outside_support, outside_support_if_exact, repeat_bands
from dijetgen.snakemake_adapter import run

COLUMNS = [
    "inject", "method", "s_over_b", "s_over_sqrt_b", "repeats",
    "max_sic", "max_sic_q16", "max_sic_q84",
    "sic_eps_b_1e-2", "sic_eps_b_1e-2_q16", "sic_eps_b_1e-2_q84",
    "sic_eps_b_2e-3", "sic_eps_b_2e-3_q16", "sic_eps_b_2e-3_q84",
    "auc", "auc_q16", "auc_q84",
    "closure_auc", "closure_auc_q16", "closure_auc_q84",
    "closure_floor", "closure_floor_q16", "closure_floor_q84",
    "template_outside_support", "template_outside_support_if_exact",
]  # fmt: skip


def figure_paths(output, name):
    return [path for path in list(output.figures) + list(output.pdfs) if path.rsplit("/", 1)[-1].split(".")[0] == name]


def read_scores(path):
    return pd.read_parquet(path)["score"].to_numpy()


def summarise(snakemake):
    params, inputs, output = snakemake.params, snakemake.input, snakemake.output
    if params.idealized is None:
        print("idealized reference: off (search.idealized is null), so the summary has no idealized rows")
    trained, baselines = iter(inputs.trained), iter(inputs.baselines)
    closures, templates, floors = iter(inputs.closures), iter(inputs.templates), iter(inputs.floors)
    closure_methods = [method for method in params.trained if method in ("template", "idealized")]
    rows = []
    for inject, events_path in zip(params.inject, inputs.events):
        inject_rows = []
        events = pd.read_parquet(events_path)
        n_signal, n_background = signal_counts(events)
        common = {"inject": inject, "s_over_b": n_signal / max(n_background, 1)}
        common["s_over_sqrt_b"] = n_signal / np.sqrt(max(n_background, 1))
        sr_data = events[(events["region"] == SIGNAL_REGION) & (events["role"] == DATA)]
        exact = outside_support_if_exact(len(sr_data), len(params.features))
        curves = {}
        for repeat in params.repeats:
            closure = {}
            for method in closure_methods:
                with open(next(closures)) as file:
                    closure[method] = json.load(file)["cross_validated_auc"]
            support = outside_support(pd.read_parquet(next(templates)), sr_data, params.features)
            floor = np.nan
            if inject == params.floor_inject:
                with open(next(floors)) as file:
                    floor = json.load(file)["cross_validated_auc"]
            for method in params.trained:
                scores = read_scores(next(trained))
                curve = roc_curve(*evaluation_split(events, scores), params.min_background_events)
                curves.setdefault(method, []).append(curve)
                row = common | {"repeat": repeat, "method": method} | method_numbers(curve)
                row["closure_auc"] = closure.get(method, np.nan)
                row["closure_floor"] = floor if method == "template" else np.nan
                row["template_outside_support"] = support if method == "template" else np.nan
                row["template_outside_support_if_exact"] = exact if method == "template" else np.nan
                inject_rows.append(row)
        for name in params.baselines:
            scores = read_scores(next(baselines))
            curve = roc_curve(*evaluation_split(events, scores), params.min_background_events)
            curves[name] = [curve]
            for repeat in params.repeats:  # the same number in every repeat: it trains nothing per repeat
                inject_rows.append(common | {"repeat": repeat, "method": name} | method_numbers(curve))
        aucs = pd.DataFrame(inject_rows).groupby("method", sort=False)["auc"].median().to_dict()
        rows += inject_rows
        first = {method: method_curves[0] for method, method_curves in curves.items()}
        save_figure(plot_rejection(first, aucs, params.process), *figure_paths(output, f"roc_inject{inject}"))
        save_figure(plot_sic_bands(curves, params.process), *figure_paths(output, f"sic_inject{inject}"))
    per_repeat = pd.DataFrame(rows)
    write_atomic(lambda tmp: per_repeat.to_csv(tmp, index=False), output.repeats)
    table = repeat_bands(per_repeat).reindex(columns=COLUMNS)
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), output.table)
    save_figure(plot_injection_scan(table, "s_over_b", "max_sic", params.process), *figure_paths(output, "max_sic"))
    save_figure(
        plot_injection_scan(table, "s_over_sqrt_b", "max_sic", params.process),
        *figure_paths(output, "max_sic_significance"),
    )
    save_figure(
        plot_injection_scan(table, "s_over_b", "sic_eps_b_2e-3", params.process), *figure_paths(output, "sic_eps_b")
    )
    # Sculpting, at the largest injection (the last one read), by the template score of repeat 0.
    template_scores = read_scores(
        [path for path in inputs.trained if f"inject_{params.inject[-1]}/repeat0/scores/template" in path][0]
    )
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
