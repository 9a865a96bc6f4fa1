"""Snakemake adapter: the study's figures and tables in its paper/ folder, with provenance and a manifest."""

import json

from dijetgen.atomic import write_json
from dijetgen.paper import (
    copy_figures,
    csv_table,
    cutflow_table,
    fidelity_table,
    manifest,
    read_json,
    remove_stale_files,
    sample_cutflows,
    samples_table,
    write_text,
)
from dijetgen.provenance import provenance, stage_times
from dijetgen.snakemake_adapter import run


def build_paper(snakemake):
    inputs, output, params = snakemake.input, snakemake.output, snakemake.params
    copy_figures(params.figures)
    if "fidelity" in output.keys():
        write_text(fidelity_table(params.metrics, inputs.summary), output.fidelity)
    for (name, table), path in zip(params.tables.items(), output.stage_tables):
        write_text(csv_table(table["csv"], table["columns"], f"The {name} stage's summary ({table['csv']})."), path)
    cutflows = sample_cutflows(inputs.cutflows)
    write_text(cutflow_table(cutflows), output.cutflow)
    write_text(samples_table(params.samples, cutflows), output.samples)

    devices = [read_json(path)["device"] for path in inputs.models]
    record = provenance(dict(params.config), params.samples, params.git, sorted(inputs), devices)
    # sort_keys: the same record always gives the same bytes.
    write_json(record, output.provenance, indent=1, sort_keys=True)
    timings = stage_times(params.benchmarks)
    print(timings.to_string(index=False))
    write_json(json.loads(timings.to_json(orient="records")), output.timings, indent=1)

    paper = output.manifest.rsplit("/", 1)[0]
    for path in remove_stale_files(paper, list(output)):
        print(f"removed {path}: not an output of this config")
    write_text(manifest(paper, [output.manifest, output.timings]), output.manifest)
    print(f"{len(params.figures)} figures, manifest of {paper} written")


run(snakemake, build_paper)  # noqa: F821 (injected by Snakemake)
