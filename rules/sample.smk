rule sample:
    """Events drawn from one trained model (or replica), as many as the test split unless n_samples."""
    input:
        model=lambda wildcards: results(f"models/{REPLICA_NAMES[wildcards.model].training}/model.pt"),
        test=results("splits/test.parquet"),
    output:
        results("samples/{model}.parquet"),
    params:
        features=config["features"],
        n_samples=config["n_samples"],
        seed=config["seed"],
    wildcard_constraints:
        model="|".join(REPLICA_NAMES) or "no-models",
    resources:
        **job_resources("sample"),
    log:
        results("logs/sample/{model}.log"),
    benchmark:
        results("benchmarks/sample/{model}.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/sample.py"


rule ensemble_sample:
    """A model with replicas: each event from one replica, every replica equally often."""
    input:
        lambda wildcards: expand(results("samples/{name}.parquet"), name=ENSEMBLES[wildcards.model]),
    output:
        results("samples/{model}.parquet"),
    params:
        seed=config["seed"],
    wildcard_constraints:
        model="|".join(ENSEMBLES) or "no-ensembles",
    resources:
        **job_resources("ensemble_sample"),
    log:
        results("logs/ensemble_sample/{model}.log"),
    benchmark:
        results("benchmarks/ensemble_sample/{model}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/ensemble_sample.py"
