"""Snakemake adapter: every model's loss terms per epoch, one panel per model, from history.csv."""

import pandas as pd

from dijetgen.plots.style import save_figure
from dijetgen.plots.summary import plot_training_curves
from dijetgen.snakemake_adapter import run


def plot_histories(snakemake):
    histories = {model: pd.read_csv(path) for model, path in zip(snakemake.params.models, snakemake.input)}
    save_figure(plot_training_curves(histories), *snakemake.output)


run(snakemake, plot_histories)  # noqa: F821 (injected by Snakemake)
