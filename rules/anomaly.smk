from dijetgen.config import scored_models, signal_sample

# Anomaly detection scores the test split with the models, so without models there is nothing to score.
SIGNAL = signal_sample(config) if config["models"] else None
ANOMALY_MODELS = scored_models(config) if SIGNAL is not None else []
if SIGNAL is None and config["models"] and workflow.is_main_process:
    logger.warning(
        "anomaly detection is off: no single sample is labelled signal (label: 1) or is an LHCO file; "
        "name one with anomaly.signal"
    )


ANOMALY_INPUTS = {
    "test": results("splits/test.parquet"),
    "train": results("splits/train.parquet"),
    "val": results("splits/val.parquet"),
    "signal": results(f"features/{SIGNAL}.parquet"),
}


rule anomaly:
    """A model's anomaly score of the test background and the signal: ROC, AUC, SIC and their figures."""
    input:
        # An ensemble's score is its replicas' mean score.
        models=trained("model.pt"),
        **ANOMALY_INPUTS,
    output:
        **anomaly_outputs("{model}", "{model}"),
    params:
        features=config["features"],
        label="{model}",
        baseline=None,
        process=lambda wildcards: ANOMALY_PROCESS,  # a function: the braces of its TeX are no wildcards
    wildcard_constraints:
        model="|".join(ANOMALY_MODELS) or "no-anomaly-models",
    resources:
        **job_resources("anomaly"),
    log:
        results("logs/anomaly/{model}.log"),
    benchmark:
        results("benchmarks/anomaly/{model}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/anomaly.py"


rule anomaly_baseline:
    """The plain mj1 cut, scored like a model: the baseline every model must beat."""
    input:
        **ANOMALY_INPUTS,
    output:
        **anomaly_outputs(BASELINE_NAME, "Anomaly detection"),
    params:
        features=config["features"],
        label=f"{BASELINE} cut",
        baseline=BASELINE,
        process=lambda wildcards: ANOMALY_PROCESS,  # a function: the braces of its TeX are no wildcards
    resources:
        **job_resources("anomaly_baseline"),
    log:
        results(f"logs/anomaly/{BASELINE_NAME}.log"),
    benchmark:
        results(f"benchmarks/anomaly/{BASELINE_NAME}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/anomaly.py"


# A second or two of work: on a cluster it runs in the Snakemake process itself rather than wait in the queue.
localrules:
    anomaly_summary,


rule anomaly_summary:
    """One row per scored model and the baseline: AUC and the largest SIC."""
    input:
        rocs=expand(results("anomaly/{name}/roc.csv"), name=ANOMALY_MODELS + [BASELINE_NAME]),
        aucs=expand(results("anomaly/{name}/auc.json"), name=ANOMALY_MODELS + [BASELINE_NAME]),
    output:
        table=for_report(
            results("anomaly/summary.csv"), "anomaly_summary", "Anomaly detection", table="anomaly summary"
        ),
        roc_all=for_report(
            results("anomaly/figures/roc_all.png"), "roc_all", "Anomaly detection", figure="ROC, all models"
        ),
        roc_all_pdf=results("anomaly/figures/roc_all.pdf"),
        sic_all=for_report(
            results("anomaly/figures/sic_all.png"), "sic_all", "Anomaly detection", figure="SIC, all models"
        ),
        sic_all_pdf=results("anomaly/figures/sic_all.pdf"),
    params:
        process=lambda wildcards: ANOMALY_PROCESS,  # a function: the braces of its TeX are no wildcards
    resources:
        **job_resources("anomaly_summary"),
    log:
        results("logs/anomaly/summary.log"),
    benchmark:
        results("benchmarks/anomaly/summary.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/anomaly_summary.py"


FINAL_OUTPUTS["anomaly"] = (
    expand(
        results("anomaly/{name}/{file}"),
        name=ANOMALY_MODELS + [BASELINE_NAME],
        file=["roc.csv", "auc.json", "roc.png", "roc.pdf", "sic.png", "sic.pdf"],
    )
    + [results("anomaly/summary.csv")]
    + expand(results("anomaly/figures/{name}.{ext}"), name=["roc_all", "sic_all"], ext=["png", "pdf"])
    if SIGNAL is not None
    else []
)
