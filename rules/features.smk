rule features:
    input:
        shard_files(results("jets/{sample}/{shard}.parquet")),
    output:
        results("features/{sample}.parquet"),
    log:
        results("logs/features/{sample}.log"),
    benchmark:
        results("benchmarks/features/{sample}.tsv")
    conda:
        "../envs/jets.yaml"
    script:
        "../scripts/features.py"
