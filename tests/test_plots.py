"""Every figure is drawn from toy inputs and written as a non-empty PNG and PDF."""

import matplotlib
import numpy as np
import pandas as pd
import pytest
from helpers import FAST, FEATURES, LinearAutoEncoder, toy_events

from dijetgen.anomaly import roc_curve
from dijetgen.latent import latent_projection, latent_traversal
from dijetgen.metrics import correlation_difference
from dijetgen.plots.beta_scan import beta_scan_table, plot_beta_scan
from dijetgen.plots.correlations import plot_correlation_difference, plot_mass_plane
from dijetgen.plots.distributions import plot_data_vs_generated
from dijetgen.plots.latent import plot_latent_projection, plot_latent_traversal
from dijetgen.plots.roc import plot_rejection, plot_sic
from dijetgen.plots.style import density_label, save_figure
from dijetgen.plots.summary import plot_training_curves, plot_w1_ratios


def written(fig, tmp_path, name="figure"):
    paths = [tmp_path / f"{name}.png", tmp_path / f"{name}.pdf"]
    save_figure(fig, *map(str, paths))
    return all(path.stat().st_size > 1000 for path in paths)


@pytest.fixture(scope="module")
def data():
    return toy_events(2000, 1), toy_events(2000, 2, mass_scale=1.2)


def test_backend_is_agg():
    assert matplotlib.get_backend().lower() == "agg"


@pytest.mark.parametrize("name", ["mj1", "etaj2", "tau21j1"])
def test_data_vs_generated(data, tmp_path, name):
    real, generated = data
    assert written(plot_data_vs_generated(real[name], generated[name], name, FAST.bins, "toy"), tmp_path)


def test_a_constant_observable_still_plots(tmp_path):
    assert written(plot_data_vs_generated(np.ones(100), np.ones(50), "mj1", 10, "toy"), tmp_path)


def test_mass_plane(data, tmp_path):
    assert written(plot_mass_plane(*data, "toy", bins=30), tmp_path)


def test_correlation_difference(data, tmp_path):
    real, generated = data
    difference = correlation_difference(generated[FEATURES].to_numpy(), real[FEATURES].to_numpy())
    assert written(plot_correlation_difference(difference, FEATURES, "toy"), tmp_path)


def test_w1_ratios(tmp_path):
    names = ["mj1", "mj2", "mjj"]
    ratios = pd.DataFrame({"vae": [1.2, 3.0, 0.9], "flow": [1.0, 1.1, np.nan]}, index=names)
    assert written(plot_w1_ratios(ratios, ratios * 0.1), tmp_path)


def test_beta_scan(tmp_path):
    def report(auc, kl):
        measured = {"generated": {"value": auc, "error": 0.01}, "floor": {"value": 0.51, "error": 0.01}}
        latent = {"kl_per_dim": kl, "kl_total": sum(kl), "active_units": sum(v > 0.01 for v in kl), "latent_dim": 3}
        return {"classifier_auc": measured, "fpd": measured, "latent": latent}

    table = beta_scan_table({4.0: report(0.9, [0.0, 0.0, 0.0]), 0.5: report(0.7, [1.0, 0.5, 0.2])})
    assert table["beta"].tolist() == [0.5, 4.0] and table["active_units"].tolist() == [3, 0]
    assert written(plot_beta_scan(table), tmp_path)


def test_training_curves(tmp_path):
    epochs = np.arange(1, 11)
    histories = {
        "vae": pd.DataFrame({"epoch": epochs, "loss": 1 / epochs, "val_loss": 1.1 / epochs, "seconds": 1.0}),
        "gan": pd.DataFrame({"epoch": epochs, "d_loss": -epochs / 10, "g_loss": epochs / 5, "val_loss": 1 / epochs}),
    }
    assert written(plot_training_curves(histories), tmp_path)


def test_latent_figures(data, tmp_path):
    real, generated = data
    model = LinearAutoEncoder()
    traversal = latent_traversal(model, real, steps=5)
    assert written(plot_latent_traversal(traversal, model.features, "toy"), tmp_path, "traversal")
    assert written(plot_latent_projection(*latent_projection(model, real, generated), "toy"), tmp_path, "projection")


def test_rejection_and_sic(tmp_path):
    rng = np.random.default_rng(1)
    curves = {"model": roc_curve(rng.normal(size=2000), rng.normal(1, 1, 500))}
    curves["baseline"] = roc_curve(rng.normal(size=2000), rng.normal(0.3, 1, 500))
    assert written(plot_rejection(curves, {"model": 0.76, "baseline": 0.58}), tmp_path, "roc")
    assert written(plot_sic(curves), tmp_path, "sic")


def test_dimensionless_axes_are_labelled_probability_density_and_clipped_ratios_get_arrows():
    assert density_label("mj1") == "Fraction of events / GeV" and density_label("tau21j1") == "Probability density"
    rng = np.random.default_rng(0)
    # Generated events pile up at high values, where the ratio exceeds the panel's top.
    fig = plot_data_vs_generated(rng.uniform(0, 1, 2000), rng.uniform(0.7, 1, 2000), "tau21j1", 10, "toy")
    arrows = [line for line in fig.axes[1].lines if line.get_marker() == "^"]
    # The three bins above 0.7 have a ratio of about 3.3, over the panel's top at 2.
    assert len(arrows) == 1 and len(arrows[0].get_xdata()) == 3 and (arrows[0].get_xdata() > 0.7).all()
