from snakemake.utils import min_version, validate

min_version("9.0")


configfile: "config.yaml"


validate(config, "config.schema.yaml")


include: "rules/common.smk"
include: "rules/fetch.smk"
include: "rules/ingest.smk"
include: "rules/cluster.smk"
include: "rules/features.smk"
include: "rules/split.smk"
include: "rules/train.smk"
include: "rules/sample.smk"
include: "rules/report.smk"
include: "rules/validate.smk"
include: "rules/anomaly.smk"


rule all:
    input:
        expand("results/features/{sample}.parquet", sample=SAMPLES),
        expand("results/samples/{model}.parquet", model=MODELS),
        VALIDATION_OUTPUTS,
        ANOMALY_OUTPUTS,
    default_target: True
