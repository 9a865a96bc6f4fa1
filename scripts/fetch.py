"""Snakemake adapter: download a sample's file from its `url` into data/, resuming, and check its MD5."""

from dijetgen.fetch import fetch
from dijetgen.snakemake_adapter import run


def fetch_file(snakemake):
    url, path = snakemake.params.url, snakemake.output[0]
    # The sample's name is not a parameter: renaming a sample must not download the file again.
    name = next(name for name, sample in snakemake.config["samples"].items() if sample.get("url") == url)
    fetch(url, path, snakemake.params.md5, f"samples.{name}")
    print(f"{url}: saved as {path}")


run(snakemake, fetch_file)  # noqa: F821 (injected by Snakemake)
