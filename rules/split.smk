rule split:
    """The train_on samples' background events split into train, val and test by event hash and seed."""
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
    resources:
        **job_resources("split"),
    log:
        results("logs/split.log"),
    benchmark:
        results("benchmarks/split.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/split.py"
