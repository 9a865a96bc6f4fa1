from dijetgen.config import BASELINE, BASELINE_NAME, signal_sample
from dijetgen.config import check_config, particle_samples, results_folder, sample_settings
from dijetgen.config import writable_directory_problem
from dijetgen.errors import InputError
from dijetgen.job_resources import job_resources
from dijetgen.labels import process_label
from dijetgen.replicas import model_replicas, replica_seed, trainings_behind
from dijetgen.run_record import remove_run_record, running_elsewhere, write_run_record

# One study, one folder: every output of this config lives under `results:` (default results/), so two
# configs run in one checkout never share or overwrite each other's files.
RESULTS = results_folder(config)


def results(path):
    """`path` inside this study's results folder."""
    return f"{RESULTS}/{path}"


def for_report(path, caption, category, subcategory=None, **labels):
    """`path` (a figure's PNG, or a table) flagged for `snakemake --report`, with its caption from
    report/{caption}.rst."""
    return report(
        path, caption=f"../report/{caption}.rst", category=category, subcategory=subcategory, labels=labels
    )


# The figures and tables each stage flags for the report (the functions of every rule file live here, as
# `snakemake --lint` asks).


def model_figure(name, caption, subcategory, **labels):
    """A per-model validation figure's PNG (its PDF is a plain output): one report category per model."""
    return for_report(
        results(f"validation/{{model}}/figures/{name}.png"),
        caption,
        "{model}",
        subcategory,
        model="{model}",
        figure=name,
        **labels,
    )


def anomaly_outputs(name, category):
    """roc.csv, auc.json and the ROC and SIC figures (PNG for the report, and PDF) of one anomaly score."""
    folder = results(f"anomaly/{name}")
    outputs = {"roc": f"{folder}/roc.csv", "auc": f"{folder}/auc.json"}
    for key in ("roc", "sic"):
        outputs[f"{key}_png"] = for_report(
            f"{folder}/{key}.png", key, category, "Anomaly detection", model=name, figure=key
        )
        outputs[f"{key}_pdf"] = f"{folder}/{key}.pdf"
    return outputs


def search_figure(name):
    """A resonant-search figure's PNG for the report; its caption is report/search_{kind}.rst."""
    caption = name.split("_inject")[0]
    return for_report(
        results(f"search/figures/{name}.png"), f"search_{caption}", "Resonant search", figure=name
    )


PAPER = results("paper")


def paper_table(name, caption):
    """A LaTeX table of the paper stage, shown in the report's Paper category."""
    return for_report(f"{PAPER}/tables/{name}.tex", caption, "Paper", "Tables", table=name)


# Each stage's final outputs as plain paths, by stage: every stage file adds its own, and `rule all` and the
# paper bundle gather them. (Plain paths: a rule's own output objects refer back to the rule, which cannot be
# pickled into the paper job's script.)
FINAL_OUTPUTS = {}


results_problem = writable_directory_problem(RESULTS)
if results_problem:
    raise WorkflowError(f"results: cannot write outputs to {RESULTS}/ ({results_problem})")

if workflow.is_main_process:
    holder = running_elsewhere(RESULTS)
    if holder:
        # Snakemake's lock error follows, and says only that the directory cannot be locked.
        logger.warning(f"{RESULTS}/ is being written by another run: {holder}. Wait for it to end, or stop it.")


onstart:
    write_run_record(RESULTS)


onsuccess:
    remove_run_record(RESULTS)
    # `snakemake --report` plans the workflow again, so it needs the config of the run it reports on.
    configfiles = [f"--configfile {path}" for path in workflow.overwrite_configfiles]
    print("Report of this study:", " ".join(["snakemake", *configfiles, "--report", f"{RESULTS}/report.html"]))


onerror:
    remove_run_record(RESULTS)


try:
    check_config(config)
except InputError as err:
    raise WorkflowError(str(err)) from None

