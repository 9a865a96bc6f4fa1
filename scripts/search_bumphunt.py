"""Snakemake adapter: the bump hunt on the template score, per injection, repeat and working point, into
search/bumphunt.csv; the spectra and fits of repeat 0 per injection; the false-positive rate at inject 0.

Sideband events are scored by the classifiers trained in the signal region (each event by the fold
classifier that did not see it): the cut is the same function of the features on both sides of the SR, so a
smooth background stays smooth unless the features carry mjj (the sculpting figure checks this)."""

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
    settings = params.settings
    scores = iter(inputs.scores)
    figures = iter(zip(output.figures, output.pdfs))
    rows = []
    for inject, events_path in zip(params.inject, inputs.events):
        events = pd.read_parquet(events_path)
        data = (events["role"] == DATA).to_numpy()
        mjj = events[settings["condition"]].to_numpy()[data]
        # Without sidebands' outer bounds, the fit spans the data's whole mjj range.
        sidebands = settings["sidebands"] or [float(mjj.min()), float(np.nextafter(mjj.max(), np.inf))]
        hunt_settings = params.bumphunt
        for repeat in params.repeats:
            template = pd.read_parquet(next(scores))["score"].to_numpy()[data]
            table = bump_hunt(
                mjj,
                template,
                hunt_settings["efficiencies"],
                settings["signal_region"],
                sidebands,
                hunt_settings["bins"],
            )
            rows.append(table.assign(inject=inject, repeat=repeat))
            if repeat == 0:
                figure = plot_bump_hunt(
                    mjj,
                    template,
                    table,
                    settings["signal_region"],
                    sidebands,
                    hunt_settings["bins"],
                    process=params.process,
                )
                save_figure(figure, *next(figures))
    result = pd.concat(rows, ignore_index=True)
    result = result[["inject", "repeat"] + [column for column in result.columns if column not in ("inject", "repeat")]]
    print(result.to_string(index=False))
    write_atomic(lambda tmp: result.to_csv(tmp, index=False), output.table)
    background_only = result[result["inject"] == 0]
    if len(background_only):
        excesses = (background_only["significance"] > FALSE_POSITIVE_Z).sum()
        print(
            f"false positives at inject 0: {excesses} of {len(background_only)} working points x repeats have "
            f"Z > {FALSE_POSITIVE_Z:g} (nominal one-sided rate 2.3%)"
        )


run(snakemake, hunt)  # noqa: F821 (injected by Snakemake)
