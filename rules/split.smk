unknown_train_on = sorted(set(config["train_on"]) - set(config["samples"]))
if config["models"] and unknown_train_on:
    raise WorkflowError(f"train_on: {', '.join(unknown_train_on)} not under samples:")


rule split:
    input:
        expand("results/features/{sample}.parquet", sample=config["train_on"]),
    output:
        train="results/splits/train.parquet",
        val="results/splits/val.parquet",
        test="results/splits/test.parquet",
    params:
        split=config["split"],
    log:
        "results/logs/split.log",
    benchmark:
        "results/benchmarks/split.tsv"
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/split.py"
