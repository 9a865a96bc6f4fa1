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
import pandas as pd
import torch
import yaml

from dijetgen.models import MODELS, build_model

ROOT = Path(__file__).resolve().parents[1]
FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]


def synthetic_table(n: int, seed: int = 0) -> pd.DataFrame:
    """Dijet-like events: a falling pT spectrum, balanced jets, and 30% of j1 from a 500 GeV resonance."""
    rng = np.random.default_rng(seed)
    ptj1 = 1200 + rng.exponential(250, n)
    peak = rng.random(n) < 0.3
    return pd.DataFrame(
        {
            "ptj1": ptj1,
            "etaj1": rng.normal(0, 1, n),
            "mj1": np.where(peak, rng.normal(500, 20, n), rng.lognormal(np.log(0.07 * ptj1), 0.5)),
            "ptj2": ptj1 * rng.uniform(0.75, 1.0, n),
            "etaj2": rng.normal(0, 1, n),
            "dphijj": np.pi + rng.normal(0, 0.1, n),
            "mj2": rng.lognormal(np.log(60), 0.6, n),
            "tau21j1": np.where(peak, rng.beta(3, 5, n), rng.beta(5, 3, n)),
            "tau21j2": rng.beta(5, 3, n),
        }
    )


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
    table = synthetic_table(n_rows)
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
