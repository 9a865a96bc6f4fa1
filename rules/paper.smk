# `snakemake paper`: every figure and table of the study in <results>/paper/, with provenance and a manifest.
# Included after every stage it gathers. A stage joins the paper with one entry in PAPER_STAGES: its final
# outputs (FINAL_OUTPUTS; every PDF and PNG among them becomes a figure) and, optionally, its summary CSV as a
# table. A stage the config leaves off has no outputs, hence no figures and no table.
from dijetgen.config import sample_settings
from dijetgen.paper import paper_figures, paper_stage
from dijetgen.provenance import git_state

PAPER_STAGES = {
    "validation": paper_stage(FINAL_OUTPUTS["validation"]),
    "anomaly": paper_stage(FINAL_OUTPUTS["anomaly"], results("anomaly/summary.csv"), ["model", "auc", "max_sic"]),
    "search": paper_stage(
        FINAL_OUTPUTS.get("search", []),
        results("search/summary.csv"),
        [
            "inject", "method", "s_over_b", "max_sic", "max_sic_q16", "max_sic_q84", "closure_auc", "closure_floor",
            "repeats",
        ],
    ),
    "bumphunt": paper_stage(
        FINAL_OUTPUTS.get("bumphunt", []),
        results("search/bumphunt.csv"),
        ["inject", "repeat", "efficiency", "observed", "predicted", "predicted_error", "significance"],
    ),
    "beta_scan": paper_stage(FINAL_OUTPUTS.get("beta_scan", []), results("beta_scan/summary.csv")),
    "amplification": paper_stage(
        FINAL_OUTPUTS.get("amplification", []),
        results("amplification/summary.csv"),
        ["model", "size", "training_distance", "training_distance_error", "generated_distance"]
        + ["generated_distance_error", "amplification", "amplification_error", "censored"]
        + ["training_amplification", "training_amplification_error"],
    ),
    "particles": paper_stage(
        FINAL_OUTPUTS.get("particles", []),
        results("validation_particles/summary.csv"),
        ["model", "w1m_ratio", "w1p_ratio", "multiplicity_w1_ratio", "w1efp_ratio"]
        + ["fpd", "fpd_floor", "kpd", "kpd_floor", "classifier_auc", "classifier_auc_floor"],
    ),
}
PAPER_FIGURES = paper_figures(
    [path for stage in PAPER_STAGES.values() for path in stage["outputs"]], f"{PAPER}/figures", RESULTS
)
PAPER_TABLES = {name: stage for name, stage in PAPER_STAGES.items() if stage["table"]}
PAPER_METRICS = expand(results("validation/{model}/metrics.json"), model=MODELS)
PAPER_SAMPLES = {name: sample_settings(config, name) for name in SAMPLES}


# A second or two of work: on a cluster it runs in the Snakemake process itself rather than wait in the queue.
localrules:
    paper,


rule paper:
    """The paper bundle: every figure as PDF, the tables as LaTeX, provenance and the config."""
    input:
        **{name: stage["outputs"] for name, stage in PAPER_STAGES.items()},
        cutflows=[
            results(f"jets/{name}/{shard}.cutflow.json")
            for name, sample in PAPER_SAMPLES.items()
            for shard in range(sample["shards"])
        ],
        models=expand(results("models/{model}/config.json"), model=MODELS),
        # The replica spreads of fidelity.tex.
        **({"summary": results("validation/summary.csv")} if PAPER_METRICS else {}),
    output:
        figures=list(PAPER_FIGURES),
        **({"fidelity": paper_table("fidelity", "paper_fidelity")} if PAPER_METRICS else {}),
        stage_tables=[paper_table(name, "paper_stage_table") for name in PAPER_TABLES],
        cutflow=paper_table("cutflow", "paper_cutflow"),
        samples=paper_table("samples", "paper_samples"),
        provenance=for_report(f"{PAPER}/provenance.json", "provenance", "Paper", "Provenance", table="provenance"),
        timings=f"{PAPER}/timings.json",
        manifest=f"{PAPER}/manifest.tsv",
    params:
        figures=PAPER_FIGURES,
        metrics=PAPER_METRICS,
        tables={name: {"csv": stage["table"], "columns": stage["columns"]} for name, stage in PAPER_TABLES.items()},
        config=config,
        samples=PAPER_SAMPLES,
        # A commit or an edit of tracked files makes a new provenance.json (the paper job is cheap).
        git=git_state(workflow.basedir),
        benchmarks=results("benchmarks"),
    # No benchmark: timings.json is read from the benchmarks of the stages, and this job's own is written after it.
    resources:
        **job_resources("paper"),
    log:
        results("logs/paper.log"),
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/paper.py"


FINAL_OUTPUTS["paper"] = [str(path) for path in rules.paper.output]
