"""Anomaly-detection figures: background rejection and significance improvement against signal efficiency.

Each function takes {label: curve} with curves as written by dijetgen.anomaly.roc_curve, so one model and
the overlay of all models are the same figure.
"""

import matplotlib.pyplot as plt
import numpy as np


def plot_rejection(curves: dict, aucs: dict):
    """1/ε_B against ε_S (the HEP form of the ROC curve), with the random-guess line ε_B = ε_S."""
    fig, ax = plt.subplots(figsize=(9, 8))
    for label, curve in curves.items():
        shown = curve[curve["eps_b"] > 0]
        ax.plot(shown["eps_s"], 1.0 / shown["eps_b"], label=f"{label} (AUC {aucs[label]:.3f})")
    eps = np.linspace(0.01, 1, 100)
    ax.plot(eps, 1.0 / eps, color="grey", linestyle=":", label="random")
    ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.set_xlabel(r"signal efficiency $\varepsilon_S$")
    ax.set_ylabel(r"background rejection $1/\varepsilon_B$")
    ax.legend(fontsize="small")
    return fig


def plot_sic(curves: dict):
    """ε_S/√ε_B against ε_S; points where too few background events pass are already NaN and not drawn."""
    fig, ax = plt.subplots(figsize=(9, 8))
    for label, curve in curves.items():
        ax.plot(curve["eps_s"], curve["sic"], label=label)
    eps = np.linspace(0, 1, 100)
    ax.plot(eps, np.sqrt(eps), color="grey", linestyle=":", label="random")
    ax.set_xlim(0, 1)
    ax.set_ylim(bottom=0)
    ax.set_xlabel(r"signal efficiency $\varepsilon_S$")
    ax.set_ylabel(r"SIC $= \varepsilon_S\,/\,\varepsilon_B^{1/2}$")
    ax.legend(fontsize="small")
    return fig
