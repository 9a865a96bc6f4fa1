"""Snakemake adapter: the β scan's table (summary.csv) and its trade-off figure, from each β's metrics.json."""

import json

from dijetgen.atomic import write_atomic
from dijetgen.plots.beta_scan import beta_scan_table, plot_beta_scan
from dijetgen.plots.style import save_figure
from dijetgen.snakemake_adapter import run


def summarise_scan(snakemake):
    reports = {}
    for path in snakemake.input:
        with open(path) as file:
            metrics = json.load(file)
        reports[float(metrics["model"].removeprefix("beta"))] = metrics
    table = beta_scan_table(reports)
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), snakemake.output.table)
    save_figure(plot_beta_scan(table, snakemake.params.process), snakemake.output.figure, snakemake.output.figure_pdf)


run(snakemake, summarise_scan)  # noqa: F821 (injected by Snakemake)
