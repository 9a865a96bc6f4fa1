from dijetgen.config import read_in_place, source_identity


rule cluster:
    """One shard's events clustered (fastjet), the event selection applied, the jets and their N-subjettiness."""
    input:
        # For files read in place, the source file itself (no copy in results/events).
        lambda wildcards: (
            source_files(wildcards)
            if read_in_place(config, wildcards.sample)
            else results(f"events/{wildcards.sample}/{wildcards.shard}.parquet")
        ),
    output:
        jets=results("jets/{sample}/{shard}.parquet"),
        cutflow=results("jets/{sample}/{shard}.cutflow.json"),
        # With `constituents:` only, so that a config without it plans (and caches) exactly as before.
        **({"constituents": results("constituents/{sample}/{shard}.parquet")} if CONSTITUENTS else {}),
    params:
        clustering=config["clustering"],
        selection=config["selection"],
        **({"constituents": CONSTITUENTS} if CONSTITUENTS else {}),
        # Read in place: cluster then depends on the sample's settings, as ingest does otherwise.
        sample=lambda wildcards: (
            sample_settings(config, wildcards.sample) if read_in_place(config, wildcards.sample) else None
        ),
        source=lambda wildcards: (
            source_identity(config, wildcards.sample) if read_in_place(config, wildcards.sample) else None
        ),
    resources:
        **job_resources("cluster"),
    log:
        results("logs/cluster/{sample}/{shard}.log"),
    benchmark:
        results("benchmarks/cluster/{sample}/{shard}.tsv")
    conda:
        "../envs/jets.yaml"
    script:
        "../scripts/cluster.py"
