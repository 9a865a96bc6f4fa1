"""Snakemake adapter: one model's figures, each observable data vs generated, the mass plane, the correlations."""

from dijetgen.metrics import correlation_difference
from dijetgen.observables import with_observables
from dijetgen.plots.correlations import plot_correlation_difference, plot_mass_plane
from dijetgen.plots.distributions import plot_data_vs_generated
from dijetgen.plots.style import save_figure
from dijetgen.snakemake_adapter import run
from dijetgen.validation import read_checked


def plot_model(snakemake):
    params, output, model = snakemake.params, snakemake.output, snakemake.wildcards.model
    test, generated = (
        with_observables(read_checked(snakemake.input[part], params.features), params.features)
        for part in ("test", "generated")
    )
    for name, png, pdf in zip(params.observables, output.observables, output.observables_pdf):
        figure = plot_data_vs_generated(test[name], generated[name], name, params.bins, model, process=params.process)
        save_figure(figure, png, pdf)
    features = params.features
    difference = correlation_difference(generated[features].to_numpy(), test[features].to_numpy())
    save_figure(plot_correlation_difference(difference, features, model), output.correlations, output.correlations_pdf)
    if "mass_plane" in output.keys():
        plane = plot_mass_plane(test, generated, model, params.bins, process=params.process)
        save_figure(plane, output.mass_plane, output.mass_plane_pdf)


run(snakemake, plot_model)  # noqa: F821 (injected by Snakemake)
