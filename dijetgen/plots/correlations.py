"""Figures of how features depend on each other: the jet-mass plane and the correlation difference."""

import hist
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import LogNorm

from dijetgen.plots.distributions import display_range
from dijetgen.plots.style import add_process_label, axis_label, figure_size, symbol


def plot_mass_plane(data, generated, model: str, bins: int, x: str = "mj1", y: str = "mj2", process: str = ""):
    """2D histograms of x vs y for data and generated events, side by side on one colour scale."""
    axes = [hist.axis.Regular(bins, *display_range(data[name]), name=name) for name in (x, y)]
    densities = [hist.Hist(*axes).fill(sample[x], sample[y]).values() / len(sample) for sample in (data, generated)]
    positive = np.concatenate([d[d > 0] for d in densities])
    norm = LogNorm(vmin=positive.min(), vmax=positive.max()) if positive.size else None

    fig, panels = plt.subplots(1, 2, figsize=figure_size(2, aspect=1.0), sharey=True, layout="constrained")
    for panel, density, title in zip(panels, densities, ("test data", model)):
        mesh = panel.pcolormesh(axes[0].edges, axes[1].edges, np.ma.masked_equal(density.T, 0), norm=norm)
        panel.text(0.96, 0.96, title, transform=panel.transAxes, ha="right", va="top")
        panel.set_xlabel(axis_label(x))
    panels[0].set_ylabel(axis_label(y))
    fig.colorbar(mesh, ax=panels, label="Fraction of events per bin")
    add_process_label(panels[0], process)
    return fig


def plot_correlation_difference(difference: np.ndarray, names: list[str], model: str):
    """corr(generated) - corr(test) as a matrix with each entry written in its cell."""
    limit = max(float(np.abs(difference).max()), 0.05)
    fig, ax = plt.subplots(figsize=figure_size(aspect=1.0))
    image = ax.imshow(difference, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for (i, j), value in np.ndenumerate(difference):
        ax.text(j, i, f"{value:+.2f}", ha="center", va="center", fontsize="xx-small")
    labels = [symbol(name) for name in names]
    ax.set_xticks(range(len(names)), labels, rotation=90)
    ax.set_yticks(range(len(names)), labels)
    ax.minorticks_off()
    ax.tick_params(length=0)
    fig.colorbar(image, ax=ax, label=rf"$\rho$({model}) $-$ $\rho$(test data)")
    ax.set_title(model)
    return fig
