"""Snakemake adapter: particle-level metrics and figures of one particle model against the test jets."""

import pandas as pd

from dijetgen.atomic import write_json
from dijetgen.constituents import particle_jets, read_constituents
from dijetgen.metrics.particles import validate_particles
from dijetgen.plots.particles import plot_particles
from dijetgen.snakemake_adapter import run
from dijetgen.validation import ValidationSettings, json_safe


def validate_particle_model(snakemake):
    params, cap = snakemake.params, snakemake.params.cap
    tables = {part: pd.read_parquet(snakemake.input[part]) for part in ("train", "test")}
    train = particle_jets(tables["train"], read_constituents([snakemake.input.train_particles]), cap)
    test = particle_jets(tables["test"], read_constituents([snakemake.input.test_particles]), cap)
    generated = particle_jets(tables["test"], read_constituents([snakemake.input.generated]), cap)
    settings = ValidationSettings(**params.settings)
    metrics = validate_particles(generated, train, test, settings, params.seed, snakemake.threads)
    write_json(json_safe(metrics), snakemake.output.metrics, indent=1)
    figures = {name: [f"{params.figures}/{name}.{ext}" for ext in ("png", "pdf")] for name in params.names}
    plot_particles(test, generated, snakemake.wildcards.particle_model, settings.bins, figures)


run(snakemake, validate_particle_model)  # noqa: F821 (injected by Snakemake)
