"""What each rule's job asks a cluster for, declared once and read by the rules (`resources:
**job_resources("train", gpu=...)`), so a profile needs only its executor settings.

Memory grows with the attempt: a job that a cluster kills for memory is retried (the profiles' `retries`) with
twice, then three times the request. Both executors' names are given: SLURM's plugin reads `mem_mb` (MB) and
`runtime` (minutes), HTCondor's `request_memory` (MB) and `allowed_job_duration` (seconds); each ignores the
other's.

>>> job_resources("ingest")["runtime"]
120
>>> job_resources("ingest")["mem_mb"](None, 2)
6000
"""

# (MB of memory at the first attempt, minutes) per rule; every other rule gets DEFAULT.
DEFAULT = (2000, 60)
REQUESTS = {
    "ingest": (3000, 120),  # Pythia: about 1 ms per event, 10k events per shard by default
    "cluster": (3000, 120),
    "features": (4000, 30),  # every shard of a sample in memory at once
    "split": (4000, 30),
    "train": (16000, 720),  # at paper scale a cfm trains for hours on one CPU thread
    "sample": (8000, 60),
    "search_density": (16000, 720),
    "amplification": (16000, 720),  # several trainings per job
    "split_constituents": (8000, 30),  # every constituent file of the training samples at once
    "train_particles": (16000, 720),
    "sample_particles": (8000, 60),
    "validate_particles": (8000, 60),
}


def job_resources(rule: str, gpu: bool = False) -> dict:
    """The resources of `rule`'s jobs; `gpu` adds one GPU in both executors' words."""
    memory_mb, minutes = REQUESTS.get(rule, DEFAULT)
    resources = {
        "mem_mb": lambda wildcards, attempt: memory_mb * attempt,
        "request_memory": lambda wildcards, attempt: memory_mb * attempt,
        "runtime": minutes,
        "allowed_job_duration": minutes * 60,
    }
    if gpu:
        # Snakemake's standard gpu resource for SLURM and the like; HTCondor's plugin reads request_gpus.
        resources |= {"gpu": 1, "request_gpus": 1}
    return resources
