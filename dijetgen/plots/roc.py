"""Anomaly-detection figures: background rejection and significance improvement against signal efficiency.

Each function takes {label: curve} with curves as written by dijetgen.anomaly.roc_curve, so one model and
the overlay of all models are the same figure.
"""

import matplotlib.pyplot as plt
import numpy as np

from dijetgen.plots.style import EFFICIENCY_LABELS, REFERENCE_STYLE, add_process_label
from dijetgen.search_results import curve_band


def plot_rejection(curves: dict, aucs: dict, process: str = ""):
    """1/ε_B against ε_S (the HEP form of the ROC curve), with the random-guess line ε_B = ε_S."""
    fig, ax = plt.subplots()
    for label, curve in curves.items():
        shown = curve[curve["eps_b"] > 0]
        ax.plot(shown["eps_s"], 1.0 / shown["eps_b"], label=f"{label} (AUC {aucs[label]:.3f})")
    eps = np.linspace(0.01, 1, 100)
    ax.plot(eps, 1.0 / eps, label="random", **REFERENCE_STYLE)
    ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.set_xlabel(EFFICIENCY_LABELS["eps_s"])
    ax.set_ylabel(EFFICIENCY_LABELS["rejection"])
    ax.legend()
    add_process_label(ax, process)
    return fig


def plot_sic_bands(curves: dict, process: str = ""):
    """plot_sic for {label: [curves of repeated trainings]}: the median SIC over the repeats against ε_S, and
    the band of their 16th to 84th percentiles (a single curve is drawn as it is)."""
    fig, ax = plt.subplots()
    grid = np.linspace(0.0, 1.0, 201)
    for label, repeats in curves.items():
        median, low, high = curve_band(repeats, grid)
        (line,) = ax.plot(grid, median, label=label)
        if len(repeats) > 1:
            ax.fill_between(grid, low, high, color=line.get_color(), alpha=0.2)
    ax.plot(grid, np.sqrt(grid), label="random", **REFERENCE_STYLE)
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(EFFICIENCY_LABELS["eps_s"])
    ax.set_ylabel(EFFICIENCY_LABELS["sic"])
    ax.legend(fontsize="small", ncol=2)
    add_process_label(ax, process)
    return fig


def plot_sic(curves: dict, process: str = ""):
    """ε_S/√ε_B against ε_S; points where too few background events pass are already NaN and not drawn."""
    fig, ax = plt.subplots()
    for label, curve in curves.items():
        ax.plot(curve["eps_s"], curve["sic"], label=label)
    eps = np.linspace(0, 1, 100)
    ax.plot(eps, np.sqrt(eps), label="random", **REFERENCE_STYLE)
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(EFFICIENCY_LABELS["eps_s"])
    ax.set_ylabel(EFFICIENCY_LABELS["sic"])
    ax.legend()
    add_process_label(ax, process)
    return fig
