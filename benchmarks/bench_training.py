"""Training throughput of every configured model: `python -m benchmarks.bench_training [n_rows] [epochs]`.

Each model in config.yaml's `models:` (one per kind with its defaults if there is none) trains for a few
epochs on a fixed synthetic table; the rate is training events per second of epoch wall time, validation
included, as the median over epochs after the first (which pays one-off allocation costs). With a GPU the
same runs repeat on CUDA and the GPU/CPU ratio is printed.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np
import torch
import yaml

from dijetgen.models import MODELS, build_model
from dijetgen.toy import toy_dijet_table

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]


def configured_models() -> dict:
    models = yaml.safe_load((ROOT / "config.yaml").read_text()).get("models")
    return models or {kind: {"kind": kind} for kind in MODELS}


def events_per_second(hparams: dict, train, val, device: str, epochs: int) -> float:
    hparams = hparams | {"epochs": epochs, "patience": epochs}
    model = build_model(hparams["kind"], FEATURES, hparams, seed=0)
    with tempfile.TemporaryDirectory() as workdir:
        history = model.fit(train, val, workdir, device=device)
    return len(train) / float(np.median(history["seconds"].iloc[1:]))


def main(n_rows: int = 20000, epochs: int = 4) -> None:
    table = toy_dijet_table(n_rows)
    train, val = table.iloc[: n_rows * 3 // 4], table.iloc[n_rows * 3 // 4 :]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"{len(train)} training events, {epochs} epochs, {torch.get_num_threads()} CPU threads, devices: {devices}")
    for name, hparams in configured_models().items():
        rates = {device: events_per_second(hparams, train, val, device, epochs) for device in devices}
        line = "  ".join(f"{device} {rate:9.0f} ev/s" for device, rate in rates.items())
        ratio = f"  GPU/CPU {rates['cuda'] / rates['cpu']:.1f}x" if "cuda" in rates else ""
        print(f"{name:8s} ({hparams['kind']:4s}, batch {hparams.get('batch_size', 256)}): {line}{ratio}")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
