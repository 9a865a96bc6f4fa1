"""What made a study's results: code version, settings, package versions, seeds, inputs and machine.

Everything here is the same for two runs of the same code, config and inputs on the same machine, so
provenance.json can sit in a byte-for-byte manifest. Wall times change from run to run, so they are kept
apart (`stage_times`, for timings.json)::

    provenance(config, samples, {"git": git_state(".")}, ["results/validation/summary.csv"], devices=["cpu"])
"""

import hashlib
import importlib.metadata
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

from dijetgen.errors import InputError

# The pinned runtime requirements. They shape the results also where the paper job does not import them
# (torch trained the models in other jobs), so their versions are recorded next to what the job imports.
REQUIREMENTS = Path(__file__).resolve().parents[1] / "requirements.txt"


def sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_record(path: str) -> dict:
    if not os.path.isfile(path):
        raise InputError(f"{path}: an input of this study is gone, so provenance cannot record it; restore it or rerun")
    return {"path": path, "size": os.path.getsize(path), "sha256": sha256(path)}


def git_state(directory: str) -> dict:
    """{commit, dirty} of the checkout holding `directory`; null commit outside git (e.g. an unpacked tarball).

    dirty counts changes to tracked files only: results/, .snakemake/ and other untracked files do not
    change the code that ran.
    """

    def git(*args):
        return subprocess.run(["git", "-C", directory, *args], capture_output=True, text=True, check=False)

    commit = git("rev-parse", "HEAD")
    if commit.returncode != 0:
        return {"commit": None, "dirty": None}
    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def distribution_key(name: str) -> str:
    """A distribution's normalized name (PEP 503): scikit_learn, Scikit-Learn and scikit-learn are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


def required_distributions(requirements: Path = REQUIREMENTS) -> set[str]:
    """The names in a requirements file (`name==version` lines; comments and blank lines skipped)."""
    names = set()
    for line in requirements.read_text().splitlines():
        requirement = line.split("#")[0].strip()
        if requirement:
            names.add(distribution_key(re.match(r"[A-Za-z0-9._-]+", requirement)[0]))
    return names


def imported_distributions() -> set[str]:
    """The installed distributions that provide a module this process has imported (stdlib has none)."""
    providers = importlib.metadata.packages_distributions()
    top_level = {name.partition(".")[0] for name in list(sys.modules)}
    return {distribution_key(dist) for module in top_level for dist in providers.get(module, [])}


def package_versions() -> dict:
    """Python's version and, sorted by name, those of the imported and the required distributions (null when
    a required one is not installed in this environment, e.g. pythia8mc in the figures' conda env)."""
    versions = {"python": platform.python_version()}
    for name in sorted(imported_distributions() | required_distributions()):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


def cpu_name() -> str:
    """The CPU model from /proc/cpuinfo (Linux), else what platform knows."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def machine(devices: list[str]) -> dict:
    """CPU, and the GPU and CUDA version when any of `devices` (the models' training devices) was a GPU."""
    record = {"cpu": cpu_name(), "cores": os.cpu_count(), "system": f"{platform.system()} {platform.machine()}"}
    if any(device.startswith("cuda") for device in devices):
        import torch  # only here: a CPU-only paper needs no torch import

        record["gpu"] = torch.cuda.get_device_name() if torch.cuda.is_available() else None
        record["cuda"] = torch.version.cuda
    return record


def seeds(config: dict, samples: dict) -> dict:
    """Every seed of the run: the master seed (models, sampling, validation), the split's, each sample's."""
    return {
        "seed": config["seed"],
        "split": config["split"]["seed"],
        "samples": {name: sample.get("seed") for name, sample in samples.items()},
    }


def provenance(config: dict, samples: dict, git: dict, inputs: list[str], devices: list[str]) -> dict:
    """The provenance record: git state, the resolved config, versions, seeds, input files and the machine.

    `samples` are the config's samples with their defaults filled (dijetgen.config.sample_settings); the
    user's own event files among them are listed with the other inputs.
    """
    source_files = [sample["path"] for sample in samples.values() if "path" in sample]
    return {
        "git": git,
        "config": config | {"samples": samples},
        "versions": package_versions(),
        "seeds": seeds(config, samples),
        "inputs": [file_record(path) for path in sorted(set(source_files) | set(inputs))],
        "machine": machine(devices),
    }


def stage_times(root: str) -> pd.DataFrame:
    """Per stage (rule): jobs, summed wall and CPU seconds and the largest peak RSS, from Snakemake benchmarks.

    A stage is the first folder under `root` (results/benchmarks/train/vae.tsv is `train`), or the file's
    name for one-job stages (results/benchmarks/split.tsv is `split`).
    """
    rows = {}
    for path in sorted(Path(root).rglob("*.tsv")):
        relative = path.relative_to(root)
        stage = relative.parts[0] if len(relative.parts) > 1 else relative.stem
        rows.setdefault(stage, []).append(pd.read_csv(path, sep="\t"))
    return pd.DataFrame(
        [
            {
                "stage": stage,
                "jobs": len(jobs),
                "job_seconds": table["s"].sum(),
                "cpu_seconds": pd.to_numeric(table["cpu_time"], errors="coerce").sum(),
                "max_rss_mb": pd.to_numeric(table["max_rss"], errors="coerce").max(),
            }
            for stage, jobs in rows.items()
            for table in [pd.concat(jobs)]
        ],
        columns=["stage", "jobs", "job_seconds", "cpu_seconds", "max_rss_mb"],
    )
