"""Which Snakemake run is writing a study folder, so that a second run is told who holds the folder.

Snakemake's own lock says only "Directory cannot be locked", and an interrupted run's files can look like
the live run's. The record names the process, its command and when it started::

    write_run_record("results")             # at the start of a run (onstart)
    running_elsewhere("results")            # "pid 4711 on node1 since 2026-11-30 22:10 (snakemake --cores 8)"
    remove_run_record("results")            # when it ends, well or not
"""

import json
import os
import socket
import sys
import time
from pathlib import Path


def record_path(folder: str) -> Path:
    return Path(folder) / "logs" / "running.json"


def write_run_record(folder: str) -> None:
    path = record_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "command": " ".join(sys.argv),
    }
    path.write_text(json.dumps(record))


def remove_run_record(folder: str) -> None:
    path = record_path(folder)
    if path.exists() and json.loads(path.read_text()).get("pid") == os.getpid():
        path.unlink()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but another user's
        return True
    return True


def running_elsewhere(folder: str) -> str | None:
    """Who is writing `folder` now, in words, or None: no record, our own, or one whose process has ended
    on this host (a crashed run; a record from another host is trusted, as its process cannot be seen)."""
    path = record_path(folder)
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if record.get("pid") == os.getpid():
        return None
    if record.get("host") == socket.gethostname() and not process_alive(record.get("pid", -1)):
        return None
    return f"pid {record.get('pid')} on {record.get('host')} since {record.get('started')} ({record.get('command')})"
