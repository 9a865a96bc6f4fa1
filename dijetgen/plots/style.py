"""What every figure shares: colours, axis labels with units, and saving."""

import matplotlib.pyplot as plt

from dijetgen.atomic import write_atomic

DATA_COLOR, MODEL_COLOR = "black", "tab:red"

LABELS = {
    "ptj1": r"$p_{T}^{j_1}$ [GeV]",
    "ptj2": r"$p_{T}^{j_2}$ [GeV]",
    "etaj1": r"$\eta^{j_1}$",
    "etaj2": r"$\eta^{j_2}$",
    "mj1": r"$m_{j_1}$ [GeV]",
    "mj2": r"$m_{j_2}$ [GeV]",
    "dphijj": r"$\phi^{j_2} - \phi^{j_1}$",
    "tau21j1": r"$\tau_{21}^{j_1}$",
    "tau21j2": r"$\tau_{21}^{j_2}$",
    "tau32j1": r"$\tau_{32}^{j_1}$",
    "tau32j2": r"$\tau_{32}^{j_2}$",
    "mjj": r"$m_{jj}$ [GeV]",
    "ptjj": r"$p_{T}^{jj}$ [GeV]",
    "deltaetajj": r"$|\Delta\eta_{jj}|$",
    "deltaphijj": r"$|\Delta\phi_{jj}|$",
}


def axis_label(name: str) -> str:
    return LABELS.get(name, name)


def save_figure(fig, *paths: str) -> None:
    """Write the figure to every path (format from the suffix) and free it."""
    for path in paths:
        write_atomic(lambda tmp, fig=fig: fig.savefig(tmp, dpi=120, bbox_inches="tight"), path)
    plt.close(fig)
