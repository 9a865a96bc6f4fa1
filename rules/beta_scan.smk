# The beta trade-off: the base VAE retrained at each beta of `beta_scan.betas`, validated like any model,
# and one figure of fidelity (classifier AUC) against latent use (KL per dimension, active units).
# Read only when the config has `beta_scan:` (the Snakefile); part of `rule all`, or run it alone as
# `vae_beta_scan`.
from dijetgen.config import beta_scan_models

SCAN_MODELS = beta_scan_models(config)
SCAN = results("beta_scan")


# The scan's rules are the pipeline's train, sample and validate with the scan's files and settings, so
# whatever those rules pass their scripts (e.g. the selection) reaches the scan's models too.
use rule train as beta_scan_train with:
    output:
        model=f"{SCAN}/{{model}}/model.pt",
        history=f"{SCAN}/{{model}}/history.csv",
        config=f"{SCAN}/{{model}}/config.json",
    params:
        hparams=lambda wildcards: SCAN_MODELS[wildcards.model],
        seed=config["seed"],
    wildcard_constraints:
        model="|".join(SCAN_MODELS),
    log:
        results("logs/beta_scan/train_{model}.log"),
    benchmark:
        results("benchmarks/beta_scan/train_{model}.tsv")


use rule sample as beta_scan_sample with:
    input:
        model=f"{SCAN}/{{model}}/model.pt",
        test=results("splits/test.parquet"),
    output:
        f"{SCAN}/{{model}}/samples.parquet",
    wildcard_constraints:
        model="|".join(SCAN_MODELS),
    log:
        results("logs/beta_scan/sample_{model}.log"),
    benchmark:
        results("benchmarks/beta_scan/sample_{model}.tsv")


use rule validate as beta_scan_validate with:
    input:
        generated=f"{SCAN}/{{model}}/samples.parquet",
        model=f"{SCAN}/{{model}}/model.pt",
        training=f"{SCAN}/{{model}}/config.json",
        train=results("splits/train.parquet"),
        test=results("splits/test.parquet"),
    output:
        f"{SCAN}/{{model}}/metrics.json",
    wildcard_constraints:
        model="|".join(SCAN_MODELS),
    log:
        results("logs/beta_scan/validate_{model}.log"),
    benchmark:
        results("benchmarks/beta_scan/validate_{model}.tsv")


# A second or two of work: on a cluster it runs in the Snakemake process itself rather than wait in the queue.
localrules:
    beta_scan_summary,
    vae_beta_scan,


rule beta_scan_summary:
    """The beta scan's table and its figure of fidelity against latent use."""
    input:
        expand(f"{SCAN}/{{model}}/metrics.json", model=SCAN_MODELS),
    output:
        table=for_report(f"{SCAN}/summary.csv", "beta_scan_summary", "Summary", table="beta scan"),
        figure=for_report(f"{SCAN}/beta_scan.png", "beta_scan", "Summary", figure="beta scan"),
        figure_pdf=f"{SCAN}/beta_scan.pdf",
    params:
        process=lambda wildcards: TRAINING_PROCESS,  # a function: the braces of its TeX are no wildcards
    resources:
        **job_resources("beta_scan_summary"),
    log:
        results("logs/beta_scan/summary.log"),
    benchmark:
        results("benchmarks/beta_scan/summary.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/beta_scan.py"


FINAL_OUTPUTS["beta_scan"] = [str(path) for path in rules.beta_scan_summary.output]


rule vae_beta_scan:
    """The beta scan alone: retrain the base VAE at each beta and compare."""
    input:
        FINAL_OUTPUTS["beta_scan"],
