import re

from dijetgen.config import sample_settings

# Samples given by `url`: their file is downloaded once into data/ and read from there.
FETCHED = {
    settings["path"]: settings
    for settings in (sample_settings(config, name) for name in config["samples"])
    if "url" in settings
}


wildcard_constraints:
    fetched="|".join(re.escape(path) for path in FETCHED) or "no-fetched-files",


# Runs in the Snakemake process itself on a cluster: compute nodes often have no network.
localrules:
    fetch,


rule fetch:
    """Download a sample's file (resuming, with its MD5 checked) into data/."""
    output:
        "{fetched}",
    params:
        url=lambda wildcards: FETCHED[wildcards.fetched]["url"],
        md5=lambda wildcards: FETCHED[wildcards.fetched].get("md5"),
    resources:
        **job_resources("fetch"),
    log:
        results("logs/fetch/{fetched}.log"),
    conda:
        "../envs/fetch.yaml"
    script:
        "../scripts/fetch.py"
