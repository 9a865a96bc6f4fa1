from dijetgen.config import latent_models, signal_sample
from dijetgen.columns import observable_names

OBSERVABLES = observable_names(config["features"])
MASS_PLANE = {"mj1", "mj2"} <= set(config["features"])
# The latent projection is coloured by the anomaly signal, so latent figures need one.
LATENT_SIGNAL = signal_sample(config)
LATENT_MODELS = latent_models(config)


rule validate:
    """A model's samples against the test split: W1, KS, chi2, FPD, KPD, classifier AUC, each with its floor."""
    input:
        generated=results("samples/{model}.parquet"),
        model=trained("model.pt"),
        training=trained("config.json"),
        train=results("splits/train.parquet"),
        test=results("splits/test.parquet"),
    output:
        results("validation/{model}/metrics.json"),
    params:
        features=config["features"],
        settings=config["validation"],
        selection=config["selection"],  # reports the fraction of generated events outside it
        seed=config["seed"],
    # The classifier test and the metrics' linear algebra use this many threads (dijetgen.validation).
    threads: config["threads"]
    resources:
        **job_resources("validate"),
    log:
        results("logs/validate/{model}.log"),
    benchmark:
        results("benchmarks/validate/{model}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/validate.py"


rule validation_figures:
    """A model's samples against the test split: marginals with ratio panels, correlations, mass plane."""
    input:
        generated=results("samples/{model}.parquet"),
        test=results("splits/test.parquet"),
    output:
        observables=[model_figure(name, "observable", "Distributions", observable=name) for name in OBSERVABLES],
        observables_pdf=expand(results("validation/{{model}}/figures/{name}.pdf"), name=OBSERVABLES),
        correlations=model_figure("correlation_difference", "correlation_difference", "Correlations"),
        correlations_pdf=results("validation/{model}/figures/correlation_difference.pdf"),
        **(
            {
                "mass_plane": model_figure("mj1_mj2", "mass_plane", "Correlations"),
                "mass_plane_pdf": results("validation/{model}/figures/mj1_mj2.pdf"),
            }
            if MASS_PLANE
            else {}
        ),
    params:
        features=config["features"],
        observables=OBSERVABLES,
        bins=config["validation"]["bins"],
        process=lambda wildcards: TRAINING_PROCESS,  # a function: the braces of its TeX are no wildcards
    resources:
        **job_resources("validation_figures"),
    log:
        results("logs/validation_figures/{model}.log"),
    benchmark:
        results("benchmarks/validation_figures/{model}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/plot_validation.py"


rule latent_figures:
    """An autoencoder's latent codes of background and signal: projections and per-dimension use."""
    input:
        model=results("models/{model}/model.pt"),
        test=results("splits/test.parquet"),
        train=results("splits/train.parquet"),
        val=results("splits/val.parquet"),
        signal=results(f"features/{LATENT_SIGNAL}.parquet"),
    output:
        traversal=model_figure("latent_traversal", "latent_traversal", "Latent space"),
        traversal_pdf=results("validation/{model}/figures/latent_traversal.pdf"),
        projection=model_figure("latent_projection", "latent_projection", "Latent space"),
        projection_pdf=results("validation/{model}/figures/latent_projection.pdf"),
    params:
        features=config["features"],
        process=lambda wildcards: ANOMALY_PROCESS,  # a function: the braces of its TeX are no wildcards
    wildcard_constraints:
        model="|".join(LATENT_MODELS) or "no-latent-models",
    resources:
        **job_resources("latent_figures"),
    log:
        results("logs/latent_figures/{model}.log"),
    benchmark:
        results("benchmarks/latent_figures/{model}.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/plot_latent.py"


# Every validated name: each model (the ensemble of a model with replicas), and each replica of an ensemble.
VALIDATED = MODELS + [name for names in ENSEMBLES.values() for name in names]


# The summaries take a second or two: on a cluster they run in the Snakemake process itself rather than wait
# in the queue.
localrules:
    validation_summary,
    training_curves,


rule validation_summary:
    """One row per model: its metrics, their floors and, with replicas, the spread over them."""
    input:
        expand(results("validation/{model}/metrics.json"), model=VALIDATED),
    output:
        table=for_report(results("validation/summary.csv"), "summary", "Summary", table="validation summary"),
        w1_ratios=for_report(results("validation/figures/w1_ratios.png"), "w1_ratios", "Summary", figure="W1 ratios"),
        w1_ratios_pdf=results("validation/figures/w1_ratios.pdf"),
    params:
        replicas={model: ENSEMBLES.get(model, [model]) for model in MODELS},
    resources:
        **job_resources("validation_summary"),
    log:
        results("logs/validation_summary.log"),
    benchmark:
        results("benchmarks/validation_summary.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/summary.py"


rule training_curves:
    """Every model's training and validation loss against epoch, in one figure."""
    input:
        expand(results("models/{model}/history.csv"), model=MODELS),
    output:
        for_report(
            results("validation/figures/training_curves.png"), "training_curves", "Summary", figure="training curves"
        ),
        results("validation/figures/training_curves.pdf"),
    params:
        models=MODELS,
    resources:
        **job_resources("training_curves"),
    log:
        results("logs/training_curves.log"),
    benchmark:
        results("benchmarks/training_curves.tsv")
    conda:
        "../envs/validation.yaml"
    script:
        "../scripts/plot_training_curves.py"


VALIDATION_FIGURES = OBSERVABLES + ["correlation_difference"] + (["mj1_mj2"] if MASS_PLANE else [])
FINAL_OUTPUTS["validation"] = (
    expand(results("validation/{model}/metrics.json"), model=VALIDATED)
    + expand(
        results("validation/{model}/figures/{name}.{ext}"), model=MODELS, name=VALIDATION_FIGURES, ext=["png", "pdf"]
    )
    + expand(
        results("validation/{model}/figures/{name}.{ext}"),
        model=LATENT_MODELS,
        name=["latent_traversal", "latent_projection"],
        ext=["png", "pdf"],
    )
    + (
        [results("validation/summary.csv")]
        + expand(results("validation/figures/{name}.{ext}"), name=["w1_ratios", "training_curves"], ext=["png", "pdf"])
        if MODELS
        else []
    )
)
