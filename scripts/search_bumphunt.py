"""Snakemake adapter: the bump hunt on each hunted method's score (the template; the idealized classifier as
the control), per injection, repeat and working point, into search/bumphunt.csv; the first method's (the
template's) spectra and fits of repeat 0 per injection; the false-positive rate at inject 0 per method.

Sideband events are scored by the classifiers trained in the signal region (each event by the fold
classifier that did not see it): the cut is the same function of the features on both sides of the SR, so a
smooth background stays smooth unless the features carry mjj (the sculpting figure checks this). The
idealized classifier goes through the same cuts and fit with a background estimate that is exact, so an
excess at inject 0 in its rows is the procedure's own; one in the template's rows only is the template's."""

import numpy as np
import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.bumphunt import bump_hunt
from dijetgen.plots.search import plot_bump_hunt
from dijetgen.plots.style import save_figure
from dijetgen.search import DATA
from dijetgen.snakemake_adapter import run

FALSE_POSITIVE_Z = 2.0


def hunt(snakemake):
    params, inputs, output = snakemake.params, snakemake.input, snakemake.output
    settings, hunt_settings = params.settings, params.bumphunt
    scores = iter(inputs.scores)  # method-major, then injection, then repeat
    figures = iter(zip(output.figures, output.pdfs))
    # Each injection's data (mask, mjj, sidebands) read once, for every method.
    injections = []
    for events_path in inputs.events:
        events = pd.read_parquet(events_path)
        data = (events["role"] == DATA).to_numpy()
        mjj = events[settings["condition"]].to_numpy()[data]
        # Without sidebands' outer bounds, the fit spans the data's whole mjj range.
        sidebands = settings["sidebands"] or [float(mjj.min()), float(np.nextafter(mjj.max(), np.inf))]
        injections.append((data, mjj, sidebands))
    rows = []
    for method in params.methods:
        for inject, (data, mjj, sidebands) in zip(params.inject, injections):
            for repeat in params.repeats:
                score = pd.read_parquet(next(scores))["score"].to_numpy()[data]
                table = bump_hunt(
                    mjj,
                    score,
                    hunt_settings["efficiencies"],
                    settings["signal_region"],
                    sidebands,
                    hunt_settings["bins"],
                )
                rows.append(table.assign(method=method, inject=inject, repeat=repeat))
                if method == params.methods[0] and repeat == 0:
                    figure = plot_bump_hunt(
                        mjj,
                        score,
                        table,
                        settings["signal_region"],
                        sidebands,
                        hunt_settings["bins"],
                        process=params.process,
                    )
                    save_figure(figure, *next(figures))
    result = pd.concat(rows, ignore_index=True)
    keys = ["method", "inject", "repeat"]
    result = result[keys + [column for column in result.columns if column not in keys]]
    print(result.to_string(index=False))
    write_atomic(lambda tmp: result.to_csv(tmp, index=False), output.table)
    for method, background_only in result[result["inject"] == 0].groupby("method", sort=False):
        fitted = background_only["significance"].dropna()  # working points too tight to fit have no Z
        print(
            f"false positives at inject 0, {method}: {(fitted > FALSE_POSITIVE_Z).sum()} of {len(fitted)} working "
            f"points x repeats with a fit have Z > {FALSE_POSITIVE_Z:g} (nominal one-sided rate 2.3%)"
        )


run(snakemake, hunt)  # noqa: F821 (injected by Snakemake)
