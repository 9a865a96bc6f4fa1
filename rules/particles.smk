# The particle layer (docs/guide.md: Particle clouds): the constituents of the split events, particle models
# trained on them, their clouds for the test jets (and, with `from_model`, for a jet-level model's generated
# events), and particle-level validation. Read only when the config has `constituents:` and at least one entry
# under `particle_models:` (the Snakefile).
import re

from dijetgen.columns import PARTICLE_FIGURES
from dijetgen.config import particle_samples
from dijetgen.replicas import training_hparams

PARTICLE_MODELS = list(config["particle_models"])
# {sample name: (particle model, jet-level model or None)}: the closure samples, then the whole events.
PARTICLE_SAMPLES = particle_samples(config)
PARTICLE_SPLITS = {part: results(f"particles/splits/{part}.parquet") for part in ("train", "val", "test")}


wildcard_constraints:
    particle_model="|".join(PARTICLE_MODELS),
    particle_sample="|".join(map(re.escape, PARTICLE_SAMPLES)),


rule split_constituents:
    """The constituents of the train/val/test events: the particles follow the feature-table split."""
    input:
        unpack(lambda wildcards: {part: results(f"splits/{part}.parquet") for part in PARTICLE_SPLITS}),
        constituents=lambda wildcards: [path for files in constituent_files(wildcards).values() for path in files],
    output:
        **PARTICLE_SPLITS,
    params:
        files=constituent_files({}),
    resources:
        **job_resources("split_constituents"),
    log:
        results("logs/split_constituents.log"),
    benchmark:
        results("benchmarks/split_constituents.tsv")
    conda:
        "../envs/jets.yaml"
    script:
        "../scripts/split_constituents.py"


rule train_particles:
    """Train one particle model (kind epicfm) on the constituents of the train split, early stopping on val."""
    input:
        train=results("splits/train.parquet"),
        val=results("splits/val.parquet"),
        train_particles=PARTICLE_SPLITS["train"],
        val_particles=PARTICLE_SPLITS["val"],
    output:
        model=results("particle_models/{particle_model}/model.pt"),
        history=results("particle_models/{particle_model}/history.csv"),
        config=results("particle_models/{particle_model}/config.json"),
    params:
        hparams=lambda wildcards: training_hparams(config["particle_models"][wildcards.particle_model]),
        cap=lambda wildcards: CONSTITUENTS["cap"],
        seed=config["seed"],
    threads: config["threads"]
    resources:
        **job_resources("train_particles", gpu=config["device"] == "cuda"),
    log:
        results("logs/train_particles/{particle_model}.log"),
    benchmark:
        results("benchmarks/train_particles/{particle_model}.tsv")
    conda:
        "../envs/particles.yaml"
    script:
        "../scripts/train_particles.py"


rule sample_particles:
    """A particle model's clouds for a table of jets, as a constituent file: at the test jets' (pt, eta, m,
    nconst), a closure test; or at a jet-level model's generated events, a whole generated event."""
    input:
        unpack(particle_sample_inputs),
    output:
        results("particle_samples/{particle_sample}.parquet"),
    params:
        generated_jets=lambda wildcards: PARTICLE_SAMPLES[wildcards.particle_sample][1] is not None,
        seed=config["seed"] + 1,
    threads: config["threads"]
    resources:
        **job_resources("sample_particles"),
    log:
        results("logs/sample_particles/{particle_sample}.log"),
    benchmark:
        results("benchmarks/sample_particles/{particle_sample}.tsv")
    conda:
        "../envs/particles.yaml"
    script:
        "../scripts/sample_particles.py"


rule validate_particles:
    """w1p, w1m, multiplicity, w1efp, FPD, KPD and classifier AUC against the test jets, each with its floor."""
    input:
        jets=lambda wildcards: particle_sample_inputs(wildcards)["jets"],  # the model itself is not read here
        generated=results("particle_samples/{particle_sample}.parquet"),
        train=results("splits/train.parquet"),
        test=results("splits/test.parquet"),
        train_particles=PARTICLE_SPLITS["train"],
        test_particles=PARTICLE_SPLITS["test"],
    output:
        metrics=results("validation_particles/{particle_sample}/metrics.json"),
        figures=expand(
            results("validation_particles/{{particle_sample}}/figures/{name}.{ext}"),
            name=PARTICLE_FIGURES,
            ext=["png", "pdf"],
        ),
    params:
        cap=lambda wildcards: CONSTITUENTS["cap"],
        generated_jets=lambda wildcards: PARTICLE_SAMPLES[wildcards.particle_sample][1] is not None,
        settings=config["validation"],
        seed=config["seed"],
        names=PARTICLE_FIGURES,
        figures=lambda wildcards: results(f"validation_particles/{wildcards.particle_sample}/figures"),
    threads: config["threads"]
    resources:
        **job_resources("validate_particles"),
    log:
        results("logs/validate_particles/{particle_sample}.log"),
    benchmark:
        results("benchmarks/validate_particles/{particle_sample}.tsv")
    conda:
        "../envs/particles.yaml"
    script:
        "../scripts/validate_particles.py"


# A second or two of work: on a cluster it runs in the Snakemake process itself rather than wait in the queue.
localrules:
    particles_summary,


rule particles_summary:
    """One row per particle model: the W1 ratios, FPD, KPD and AUC with their floors."""
    input:
        expand(results("validation_particles/{particle_sample}/metrics.json"), particle_sample=PARTICLE_SAMPLES),
    output:
        results("validation_particles/summary.csv"),
    params:
        models=list(PARTICLE_SAMPLES),
    resources:
        **job_resources("particles_summary"),
    log:
        results("logs/validation_particles/summary.log"),
    conda:
        "../envs/particles.yaml"
    script:
        "../scripts/particles_summary.py"


FINAL_OUTPUTS["particles"] = [str(path) for path in rules.particles_summary.output] + expand(
    results("validation_particles/{particle_sample}/figures/{name}.{ext}"),
    particle_sample=PARTICLE_SAMPLES,
    name=PARTICLE_FIGURES,
    ext=["png", "pdf"],
)
