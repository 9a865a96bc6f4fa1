"""Per-sample settings with their defaults filled in.

The JSON schema fills top-level defaults; entries under `samples:` are free-form mappings, so their
defaults live here, in one place that both the rules and the tests use.
"""

import os
import tempfile
import zlib
from urllib.parse import urlparse

from dijetgen.errors import InputError

PROCESS_LABELS = {"qcd": 0, "wprime": 1}
DEFAULT_MASSES = {"wprime": 3500.0, "x": 500.0, "y": 100.0}
# Sources whose files any job can read by row range at little cost: cluster reads their shards in place,
# so their particles are never copied into results/events. Pythia events exist nowhere else, and HepMC3
# parsing is slow.
READ_IN_PLACE = {"lhco", "root"}
# |PDG id| of particles that leave no trace in a detector: neutrinos (12, 14, 16, 18), the lightest
# neutralino (1000022), the gravitino (1000039) and Pythia's dark-matter states (51, 52, 53). HepMC3 and
# ROOT generator-level samples drop them (`samples.NAME.invisible`); Pythia asks its own particle data.
DEFAULT_INVISIBLE = [12, 14, 16, 18, 1000022, 1000039, 51, 52, 53]


def sample_settings(config: dict, name: str) -> dict:
    """The sample's config entry with every default filled in; the result is what its ingest depends on."""
    sample = dict(config["samples"][name])
    sample.setdefault("shards", config["shards"])
    # A stable per-sample seed: two samples never share Pythia random streams, and renaming one does not
    # change the others.
    sample.setdefault("seed", (config["seed"] + zlib.crc32(name.encode())) % 2**31)
    if sample["source"] == "pythia":
        sample.setdefault("process", "qcd")
        sample.setdefault("label", PROCESS_LABELS[sample["process"]])
        if sample["process"] == "qcd":
            sample.setdefault("pthat_min", 1000.0)
        else:
            sample["masses"] = DEFAULT_MASSES | sample.get("masses", {})
            sample.setdefault("wprime_window", 0.25 * sample["masses"]["wprime"])
    elif sample["source"] != "lhco":
        sample.setdefault("label", 0)
    if sample["source"] in ("hepmc", "root"):
        sample.setdefault("invisible", DEFAULT_INVISIBLE)
    if "url" in sample:
        sample.setdefault("path", fetched_path(sample["url"], name))
    return sample


def read_in_place(config: dict, name: str) -> bool:
    """Whether the cluster jobs of sample `name` read its file directly, with no ingest copy."""
    return config["samples"][name]["source"] in READ_IN_PLACE


def fetched_path(url: str, name: str) -> str:
    """Where the file of a sample given by `url` is downloaded to: data/ and the URL's file name."""
    file_name = os.path.basename(urlparse(url).path)
    if not file_name:
        raise InputError(f"samples.{name}.url: {url} names no file")
    return os.path.join("data", file_name)


def writable_directory_problem(directory: str) -> str | None:
    """Why outputs cannot be written under `directory`, or None; checked before Snakemake scans it."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        return "it exists and is not a directory"
    try:
        os.makedirs(directory, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as err:
        return err.strerror or type(err).__name__
    return None
