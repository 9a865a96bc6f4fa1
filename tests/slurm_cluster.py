"""A one-node SLURM cluster on localhost, for the integration tests in test_slurm.py.

Everything lives in one temporary directory: a munge key and socket, slurm.conf, gres.conf, the state and
spool directories, the logs and the pid files. Clients find the cluster through SLURM_CONF in `env`; no
file outside the directory is read or written, so a SLURM or munge that the machine already runs is not
touched. Needs Debian's slurm-wlm and munge (slurmctld, slurmd, munged), and root, because slurmd
starts jobs as their owner.

    with SlurmCluster(min_memory_mb=16000) as cluster:
        subprocess.run(["sbatch", "--wrap", "hostname"], env=cluster.env)

The node declares one placeholder GPU (`Gres=gpu:1`, `File=/dev/null`), so that jobs asking for
`--gpus=1` are scheduled rather than rejected.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DAEMONS = ("munged", "slurmctld", "slurmd")
CLIENTS = ("sbatch", "squeue", "sinfo", "scontrol", "scancel", "srun")


def unavailable() -> str | None:
    """Why a test cluster cannot be started here, or None when it can."""
    missing = [name for name in DAEMONS + CLIENTS if shutil.which(name) is None]
    if missing:
        return f"SLURM test cluster: {', '.join(missing)} not installed (apt-get install slurm-wlm munge)"
    if os.geteuid() != 0:
        return "SLURM test cluster: slurmd must run as root"
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def node_line(min_memory_mb: int) -> tuple[str, bool]:
    """This machine's node definition from `slurmd -C`, and whether its RealMemory was raised to the floor."""
    first = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    fields = dict(field.split("=", 1) for field in first.split())
    raised = int(fields.get("RealMemory", 0)) < min_memory_mb
    if raised:
        fields["RealMemory"] = str(min_memory_mb)
    return " ".join(f"{key}={value}" for key, value in fields.items()), raised


