rule split:
    input:
        expand(results("features/{sample}.parquet"), sample=config["train_on"]),
    output:
        train=results("splits/train.parquet"),
        val=results("splits/val.parquet"),
        test=results("splits/test.parquet"),
    params:
        samples=config["train_on"],
        selection=config["selection"],
        split=config["split"],
    log:
        results("logs/split.log"),
    benchmark:
        results("benchmarks/split.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/split.py"
