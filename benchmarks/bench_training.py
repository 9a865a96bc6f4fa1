"""Epoch time of every model kind, CPU (2 threads) against CUDA when present.

`python -m benchmarks.bench_training [n_rows | train.parquet] [epochs]`

Each model in config.yaml's `models:`, plus every kind it lacks with that kind's defaults, trains for a few
epochs on a fixed synthetic table (or on the training split given as a parquet file, 3/4 train and 1/4 val).
The figure is the median wall time of an epoch after the first (which pays one-off allocation costs),
validation included, and the rate is training events per second of it. On CUDA an entry's `cuda:` block
applies, as in the pipeline, and the GPU/CPU ratio of epoch times is printed.
"""

import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import yaml

from dijetgen.models import MODELS, build_model
from dijetgen.toy import toy_dijet_table
from dijetgen.training import device_hparams

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]
CPU_THREADS = 2


def configured_models() -> dict:
    models = yaml.safe_load((ROOT / "config.yaml").read_text()).get("models") or {}
    missing = sorted(set(MODELS) - {entry["kind"] for entry in models.values()})
    return models | {kind: {"kind": kind} for kind in missing}


def epoch_seconds(hparams: dict, train, val, device: str, epochs: int) -> float:
    hparams = hparams | {"epochs": epochs, "patience": epochs, "cuda": hparams.get("cuda", {}) | {"epochs": epochs}}
    model = build_model(hparams["kind"], FEATURES, hparams, seed=0)
    with tempfile.TemporaryDirectory() as workdir:
        history = model.fit(train, val, workdir, device=device)
    return float(np.median(history["seconds"].iloc[1:]))


def main(rows: str = "20000", epochs: int = 4) -> None:
    torch.set_num_threads(CPU_THREADS)
    table = pd.read_parquet(rows) if rows.endswith(".parquet") else toy_dijet_table(int(rows))
    cut = len(table) * 3 // 4
    train, val = table.iloc[:cut], table.iloc[cut:]
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"{len(train)} training events, {epochs} epochs, {CPU_THREADS} CPU threads, devices: {devices}")
    print("| model | kind | device: batch | epoch s | events/s | GPU/CPU |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for name, hparams in configured_models().items():
        seconds = {device: epoch_seconds(hparams, train, val, device, epochs) for device in devices}
        for device, value in seconds.items():
            batch = device_hparams(build_model(hparams["kind"], FEATURES, hparams, 0).hparams, device)["batch_size"]
            ratio = f"{seconds['cpu'] / value:.1f}x" if device == "cuda" else ""
            rate = len(train) / value
            print(f"| {name} | {hparams['kind']} | {device}: {batch} | {value:.3f} | {rate:,.0f} | {ratio} |")


if __name__ == "__main__":
    main(*sys.argv[1:2], *(int(a) for a in sys.argv[2:3]))