class SlurmCluster:
    """munged, slurmctld and slurmd for one node on localhost; a context manager that stops them all."""

    def __init__(self, min_memory_mb: int = 0, start_timeout: float = 60.0):
        self.min_memory_mb = min_memory_mb
        self.start_timeout = start_timeout
        self.processes: dict[str, subprocess.Popen] = {}
        # Not pytest's tmp_path: munged wants every directory above its socket to be searchable by all.
        self.dir = Path(tempfile.mkdtemp(prefix="slurm-test-"))
        self.dir.chmod(0o755)
        self.conf = self.dir / "slurm.conf"
        self.env = dict(os.environ, SLURM_CONF=str(self.conf))
        # Containers often leave USER unset; scancel below and the SLURM tools' defaults want it.
        self.env.setdefault("USER", pwd.getpwuid(os.geteuid()).pw_name)
        self.env["PATH"] = f"{self.dir / 'bin'}{os.pathsep}{self.env.get('PATH', '')}"

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def write_config(self) -> None:
        for sub in ("state", "spool", "bin"):
            (self.dir / sub).mkdir()
        key = self.dir / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o600)
        node, raised = node_line(self.min_memory_mb)
        name = node.split()[0].split("=", 1)[1]
        self.node = name
        d = self.dir
        lines = [
            "ClusterName=snaketest",
            f"SlurmctldHost={name}(127.0.0.1)",
            f"SlurmctldPort={free_port()}",
            f"SlurmdPort={free_port()}",
            "SlurmUser=root",
            "SlurmdUser=root",
            "AuthType=auth/munge",
            "CredType=cred/munge",
            f"AuthInfo=socket={d / 'munge.socket'}",
            f"StateSaveLocation={d / 'state'}",
            f"SlurmdSpoolDir={d / 'spool'}",
            f"SlurmctldPidFile={d / 'slurmctld.pid'}",
            f"SlurmdPidFile={d / 'slurmd.pid'}",
            f"SlurmctldLogFile={d / 'slurmctld.log'}",
            f"SlurmdLogFile={d / 'slurmd.log'}",
            "SlurmctldDebug=info",
            "SlurmdDebug=info",
            # No slurmdbd: the plugin then needs `slurm-status-command: squeue` (profiles/slurm does that).
            "AccountingStorageType=accounting_storage/none",
            "JobAcctGatherType=jobacct_gather/none",
            "JobCompType=jobcomp/none",
            # No cgroups (no systemd here): track processes by /proc, bind no tasks.
            "ProctrackType=proctrack/linuxproc",
            "TaskPlugin=task/none",
            "SelectType=select/cons_tres",
            "SelectTypeParameters=CR_Core_Memory",
            "MpiDefault=none",
            "ReturnToService=2",
            "GresTypes=gpu",
        ]
        if raised:
            # A small CI machine still accepts the profile's memory requests; nothing enforces them here.
            lines.append("SlurmdParameters=config_overrides")
        lines += [
            f"{node} NodeHostname={socket.gethostname()} NodeAddr=127.0.0.1 Gres=gpu:1 State=UNKNOWN",
            "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP",
        ]
        self.conf.write_text("\n".join(lines) + "\n")
        (d / "gres.conf").write_text(f"NodeName={name} Name=gpu File=/dev/null\n")
        # snakemake-executor-plugin-slurm-jobstep drops every SLURM_* variable, SLURM_CONF included, before it
        # calls srun inside the job; real clusters keep slurm.conf where srun looks by default. This srun finds
        # the test cluster's config without writing to /etc/slurm.
        shim = d / "bin" / "srun"
        shim.write_text(f'#!/bin/sh\nSLURM_CONF="{self.conf}" exec "{shutil.which("srun")}" "$@"\n')
        shim.chmod(0o755)

    def start_daemon(self, name: str, *args: str) -> None:
        with open(self.dir / f"{name}.out", "wb") as out:
            self.processes[name] = subprocess.Popen(
                [name, *args], env=self.env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )

    def wait_for(self, what: str, ready) -> None:
        deadline = time.monotonic() + self.start_timeout
        while not ready():
            dead = [name for name, process in self.processes.items() if process.poll() is not None]
            if dead or time.monotonic() > deadline:
                self.stop()
                logs = "\n".join(f"--- {n}\n{self.log(n)[-2000:]}" for n in ("munged", "slurmctld", "slurmd"))
                raise RuntimeError(f"SLURM test cluster: {what} not ready (exited: {dead})\n{logs}")
            time.sleep(0.5)

    def node_state(self) -> str:
        result = subprocess.run(["sinfo", "-h", "-N", "-o", "%T"], env=self.env, capture_output=True, text=True)
        return result.stdout.strip()

    def start(self) -> "SlurmCluster":
        self.write_config()
        d = self.dir
        self.start_daemon(
            "munged",
            "--foreground",
            f"--socket={d / 'munge.socket'}",
            f"--key-file={d / 'munge.key'}",
            f"--pid-file={d / 'munged.pid'}",
            f"--log-file={d / 'munged.log'}",
            f"--seed-file={d / 'munged.seed'}",
        )
        self.wait_for("munged", (d / "munge.socket").exists)
        self.start_daemon("slurmctld", "-D", "-f", str(self.conf))
        self.wait_for("slurmctld", (d / "slurmctld.pid").exists)
        self.start_daemon("slurmd", "-D", "-f", str(self.conf), "-N", self.node)
        self.wait_for("the node", lambda: self.node_state() == "idle")
        return self

    def stop(self) -> None:
        """Cancel leftover jobs, then stop slurmd, slurmctld and munged by their pid files."""
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            subprocess.run(["scancel", "--full", f"--user={self.env['USER']}"], env=self.env, capture_output=True)
        for name in ("slurmd", "slurmctld", "munged"):
            process = self.processes.pop(name, None)
            pid_file = self.dir / f"{name}.pid"
            pid = int(pid_file.read_text().strip() or 0) if pid_file.exists() else 0
            for target in {pid, process.pid if process else 0} - {0}:
                try:
                    os.kill(target, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            if process is not None:
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    def __enter__(self) -> "SlurmCluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
