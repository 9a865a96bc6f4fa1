"""Figures of an autoencoder's latent space (see dijetgen.latent for what they show)."""

import matplotlib.pyplot as plt
import numpy as np

from dijetgen.plots.style import BACKGROUND_COLOR, SIGNAL_COLOR, add_process_label, axis_label, figure_size


def plot_latent_traversal(traversal, observables: list[str], model: str):
    """One panel per observable: its decoded value as each latent dimension sweeps, the others at the median."""
    columns = min(2, len(observables))
    rows = -(-len(observables) // columns)
    fig, panels = plt.subplots(
        rows, columns, figsize=figure_size(columns, aspect=0.7, rows=rows), squeeze=False, layout="constrained"
    )
    for panel, name in zip(panels.flat, observables):
        for dim, sweep in traversal.groupby("dim"):
            panel.plot(sweep["z"], sweep[name], marker="o", label=f"$z_{{{dim}}}$")
        panel.set_xlabel("Value of the swept latent dimension")
        panel.set_ylabel(axis_label(name))
    for panel in panels.flat[len(observables) :]:
        panel.set_visible(False)
    panels.flat[0].legend(title=model)
    return fig


MAX_POINTS = 3000  # per class: more hide each other and bloat the PDF


def plot_latent_projection(background: np.ndarray, signal: np.ndarray, axis_names: list[str], model: str, process=""):
    """Latent codes of background and signal events in a plane; a separable signal sits apart."""
    rng = np.random.default_rng(0)
    background, signal = (
        points[rng.choice(len(points), MAX_POINTS, replace=False)] if len(points) > MAX_POINTS else points
        for points in (background, signal)
    )
    fig, ax = plt.subplots()
    ax.scatter(*background.T, s=1, alpha=0.4, color=BACKGROUND_COLOR, label="background", rasterized=True)
    ax.scatter(*signal.T, s=1, alpha=0.6, color=SIGNAL_COLOR, label="signal", rasterized=True)
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    ax.legend(title=model, markerscale=6)
    add_process_label(ax, process)
    return fig
