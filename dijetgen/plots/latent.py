"""Figures of an autoencoder's latent space (see dijetgen.latent for what they show)."""

import matplotlib.pyplot as plt
import numpy as np

from dijetgen.plots.style import axis_label


def plot_latent_traversal(traversal, observables: list[str], model: str):
    """One panel per observable: its decoded value as each latent dimension sweeps, the others at the median."""
    columns = min(2, len(observables))
    rows = -(-len(observables) // columns)
    fig, panels = plt.subplots(rows, columns, figsize=(8 * columns, 6 * rows), squeeze=False, layout="constrained")
    for panel, name in zip(panels.flat, observables):
        for dim, sweep in traversal.groupby("dim"):
            panel.plot(sweep["z"], sweep[name], marker="o", markersize=4, label=f"$z_{{{dim}}}$")
        panel.set_xlabel("value of the swept latent dimension")
        panel.set_ylabel(axis_label(name))
    for panel in panels.flat[len(observables) :]:
        panel.set_visible(False)
    panels.flat[0].legend(title=model, fontsize="small")
    return fig


MAX_POINTS = 3000  # per class: more hide each other and bloat the PDF


def plot_latent_projection(background: np.ndarray, signal: np.ndarray, axis_names: list[str], model: str):
    """Latent codes of background and signal events in a plane; a separable signal sits apart."""
    rng = np.random.default_rng(0)
    background, signal = (
        points[rng.choice(len(points), MAX_POINTS, replace=False)] if len(points) > MAX_POINTS else points
        for points in (background, signal)
    )
    fig, ax = plt.subplots(figsize=(9, 8))
    ax.scatter(*background.T, s=4, alpha=0.4, color="tab:blue", label="background")
    ax.scatter(*signal.T, s=4, alpha=0.6, color="tab:orange", label="signal")
    ax.set_xlabel(axis_names[0])
    ax.set_ylabel(axis_names[1])
    ax.set_title(model)
    ax.legend(markerscale=4)
    return fig
