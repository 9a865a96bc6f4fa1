"""Snakemake adapter: a particle model's clouds for the test jets (closure), as a constituent file."""

import pandas as pd
import torch

from dijetgen.constituents import generated_rows, particle_jets, read_constituents, write_constituents
from dijetgen.models import load_model
from dijetgen.snakemake_adapter import run


def sample_particles(snakemake):
    torch.set_num_threads(snakemake.threads)
    table = pd.read_parquet(snakemake.input.test)
    test = particle_jets(table, read_constituents([snakemake.input.test_particles]), snakemake.params.cap)
    model = load_model(snakemake.input.model)
    values, mask = model.sample_particles(test.jets, seed=snakemake.params.seed)
    write_constituents([generated_rows(table, values, mask)], snakemake.output[0])


run(snakemake, sample_particles)  # noqa: F821 (injected by Snakemake)
