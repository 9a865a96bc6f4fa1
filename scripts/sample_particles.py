"""Snakemake adapter: a particle model's clouds for a table of jets (the test split's, or a jet-level model's
generated events), as a constituent file."""

import pandas as pd
import torch

from dijetgen.constituents import generated_events, generated_rows, jet_conditions, write_constituents
from dijetgen.models import load_model
from dijetgen.snakemake_adapter import run


def sample_particles(snakemake):
    torch.set_num_threads(snakemake.threads)
    table = pd.read_parquet(snakemake.input.jets)
    if snakemake.params.generated_jets:
        table = generated_events(table)
    model = load_model(snakemake.input.model)
    values, mask = model.sample_particles(jet_conditions(table), seed=snakemake.params.seed)
    write_constituents([generated_rows(table, values, mask)], snakemake.output[0])


run(snakemake, sample_particles)  # noqa: F821 (injected by Snakemake)