SAMPLES = list(config["samples"])
MODELS = list(config["models"])
# The particle layer (rules/particles.smk): the cluster stage writes each jet's constituents when it is set.
CONSTITUENTS = config.get("constituents")


def constituent_files(wildcards):
    """Every constituent file of the training samples, by sample; none without `constituents:` (unknown
    train_on names are left to split.smk's error)."""
    if not CONSTITUENTS:
        return {}
    return {
        sample: expand(
            results("constituents/{sample}/{shard}.parquet"),
            sample=sample,
            shard=range(sample_settings(config, sample)["shards"]),
        )
        for sample in config["train_on"]
        if sample in SAMPLES
    }


def particle_sample_inputs(wildcards):
    """A particle sample's model, and the jets its clouds belong to: the test split's, or a jet-level model's
    generated events (rules/particles.smk)."""
    particle_model, jet_model = particle_samples(config)[wildcards.particle_sample]
    jets = results(f"samples/{jet_model}.parquet") if jet_model else results("splits/test.parquet")
    return {"model": results(f"particle_models/{particle_model}/model.pt"), "jets": jets}


# The figures' process and selection label: of the training samples (validation), and with the signal (anomaly,
# latent figures). Unknown train_on names are left to split.smk's error.
TRAINING_PROCESS = process_label(config, [name for name in config["train_on"] if name in SAMPLES])
ANOMALY_PROCESS = process_label(
    config, [name for name in config["train_on"] + [signal_sample(config)] if name in SAMPLES]
)


wildcard_constraints:
    sample="|".join(SAMPLES) or "no-samples",
    shard=r"\d+",


def shard_files(pattern):
    """Input function: one file per shard of the sample named by the wildcard."""

    def files(wildcards):
        n_shards = sample_settings(config, wildcards.sample)["shards"]
        return expand(pattern, sample=wildcards.sample, shard=range(n_shards))

    return files


def source_files(wildcards):
    """The user's input file, so that a missing one stops the run before any job starts."""
    sample = sample_settings(config, wildcards.sample)  # a sample given by `url` gets its data/ path here
    return [sample["path"]] if "path" in sample else []


# Each model's trainings (dijetgen.replicas): one, or with `replicas:` K > 1 one per seed, and their ensemble
# under the model's own name.
REPLICAS = model_replicas(config)
TRAININGS = {replica.training: replica for group in REPLICAS.values() for replica in group}
REPLICA_NAMES = {replica.name: replica for group in REPLICAS.values() for replica in group}
ENSEMBLES = {model: [replica.name for replica in group] for model, group in REPLICAS.items() if len(group) > 1}


def trained(file):
    """Input function: `file` (model.pt, config.json) of each training behind the {model} wildcard: one
    replica's, or every replica's of an ensemble."""
    return lambda wildcards: [
        results(f"models/{folder}/{file}") for folder in trainings_behind(REPLICAS, wildcards.model)
    ]


# The resonant search's input functions (rules/search.smk, read only when the config has `search:`).


def repeat_seed(wildcards):
    """The seed of one repeat's trainings (densities, template, classifiers); repeat 0 uses search.seed."""
    return replica_seed(config["search"]["seed"], int(wildcards.repeat))


def density_replica_seed(wildcards):
    """The seed of replica r > 0 of one repeat's sideband density, derived from the repeat's (replica 0 is the
    repeat's own density) with a hash of its own, so no two repeats share a training."""
    return replica_seed(repeat_seed(wildcards), int(wildcards.replica), level="density_replica")


def search_repeat_files(pattern):
    """`pattern` for every injection and repeat, injection-major, then repeat."""
    search = config["search"]
    return expand(results(pattern), inject=sorted(search["inject"]), repeat=range(search["repeats"]))


def search_reference(wildcards):
    """The background estimate a classifier method tells the SR data from (supervised and cwola have none)."""
    return {
        "template": {"reference": results(f"search/inject_{wildcards.inject}/repeat{wildcards.repeat}/template.parquet")},
        "idealized": {"reference": results("search/idealized.parquet")},
    }.get(wildcards.method, {})
