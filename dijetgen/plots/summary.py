"""Figures across models: the W1 ratio of every observable, and the training curves."""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FormatStrFormatter, LogLocator, NullFormatter

from dijetgen.plots.style import UNITY_STYLE, figure_size, symbol


def plot_w1_ratios(ratios, errors):
    """W1(generated, test) / W1(train, test) per observable (rows) for every model (columns); 1 is the floor."""
    fig, ax = plt.subplots(figsize=figure_size(2, aspect=0.9))
    x = np.arange(len(ratios))
    width = 0.6 / max(len(ratios.columns), 1)
    for i, model in enumerate(ratios.columns):
        offset = (i - (len(ratios.columns) - 1) / 2) * width
        ax.errorbar(x + offset, ratios[model], yerr=errors[model], fmt="o", label=model)
    ax.axhline(1.0, label="statistical floor", **UNITY_STYLE)
    ax.set_xticks(x, [symbol(name) for name in ratios.index], rotation=60)
    ax.minorticks_off()
    ax.set_yscale("log")
    ax.yaxis.set_major_locator(LogLocator(subs=(1, 2, 5)))
    ax.yaxis.set_major_formatter(FormatStrFormatter("%g"))
    ax.yaxis.set_minor_formatter(NullFormatter())
    ax.set_ylabel(r"$W_1$(generated, test) / $W_1$(train, test)")
    ax.legend(ncol=3)
    return fig


def plot_training_curves(histories: dict):
    """One panel per model: every loss term per epoch, train solid and validation (val_*) dashed."""
    columns = min(3, len(histories))
    rows = math.ceil(len(histories) / columns)
    fig, panels = plt.subplots(
        rows, columns, figsize=figure_size(min(columns, 2), aspect=0.7, rows=rows), squeeze=False, layout="constrained"
    )
    for panel, (model, history) in zip(panels.flat, histories.items()):
        terms = [name for name in history.columns if name not in ("epoch", "seconds")]
        for term in terms:
            panel.plot(history["epoch"], history[term], linestyle="--" if term.startswith("val_") else "-", label=term)
        values = history[terms].to_numpy()
        if (values > 0).all() and values.max() > 10 * values.min():  # log only where it spans decades
            panel.set_yscale("log")
        panel.set_title(model)
        panel.set_xlabel("Epoch")
        panel.set_ylabel("Loss")
        panel.legend(fontsize="x-small")
    for panel in panels.flat[len(histories) :]:
        panel.set_visible(False)
    return fig
