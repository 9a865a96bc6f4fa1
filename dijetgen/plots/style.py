"""What every figure shares: print sizes, fonts, colours, axis labels with units, the process label, and saving.

Importing this module applies the style (mplhep's ROOT style scaled down to a journal column), so figure
code only asks it for a size and a colour and never sets fonts, sizes or colours itself::

    fig, ax = plt.subplots(figsize=figure_size())          # one column wide
    ax.plot(x, y, color=PALETTE[0])
    add_process_label(ax, process_label(config, ["qcd"]))  # dijetgen.labels
    save_figure(fig, "x.png", "x.pdf")
"""

import matplotlib as mpl
import matplotlib.pyplot as plt
import mplhep
from cycler import cycler

from dijetgen.atomic import write_atomic

COLUMN_WIDTH = 3.4  # inches: one column of a two-column journal page (PRD, JHEP, EPJC)
DOUBLE_WIDTH = 7.0  # inches: the full page width
ASPECT = 0.85  # height / width of a one-panel figure

# Petroff's colour-blind-safe sequence (matplotlib's "petroff10", the default of mplhep and recent CMS papers).
PALETTE = list(mpl.color_sequences["petroff10"])
DATA_COLOR, MODEL_COLOR = "black", PALETTE[0]
BACKGROUND_COLOR, SIGNAL_COLOR = PALETTE[0], PALETTE[1]
REFERENCE_STYLE = {"color": "grey", "linestyle": ":", "linewidth": 0.8}  # random-guess lines
UNITY_STYLE = {"color": DATA_COLOR, "linestyle": "--", "linewidth": 0.8}  # ratio 1: perfect, or the floor

PNG_DPI = 300
# PDFs normally carry their creation date; without it two runs give identical bytes (PNG has no date).
PDF_METADATA = {"CreationDate": None}

mplhep.style.use("ROOT")
plt.rcParams.update(
    {
        "figure.figsize": (COLUMN_WIDTH, ASPECT * COLUMN_WIDTH),
        "font.size": 8,
        "axes.titlesize": 8,
        "axes.linewidth": 0.6,
        "axes.prop_cycle": cycler(color=PALETTE),
        "lines.linewidth": 1.0,
        "lines.markersize": 3,
        "errorbar.capsize": 0,
        "legend.fontsize": 6.5,
        "legend.handlelength": 1.5,
        **{f"{axis}tick.{which}.size": size for axis in "xy" for which, size in (("major", 4), ("minor", 2))},
        **{f"{axis}tick.{which}.width": 0.6 for axis in "xy" for which in ("major", "minor")},
        **{f"{axis}tick.labelsize": 7 for axis in "xy"},
        "pdf.fonttype": 42,  # TrueType, embedded: what journals ask for (Type 3 fonts are often rejected)
        "savefig.dpi": PNG_DPI,
    }
)

LABELS = {
    "ptj1": r"$p_{T}^{j_1}$ [GeV]",
    "ptj2": r"$p_{T}^{j_2}$ [GeV]",
    "etaj1": r"$\eta^{j_1}$",
    "etaj2": r"$\eta^{j_2}$",
    "mj1": r"$m_{j_1}$ [GeV]",
    "mj2": r"$m_{j_2}$ [GeV]",
    "dphijj": r"$\phi^{j_2} - \phi^{j_1}$ [rad]",
    "tau21j1": r"$\tau_{21}^{j_1}$",
    "tau21j2": r"$\tau_{21}^{j_2}$",
    "tau32j1": r"$\tau_{32}^{j_1}$",
    "tau32j2": r"$\tau_{32}^{j_2}$",
    "mjj": r"$m_{jj}$ [GeV]",
    "ptjj": r"$p_{T}^{jj}$ [GeV]",
    "deltaetajj": r"$|\Delta\eta_{jj}|$",
    "deltaphijj": r"$|\Delta\phi_{jj}|$ [rad]",
}
EFFICIENCY_LABELS = {
    "eps_s": r"Signal efficiency $\varepsilon_S$",
    "rejection": r"Background rejection $1/\varepsilon_B$",
    "sic": r"SIC $= \varepsilon_S\,/\,\varepsilon_B^{1/2}$",
}


def axis_label(name: str) -> str:
    return LABELS.get(name, name)


def symbol(name: str) -> str:
    """The observable's symbol without its unit, for ticks and matrix labels."""
    return axis_label(name).split(" [")[0]


def density_label(name: str) -> str:
    """The y label of a normalised histogram of `name`: the fraction of events per unit of its x axis, or,
    for a dimensionless x, the probability density."""
    label = axis_label(name)
    if " [" not in label:
        return "Probability density"
    return f"Fraction of events / {label.split(' [')[1].rstrip(']')}"


def figure_size(columns: int = 1, aspect: float = ASPECT, rows: int = 1) -> tuple[float, float]:
    """(width, height) in inches of a figure one or two journal columns wide with `rows` panels stacked."""
    width = COLUMN_WIDTH if columns == 1 else DOUBLE_WIDTH
    return width, aspect * COLUMN_WIDTH * rows


def add_process_label(ax, text: str) -> None:
    """The process label (dijetgen.labels.process_label) above the axes' top-left corner; "" draws nothing."""
    if text:
        ax.text(0.0, 1.02, text, transform=ax.transAxes, ha="left", va="bottom", fontsize=6, linespacing=1.3)


def save_figure(fig, *paths: str) -> None:
    """Write the figure to every path (format from the suffix) and free it; the same figure gives the same bytes."""
    # The tight box once for all formats: bbox_inches="tight" would draw the figure twice per file, and
    # drawing (ticks, text layout) is most of a figure job's time. A figure with a layout engine is laid out
    # again by every savefig, so there a box of its own per file costs no extra draw.
    bbox = "tight"
    if fig.get_layout_engine() is None:
        fig.draw_without_rendering()
        bbox = fig.get_tightbbox(fig.canvas.get_renderer()).padded(plt.rcParams["savefig.pad_inches"])
    for path in paths:
        metadata = PDF_METADATA if path.endswith(".pdf") else None
        write_atomic(
            lambda tmp, fig=fig, metadata=metadata: fig.savefig(tmp, bbox_inches=bbox, metadata=metadata), path
        )
    plt.close(fig)
