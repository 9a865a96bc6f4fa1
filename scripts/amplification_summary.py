"""Snakemake adapter: the amplification table (per model and N, errors over draws) and its figure."""

import pandas as pd

from dijetgen.amplification import summarise
from dijetgen.atomic import write_atomic
from dijetgen.plots.amplification import plot_amplification
from dijetgen.plots.style import save_figure
from dijetgen.snakemake_adapter import run


def summarise_amplification(snakemake):
    inputs, output = snakemake.input, snakemake.output
    table = summarise(pd.concat([pd.read_csv(path) for path in inputs.draws], ignore_index=True))
    print(table.to_string(index=False))
    write_atomic(lambda tmp: table.to_csv(tmp, index=False), output.table)
    curves = pd.concat([pd.read_csv(path) for path in inputs.curves], ignore_index=True)
    save_figure(plot_amplification(curves), output.figure, output.figure_pdf)


run(snakemake, summarise_amplification)  # noqa: F821 (injected by Snakemake)
