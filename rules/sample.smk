rule sample:
    input:
        model=results("models/{model}/model.pt"),
        test=results("splits/test.parquet"),
    output:
        results("samples/{model}.parquet"),
    params:
        features=config["features"],
        n_samples=config["n_samples"],
        seed=config["seed"],
    log:
        results("logs/sample/{model}.log"),
    benchmark:
        results("benchmarks/sample/{model}.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/sample.py"
