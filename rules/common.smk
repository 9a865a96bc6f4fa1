from dijetgen.config import sample_settings, writable_directory_problem

results_problem = writable_directory_problem("results")
if results_problem:
    raise WorkflowError(f"results/: cannot write outputs there ({results_problem})")

SAMPLES = list(config["samples"])


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
