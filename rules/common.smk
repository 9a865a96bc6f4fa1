from dijetgen.config import signal_sample
from dijetgen.config import check_config, sample_settings, writable_directory_problem
from dijetgen.errors import InputError
from dijetgen.labels import process_label

results_problem = writable_directory_problem("results")
if results_problem:
    raise WorkflowError(f"results/: cannot write outputs there ({results_problem})")

try:
    check_config(config)
except InputError as err:
    raise WorkflowError(str(err)) from None

SAMPLES = list(config["samples"])
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


def search_reference(wildcards):
    """The background estimate a classifier method tells the SR data from (supervised has none)."""
    return {
        "template": {"reference": f"results/search/inject_{wildcards.inject}/template.parquet"},
        "idealized": {"reference": "results/search/idealized.parquet"},
    }.get(wildcards.method, {})
