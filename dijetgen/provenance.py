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
import subprocess
from pathlib import Path

import pandas as pd

from dijetgen.errors import InputError

# The distributions whose versions shape the results (pip names).
PACKAGES = [
    "snakemake",
    "torch",
    "fastjet",
    "awkward",
    "numpy",
    "pandas",
    "scikit-learn",
    "pythia8mc",
    "zuko",
    "matplotlib",
    "mplhep",
]


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


def package_versions() -> dict:
    versions = {"python": platform.python_version()}
    for name in PACKAGES:
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
