from dijetgen.config import source_identity

rule ingest:
    input:
        source_files,
    output:
        results("events/{sample}/{shard}.parquet"),
    params:
        sample=lambda wildcards: sample_settings(config, wildcards.sample),
        source=lambda wildcards: source_identity(config, wildcards.sample),
    log:
        results("logs/ingest/{sample}/{shard}.log"),
    benchmark:
        results("benchmarks/ingest/{sample}/{shard}.tsv")
    conda:
        "../envs/ingest.yaml"
    script:
        "../scripts/ingest.py"
