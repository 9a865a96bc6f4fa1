rule ingest:
    input:
        source_files,
    output:
        "results/events/{sample}/{shard}.parquet",
    params:
        sample=lambda wildcards: sample_settings(config, wildcards.sample),
    log:
        "results/logs/ingest/{sample}/{shard}.log",
    benchmark:
        "results/benchmarks/ingest/{sample}/{shard}.tsv"
    conda:
        "../envs/ingest.yaml"
    script:
        "../scripts/ingest.py"
