"""Snakemake adapter: a VAE's latent traversals and its latent space coloured by signal and background."""

import torch

from dijetgen.anomaly import read_anomaly_events
from dijetgen.latent import latent_projection, latent_traversal
from dijetgen.models import load_model
from dijetgen.plots.latent import plot_latent_projection, plot_latent_traversal
from dijetgen.plots.style import save_figure
from dijetgen.snakemake_adapter import run

TRAVERSED = ["mj1", "mj2", "tau21j1", "tau21j2"]  # the jet substructure a W' tagger would look at


def plot_latent(snakemake):
    inputs, output, params, name = snakemake.input, snakemake.output, snakemake.params, snakemake.wildcards.model
    torch.set_num_threads(snakemake.threads)
    model = load_model(inputs.model, features=params.features)
    background, signal = read_anomaly_events(inputs.test, inputs.signal, [inputs.train, inputs.val], params.features)
    shown = [column for column in TRAVERSED if column in params.features] or params.features[:4]
    traversal = latent_traversal(model, background)
    save_figure(plot_latent_traversal(traversal, shown, name), output.traversal, output.traversal_pdf)
    projection = latent_projection(model, background, signal)
    save_figure(plot_latent_projection(*projection, name, params.process), output.projection, output.projection_pdf)


run(snakemake, plot_latent)  # noqa: F821 (injected by Snakemake)
