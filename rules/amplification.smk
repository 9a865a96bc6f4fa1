# Amplification (arXiv 2008.06545): each model of `amplification.models` retrained on N events of the train
# split, for each N of `amplification.sizes` and each draw, and compared with the background it never saw
# (dijetgen.amplification). Read only when the config has `amplification:` (the Snakefile).
from dijetgen.replicas import training_hparams

AMPLIFICATION = config["amplification"]
AMPLIFIED = AMPLIFICATION["models"]


rule amplification:
    """One model retrained on N training events per draw; its distance to the never-trained-on truth against
    sample size."""
    input:
        train=results("splits/train.parquet"),
        val=results("splits/val.parquet"),
        test=results("splits/test.parquet"),
    output:
        draws=results("amplification/{model}/size{size}/draws.csv"),
        curves=results("amplification/{model}/size{size}/curves.csv"),
    params:
        hparams=lambda wildcards: training_hparams(config["models"][wildcards.model]),
        features=config["features"],
        size=lambda wildcards: int(wildcards.size),
        draws=AMPLIFICATION["draws"],
        settings={key: AMPLIFICATION[key] for key in ("generated", "bins")},
        seed=config["seed"],
    wildcard_constraints:
        model="|".join(AMPLIFIED),
        size=r"\d+",
    threads: config["threads"]
    resources:
        **job_resources("amplification", gpu=config["device"] == "cuda"),
    log:
        results("logs/amplification/{model}/size{size}.log"),
    benchmark:
        results("benchmarks/amplification/{model}/size{size}.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/amplification.py"


# A second or two of work: on a cluster it runs in the Snakemake process itself rather than wait in the queue.
localrules:
    amplification_summary,


rule amplification_summary:
    """The amplification per model and N with errors over the draws, and the distance figure."""
    input:
        draws=expand(
            results("amplification/{model}/size{size}/draws.csv"),
            model=AMPLIFIED,
            size=AMPLIFICATION["sizes"],
        ),
        curves=expand(
            results("amplification/{model}/size{size}/curves.csv"),
            model=AMPLIFIED,
            size=AMPLIFICATION["sizes"],
        ),
    output:
        table=for_report(
            results("amplification/summary.csv"), "amplification_summary", "Summary", table="amplification"
        ),
        figure=for_report(
            results("amplification/figures/distance.png"), "amplification", "Summary", figure="amplification"
        ),
        figure_pdf=results("amplification/figures/distance.pdf"),
    resources:
        **job_resources("amplification_summary"),
    log:
        results("logs/amplification/summary.log"),
    benchmark:
        results("benchmarks/amplification/summary.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/amplification_summary.py"


FINAL_OUTPUTS["amplification"] = [str(path) for path in rules.amplification_summary.output]
