"""Resonant-search figures: max SIC against the injected S/B, and the sculpting check of the mjj spectrum."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from dijetgen.plots.style import EFFICIENCY_LABELS, REFERENCE_STYLE, add_process_label, axis_label, density_label

SCULPTING_EFFICIENCIES = (1.0, 0.5, 0.2, 0.05)  # background efficiencies of the cuts on the template score


def plot_max_sic(summary: pd.DataFrame, process: str = ""):
    """Each method's max SIC against S/B in the signal region, one point per injection."""
    fig, ax = plt.subplots()
    for method, rows in summary.groupby("method", sort=False):
        rows = rows.sort_values("signal_region_s_over_b")
        ax.plot(100 * rows["signal_region_s_over_b"], rows["max_sic"], marker="o", label=method)
    ax.axhline(1.0, label="no cut", **REFERENCE_STYLE)
    ax.set_xlabel("S/B in the signal region [%]")
    ax.set_ylabel(f"Max {EFFICIENCY_LABELS['sic']}")
    ax.set_ylim(bottom=0)
    ax.legend()
    add_process_label(ax, process)
    return fig


def plot_sculpting(
    mjj: np.ndarray, scores: np.ndarray, reference: np.ndarray, signal_region: list[float], bins: int, process: str = ""
):
    """Normalised mjj of background events after cuts on `scores` that keep SCULPTING_EFFICIENCIES of the
    `reference` (signal-region background) scores. A cut that sculpts a bump into the signal region would
    fake a resonance; the shapes must stay smooth."""
    fig, ax = plt.subplots()
    edges = np.linspace(np.min(mjj), np.quantile(mjj, 0.995), bins + 1)
    for efficiency in SCULPTING_EFFICIENCIES:
        cut = np.quantile(reference, 1 - efficiency)
        kept = mjj[scores >= cut] if efficiency < 1 else mjj
        ax.hist(
            kept,
            bins=edges,
            density=True,
            histtype="step",
            label=rf"$\varepsilon_B$ = {efficiency:g} ({len(kept)} events)",
        )
    ax.axvspan(*signal_region, color="grey", alpha=0.15, label="signal region")
    ax.set_yscale("log")
    ax.set_xlabel(axis_label("mjj"))
    ax.set_ylabel(density_label("mjj"))
    ax.legend()
    add_process_label(ax, process)
    return fig
