"""The amplification figure: distance to the truth against sample size, one panel per model and N."""

import matplotlib.pyplot as plt
import pandas as pd

from dijetgen.plots.style import DATA_COLOR, MODEL_COLOR, PALETTE, figure_size


def plot_amplification(curves: pd.DataFrame):
    """Rows: models; columns: training sizes N. In each panel the truth's reference curve d(m) and the
    generator's curve d(n) (means over draws, the band their spread), and the N training events' point."""
    models, sizes = list(dict.fromkeys(curves["model"])), sorted(set(curves["size"]))
    fig, panels = plt.subplots(
        len(models),
        len(sizes),
        figsize=figure_size(min(len(sizes), 2), aspect=0.8, rows=len(models)),
        squeeze=False,
        sharex=True,
        sharey=True,
        layout="constrained",
    )
    for row, model in enumerate(models):
        for column, size in enumerate(sizes):
            panel = panels[row, column]
            chosen = curves[(curves["model"] == model) & (curves["size"] == size)]
            for kind, color, label in (("truth", DATA_COLOR, "truth"), ("generated", MODEL_COLOR, model)):
                curve = chosen[chosen["kind"] == kind].groupby("events")["distance"].agg(["mean", "std"])
                panel.plot(curve.index, curve["mean"], color=color, label=label)
                spread = curve["std"].fillna(0)
                panel.fill_between(curve.index, curve["mean"] - spread, curve["mean"] + spread, color=color, alpha=0.2)
            training = chosen[chosen["kind"] == "training"]["distance"]
            panel.errorbar(
                [size], [training.mean()], yerr=[training.std()], fmt="o", color=PALETTE[1], label=f"{size} training"
            )
            panel.set_xscale("log")
            panel.set_yscale("log")
            panel.set_title(f"{model}, N = {size}", fontsize="small")
            if row == len(models) - 1:
                panel.set_xlabel("Events")
            if column == 0:
                panel.set_ylabel("Sliced quantile distance")
            panel.legend(fontsize="x-small")
    return fig
