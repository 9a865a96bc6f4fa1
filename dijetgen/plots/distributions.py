"""One observable, data against generated events, with a ratio panel: the basic validation figure."""

import hist
import matplotlib.pyplot as plt
import mplhep as hep
import numpy as np

from dijetgen.plots.style import (
    DATA_COLOR,
    MODEL_COLOR,
    UNITY_STYLE,
    add_process_label,
    axis_label,
    density_label,
    figure_size,
)

RATIO_MAX = 2.0


def display_range(reference: np.ndarray) -> tuple[float, float]:
    """The central 99% of the reference, so a few tail events do not squeeze the bulk into one bin."""
    low, high = np.quantile(reference, [0.005, 0.995])
    if high <= low:  # a (nearly) constant observable
        low, high = low - 0.5, high + 0.5
    return float(low), float(high)


def normalised_counts(values: np.ndarray, axis: hist.axis.Regular) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(counts, density, its Poisson error), normalised to all events, so shapes compare whatever the sizes."""
    counts = hist.Hist(axis).fill(values).values()
    scale = 1.0 / (len(values) * axis.widths)
    return counts, counts * scale, np.sqrt(counts) * scale


def plot_data_vs_generated(
    data: np.ndarray,
    generated: np.ndarray,
    name: str,
    bins: int,
    model: str,
    data_label: str = "test data",
    process: str = "",
):
    """Normalised histograms with statistical errors, and generated/data below."""
    axis = hist.axis.Regular(bins, *display_range(data), name=name, label=axis_label(name))
    n_data, data_density, data_error = normalised_counts(data, axis)
    n_gen, gen_density, gen_error = normalised_counts(generated, axis)

    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=figure_size(aspect=1.0), sharex=True, gridspec_kw={"height_ratios": [3, 1], "hspace": 0.05}
    )
    hep.histplot(
        data_density, axis.edges, yerr=data_error, histtype="errorbar", color=DATA_COLOR, label=data_label, ax=top
    )
    hep.histplot(gen_density, axis.edges, yerr=gen_error, histtype="step", color=MODEL_COLOR, label=model, ax=top)
    top.set_ylabel(density_label(name))
    top.legend()
    add_process_label(top, process)

    # Bins without data or without generated events have no ratio (NaN, not drawn).
    filled = (n_data > 0) & (n_gen > 0)
    ratio, ratio_error = np.full(bins, np.nan), np.zeros(bins)
    ratio[filled] = gen_density[filled] / data_density[filled]
    ratio_error[filled] = ratio[filled] * np.sqrt(1.0 / n_gen[filled] + 1.0 / n_data[filled])
    hep.histplot(ratio, axis.edges, yerr=ratio_error, histtype="errorbar", color=MODEL_COLOR, ax=bottom)
    bottom.axhline(1.0, **UNITY_STYLE)
    bottom.set_ylim(0.0, RATIO_MAX)
    # Ratios above the panel are drawn as arrows on its top edge, so no bin disappears without a trace.
    above = ratio > RATIO_MAX
    bottom.plot(axis.centers[above], np.full(above.sum(), 0.93 * RATIO_MAX), "^", color=MODEL_COLOR, ms=3)
    bottom.set_ylabel("Gen. / data")
    bottom.set_xlabel(axis_label(name))
    top.set_xlabel("")
    return fig
