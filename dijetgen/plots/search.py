"""Resonant-search figures: max SIC against the injected S/B, the sculpting check of the mjj spectrum, and the
bump hunt's spectra with their sideband fits."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from dijetgen.bumphunt import SQRT_S, bin_counts, mjj_edges
from dijetgen.plots.style import (
    DATA_COLOR,
    EFFICIENCY_LABELS,
    MODEL_COLOR,
    REFERENCE_STYLE,
    SIGNAL_COLOR,
    add_process_label,
    axis_label,
    density_label,
    figure_size,
)

SCULPTING_EFFICIENCIES = (1.0, 0.5, 0.2, 0.05)  # background efficiencies of the cuts on the template score


SCAN_AXES = {
    "s_over_b": ("S/B in the signal region [%]", 100.0),
    "s_over_sqrt_b": (r"$S/\sqrt{B}$ in the signal region", 1.0),
}


def plot_injection_scan(summary: pd.DataFrame, x: str, y: str, process: str = ""):
    """Each method's `y` (max_sic, or SIC at a fixed eps_B) against the injection's `x` (s_over_b or
    s_over_sqrt_b): the median over the repeats, and the band of their 16th to 84th percentiles."""
    fig, ax = plt.subplots()
    label, scale = SCAN_AXES[x]
    for method, rows in summary.groupby("method", sort=False):
        rows = rows.sort_values(x)
        (line,) = ax.plot(scale * rows[x], rows[y], marker="o", ms=3, label=method)
        ax.fill_between(scale * rows[x], rows[f"{y}_q16"], rows[f"{y}_q84"], color=line.get_color(), alpha=0.2)
    ax.axhline(1.0, label="no cut", **REFERENCE_STYLE)
    ax.set_xlabel(label)
    what = "Max " + EFFICIENCY_LABELS["sic"] if y == "max_sic" else EFFICIENCY_LABELS["sic"]
    eps_b = y.removeprefix("sic_eps_b_")
    ax.set_ylabel(what if y == "max_sic" else rf"{what} at $\varepsilon_B$ = {eps_b}")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize="small", ncol=2)
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


def plot_bump_hunt(
    mjj: np.ndarray,
    scores: np.ndarray,
    table: pd.DataFrame,
    signal_region: list[float],
    sidebands: list[float],
    bins: int,
    sqrt_s: float = SQRT_S,
    process: str = "",
):
    """One column per working point of dijetgen.bumphunt.bump_hunt's `table` (the same mjj, scores, regions
    and bins): the selected events' mjj with the sideband fit extended into the signal region, and below
    it each bin's (data − fit) / sqrt(fit), where a resonance shows as a run of positive bins in the SR."""
    edges = mjj_edges(signal_region, sidebands, bins)
    centres = (edges[:-1] + edges[1:]) / 2
    columns = len(table)
    fig, axes = plt.subplots(
        2,
        columns,
        figsize=figure_size(columns=1 if columns == 1 else 2, aspect=1.1 if columns > 1 else 1.2),
        sharex="col",
        squeeze=False,
        gridspec_kw={"height_ratios": [3, 1], "hspace": 0.0},
    )
    for (top, bottom), row in zip(axes.T, table.itertuples()):
        counts = np.histogram(mjj[scores >= row.threshold], edges)[0]
        top.errorbar(centres, counts, yerr=np.sqrt(counts), fmt="o", color=DATA_COLOR, label="selected data")
        fitted = np.isfinite(row.predicted)  # a working point with too few sideband events has no fit
        if fitted:
            fit = bin_counts(edges, (row.p0, row.p1, row.p2), sqrt_s)
            top.stairs(fit, edges, baseline=None, color=MODEL_COLOR, label="dijet fit to sidebands")
            bottom.stairs((counts - fit) / np.sqrt(fit), edges, fill=True, color=SIGNAL_COLOR, alpha=0.7)
            outcome = [
                f"SR: {row.observed} obs., {row.predicted:.0f} ± {row.predicted_error:.0f} pred.",
                rf"Z = {row.significance:+.1f}, $\chi^2$/ndf = {row.chi2_ndf:.2f}",
            ]
        else:
            outcome = [f"SR: {row.observed} obs.", "too few sideband events to fit"]
        top.set_yscale("log")
        top.set_ylim(top=10 * top.get_ylim()[1])  # room for the text above the falling spectrum
        top.text(
            0.97,
            0.97,
            "\n".join([rf"$\varepsilon$ = {row.efficiency:g}", *outcome]),
            transform=top.transAxes,
            ha="right",
            va="top",
            fontsize=6,
        )
        bottom.axhline(0.0, **REFERENCE_STYLE)
        bottom.set_xlabel(axis_label("mjj"))
        for ax in (top, bottom):
            ax.axvspan(*signal_region, color="grey", alpha=0.15, label="signal region" if ax is top else None)
    axes[0, 0].set_ylabel("Events / bin")
    axes[1, 0].set_ylabel(r"(data $-$ fit) / fit$^{1/2}$")
    axes[0, 0].legend(loc="lower left")
    add_process_label(axes[0, 0], process)
    return fig
