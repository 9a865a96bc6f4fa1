rule cluster:
    input:
        "results/events/{sample}/{shard}.parquet",
    output:
        jets="results/jets/{sample}/{shard}.parquet",
        cutflow="results/jets/{sample}/{shard}.cutflow.json",
    params:
        clustering=config["clustering"],
        selection=config["selection"],
    log:
        "results/logs/cluster/{sample}/{shard}.log",
    benchmark:
        "results/benchmarks/cluster/{sample}/{shard}.tsv"
    conda:
        "../envs/jets.yaml"
    script:
        "../scripts/cluster.py"
