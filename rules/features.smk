rule features:
    """A sample's feature table: the shards' jets joined into the observables the models learn."""
    input:
        shard_files(results("jets/{sample}/{shard}.parquet")),
    output:
        results("features/{sample}.parquet"),
    resources:
        **job_resources("features"),
    log:
        results("logs/features/{sample}.log"),
    benchmark:
        results("benchmarks/features/{sample}.tsv")
    conda:
        "../envs/jets.yaml"
    script:
        "../scripts/features.py"
