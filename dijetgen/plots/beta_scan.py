"""The β trade-off of a VAE: fidelity (classifier AUC) against latent use (KL per dimension, active units)."""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FixedLocator, FormatStrFormatter, NullLocator

from dijetgen.plots.style import PALETTE, REFERENCE_STYLE, UNITY_STYLE, add_process_label, figure_size

KL_COLOR, UNITS_COLOR = PALETTE[0], PALETTE[1]


def beta_scan_table(reports: dict) -> pd.DataFrame:
    """One row per β from {beta: metrics.json contents}: AUC (error, floor), FPD, active units, KL per dimension."""
    rows = []
    for beta, metrics in sorted(reports.items()):
        auc, latent = metrics["classifier_auc"], metrics["latent"]
        rows.append(
            {
                "beta": beta,
                "classifier_auc": auc["generated"]["value"],
                "classifier_auc_error": auc["generated"]["error"],
                "classifier_auc_floor": auc["floor"]["value"],
                "fpd": metrics["fpd"]["generated"]["value"],
                "fpd_error": metrics["fpd"]["generated"]["error"],
                "active_units": latent["active_units"],
                "latent_dim": latent["latent_dim"],
                "kl_per_dim": latent["kl_total"] / latent["latent_dim"],
                "kl_dims": " ".join(f"{value:.3g}" for value in latent["kl_per_dim"]),
            }
        )
    return pd.DataFrame(rows)


def plot_beta_scan(table: pd.DataFrame, process: str = ""):
    """Top: classifier AUC with errors and its floor. Bottom: KL of each latent dimension and active units."""
    fig, (top, bottom) = plt.subplots(2, 1, figsize=figure_size(rows=2), sharex=True, layout="constrained")
    beta = table["beta"]
    top.errorbar(beta, table["classifier_auc"], yerr=table["classifier_auc_error"], fmt="o-", label="VAE")
    top.plot(beta, table["classifier_auc_floor"], label="floor (train vs test)", **UNITY_STYLE)
    top.axhline(0.5, **REFERENCE_STYLE)
    top.set_ylabel("Classifier AUC")
    top.legend()
    add_process_label(top, process)
    for b, dims in zip(beta, table["kl_dims"]):
        values = np.array(dims.split(), dtype=float)
        bottom.plot(np.full(len(values), b), np.maximum(values, 1e-4), ".", color=KL_COLOR, alpha=0.5)
    bottom.plot(beta, np.maximum(table["kl_per_dim"], 1e-4), "o-", color=KL_COLOR, label="KL per dimension")
    bottom.set_yscale("log")
    bottom.set_ylabel("KL per latent dimension [nats]", color=KL_COLOR)
    bottom.set_xlabel(r"$\beta$")
    bottom.set_xscale("log")
    bottom.xaxis.set_major_locator(FixedLocator(beta))
    bottom.xaxis.set_major_formatter(FormatStrFormatter("%g"))
    bottom.xaxis.set_minor_locator(NullLocator())
    units = bottom.twinx()
    units.plot(beta, table["active_units"], "s--", color=UNITS_COLOR, label="active units")
    units.set_ylim(-0.3, table["latent_dim"].max() + 0.3)
    units.set_ylabel(r"Active units (Cov$_x$ E[z|x] > 0.01)", color=UNITS_COLOR)
    return fig
