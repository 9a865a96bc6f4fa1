"""Snakemake adapter: particle-level metrics and figures of one particle model against the test jets."""

import pandas as pd

from dijetgen.atomic import write_json
from dijetgen.constituents import generated_events, particle_jets, read_constituents
from dijetgen.metrics.particles import validate_particles
from dijetgen.plots.particles import plot_particles
from dijetgen.snakemake_adapter import run
from dijetgen.validation import ValidationSettings, json_safe


def validate_particle_model(snakemake):
    params, cap = snakemake.params, snakemake.params.cap
    tables = {part: pd.read_parquet(snakemake.input[part]) for part in ("train", "test")}
    train = particle_jets(tables["train"], read_constituents([snakemake.input.train_particles]), cap)
    test = particle_jets(tables["test"], read_constituents([snakemake.input.test_particles]), cap)
    # The clouds' own jets: the test jets (closure), or the jet-level model's generated events.
    jets = pd.read_parquet(snakemake.input.jets)
    if params.generated_jets:
        jets = generated_events(jets)
    generated = particle_jets(jets, read_constituents([snakemake.input.generated]), cap)
    settings = ValidationSettings(**params.settings)
    metrics = validate_particles(generated, train, test, settings, params.seed, snakemake.threads)
    write_json(json_safe(metrics), snakemake.output.metrics, indent=1)
    figures = {name: [f"{params.figures}/{name}.{ext}" for ext in ("png", "pdf")] for name in params.names}
    plot_particles(test, generated, snakemake.wildcards.particle_sample, settings.bins, figures)


run(snakemake, validate_particle_model)  # noqa: F821 (injected by Snakemake)
