"""Particle-level figures of one particle model: the particles' (pt_rel, deta, dphi), the jet mass rebuilt from
the particles, the multiplicity, and the average jet image, each of test jets against generated jets."""

import matplotlib.pyplot as plt
import numpy as np

from dijetgen.clouds import ParticleJets
from dijetgen.columns import PARTICLE_FIGURES
from dijetgen.metrics.particles import particle_values, rebuilt_jets
from dijetgen.plots.distributions import plot_data_vs_generated
from dijetgen.plots.style import figure_size, save_figure

IMAGE_BINS, IMAGE_HALF_WIDTH = 40, 1.0  # the anti-kT R = 1.0 jet's area


def observables(jets: ParticleJets) -> dict[str, np.ndarray]:
    """Each 1D figure's values: pt_rel on a log scale, as its spread is of several decades."""
    particles = particle_values(jets)
    return {
        "pt_rel": np.log10(particles[:, 0]),
        "deta": particles[:, 1],
        "dphi": particles[:, 2],
        "mass_from_particles": rebuilt_jets(jets)["m"],
        "multiplicity": jets.mask.sum(axis=1).astype(float),
    }


def jet_image(jets: ParticleJets) -> np.ndarray:
    """The pt_rel-weighted (deta, dphi) histogram averaged over jets."""
    edges = np.linspace(-IMAGE_HALF_WIDTH, IMAGE_HALF_WIDTH, IMAGE_BINS + 1)
    particles = particle_values(jets)
    image, _, _ = np.histogram2d(particles[:, 1], particles[:, 2], bins=[edges, edges], weights=particles[:, 0])
    return image / max(len(jets.jets), 1)


def plot_particles(
    test: ParticleJets, generated: ParticleJets, model: str, bins: int, paths: dict[str, list[str]]
) -> None:
    """Write every figure of PARTICLE_FIGURES to its paths ({name: [png, pdf]})."""
    data, generated_values = observables(test), observables(generated)
    labels = {"pt_rel": "log10 pt_rel", "mass_from_particles": "mass from particles [GeV]"}
    for name in PARTICLE_FIGURES[:-1]:
        fig = plot_data_vs_generated(data[name], generated_values[name], labels.get(name, name), bins, model)
        save_figure(fig, *paths[name])
    images = {"test": jet_image(test), "generated": jet_image(generated)}
    fig, axes = plt.subplots(1, 2, figsize=figure_size(2, aspect=0.5))
    # A log scale shows the core and the periphery; empty bins get the smallest filled value.
    filled = [image[image > 0] for image in images.values()]
    low = min((values.min() for values in filled if values.size), default=1e-6)
    for ax, (title, image) in zip(axes, images.items()):
        extent = [-IMAGE_HALF_WIDTH, IMAGE_HALF_WIDTH, -IMAGE_HALF_WIDTH, IMAGE_HALF_WIDTH]
        shown = ax.imshow(np.maximum(image.T, low), origin="lower", extent=extent, norm="log", cmap="viridis")
        ax.set(title=title, xlabel="deta", ylabel="dphi")
    fig.colorbar(shown, ax=axes, label="average pt_rel per bin")
    save_figure(fig, *paths["jet_image"])
