from dijetgen.replicas import training_hparams


wildcard_constraints:
    model="|".join(sorted(set(MODELS) | set(TRAININGS) | set(REPLICA_NAMES))) or "no-models",


rule train:
    """One model (or replica) trained on the train split with early stopping on val; checkpoints resume."""
    input:
        train=results("splits/train.parquet"),
        val=results("splits/val.parquet"),
    output:
        model=results("models/{model}/model.pt"),
        history=results("models/{model}/history.csv"),
        config=results("models/{model}/config.json"),
    params:
        # Only this model's entry, so editing one model retrains only that one. The device is read from
        # snakemake.config instead: moving a run to a GPU should not invalidate finished models (an entry's
        # `cuda:` block, which a GPU run applies, is part of the entry). The replica count is not: adding a
        # replica trains only the new one.
        hparams=lambda wildcards: training_hparams(config["models"][TRAININGS[wildcards.model].model]),
        features=config["features"],
        selection=config["selection"],  # generated events keep ptj1 above its min_pt
        seed=lambda wildcards: TRAININGS[wildcards.model].seed,
    wildcard_constraints:
        model="|".join(TRAININGS) or "no-models",
    threads: config["threads"]
    resources:
        **job_resources("train", gpu=config["device"] == "cuda"),
    log:
        results("logs/train/{model}.log"),
    benchmark:
        results("benchmarks/train/{model}.tsv")
    conda:
        "../envs/models.yaml"
    script:
        "../scripts/train.py"
