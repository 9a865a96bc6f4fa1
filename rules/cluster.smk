from dijetgen.config import READ_IN_PLACE


def read_in_place(sample):
    return config["samples"][sample]["source"] in READ_IN_PLACE


def cluster_input(wildcards):
    """The shard's events file, or for files read in place the source file itself (no copy)."""
    if read_in_place(wildcards.sample):
        return source_files(wildcards)
    return f"results/events/{wildcards.sample}/{wildcards.shard}.parquet"


rule cluster:
    input:
        cluster_input,
    output:
        "results/jets/{sample}/{shard}.parquet",
    params:
        clustering=config["clustering"],
        selection=config["selection"],
        # Read in place: cluster then depends on the sample's settings, as ingest does otherwise.
        sample=lambda wildcards: (
            sample_settings(config, wildcards.sample) if read_in_place(wildcards.sample) else None
        ),
    log:
        "results/logs/cluster/{sample}/{shard}.log",
    benchmark:
        "results/benchmarks/cluster/{sample}/{shard}.tsv"
    conda:
        "../envs/jets.yaml"
    script:
        "../scripts/cluster.py"
