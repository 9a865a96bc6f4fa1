"""The one training loop every model uses: batches, validation, early stopping, checkpoints and resume.

A model plugs in through four members (see dijetgen.models.base.GenerativeModel): `nets` and `optimizers`
(dicts of torch objects), `train_step(batch, epoch) -> {term: detached scalar tensor}` and
`validation_losses(x, epoch) -> {term: float}`, whose "val_loss" drives early stopping. Loss terms stay on
the device until the epoch ends, so a GPU is not synchronised every batch.

Training on a GPU may use other settings than on the CPU: a model entry's `cuda:` block (batch_size, lr,
epochs, patience) replaces those keys when the chosen device is cuda, since the CPU's small batches leave a
GPU idle (see device_hparams). The training split stays on the device, batches are drawn there, and
nothing is copied back to the host until the epoch ends.

Every epoch's randomness (shuffling, latent noise) is drawn from a seed derived from (seed, epoch). A run
resumed from the checkpoint of epoch k therefore replays epochs k+1... exactly as an uninterrupted run
would, without saving random-generator states.
"""

import copy
import hashlib
import json
import logging
import math
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from dijetgen.atomic import write_atomic
from dijetgen.checkpoints import load_checkpoint, save_checkpoint
from dijetgen.errors import InputError

CHECKPOINT = "checkpoint.pt"
HISTORY = "history.csv"
DEVICE_OVERRIDES = ("batch_size", "lr", "epochs", "patience")


def choose_device(name: str = "auto") -> torch.device:
    """'auto' takes the GPU when torch sees one; 'cuda' without a GPU is a config error, not a silent CPU run."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name == "cuda" and not torch.cuda.is_available():
        raise InputError("device: 'cuda' requested, but torch sees no GPU on this machine")
    if name not in ("cpu", "cuda"):
        raise InputError(f"device: {name!r} is not one of auto, cpu, cuda")
    return torch.device(name)


def check_device_overrides(overrides: dict) -> None:
    """A `cuda:` block may only set DEVICE_OVERRIDES; anything else is an InputError naming the key."""
    unknown = sorted(set(overrides) - set(DEVICE_OVERRIDES))
    if unknown:
        raise InputError(f"cuda.{unknown[0]}: not a per-device setting ({', '.join(DEVICE_OVERRIDES)})")


def device_hparams(hparams: dict, device: torch.device) -> dict:
    """The hyperparameters training uses on `device`: the entry without its `cuda:` block, with the block's
    values in place of the entry's when the device is a GPU.

    >>> device_hparams({"lr": 1e-3, "batch_size": 256, "cuda": {"batch_size": 4096}}, torch.device("cuda"))
    {'lr': 0.001, 'batch_size': 4096}
    """
    overrides = hparams.get("cuda", {}) if torch.device(device).type == "cuda" else {}
    return {k: v for k, v in hparams.items() if k != "cuda"} | overrides


def epoch_seed(seed: int, epoch: int) -> int:
    return int(np.random.SeedSequence([seed, epoch]).generate_state(1)[0])


def seed_torch(seed: int, device: torch.device) -> None:
    """Seed torch (CPU and CUDA). Deterministic kernels are requested only when training on the CPU,
    where they cost nothing; on CUDA they need a cuBLAS workspace setting and slow some kernels."""
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(device.type == "cpu")


def data_digest(*arrays: torch.Tensor) -> str:
    digest = hashlib.sha256()
    for array in arrays:
        digest.update(array.cpu().numpy().tobytes())
    return digest.hexdigest()


def train(model, x_train, x_val, workdir, *, device, max_epochs=None) -> tuple[pd.DataFrame, bool]:
    """Fit `model` on standardised tensors, writing workdir/history.csv and workdir/checkpoint.pt each epoch.

    Training stops after `epochs` or once the validation loss has not improved for `patience` epochs, and
    the weights of the best epoch are restored. A checkpoint left by an interrupted run with the same model
    settings and data is resumed; one from other settings is replaced. `max_epochs` ends this call after that
    many epochs in all and keeps the checkpoint, as an interruption would (tests and time-boxed runs use it).
    Returns the history and whether training finished.
    """
    hp = device_hparams(model.hparams, device)
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    checkpoint = workdir / CHECKPOINT
    x_train, x_val = x_train.to(device), x_val.to(device)
    model.to(device)
    # epochs and patience only decide where training stops, so a longer rerun may resume a shorter one.
    # The key holds the settings of this device: a CPU run's checkpoint is not resumed with GPU batch sizes.
    key = model.header() | {"data": data_digest(x_train, x_val)}
    key["hparams"] = {k: v for k, v in hp.items() if k not in ("epochs", "patience")}
    key = json.loads(json.dumps(key))  # compare like with like: the stored key went through JSON
    state = _resume(model, checkpoint, key)
    last = min(hp["epochs"], max_epochs or hp["epochs"])
    # In a log file each refresh is another carriage-return segment, so refresh rarely there.
    refresh = 0.1 if sys.stderr.isatty() else 30
    bar = tqdm(total=hp["epochs"], initial=state["epoch"], desc=model.kind, file=sys.stderr, mininterval=refresh)
    while state["epoch"] < last and not _stopped_early(state, hp["patience"]):
        epoch = state["epoch"]
        seed_torch(epoch_seed(model.seed, epoch), device)
        start = time.perf_counter()
        row = _train_epoch(model, x_train, hp["batch_size"], epoch)
        for net in model.nets.values():
            net.eval()
        with torch.no_grad():
            row |= model.validation_losses(x_val, epoch)
        _check_finite(row, epoch)
        row = {"epoch": epoch + 1, **row, "seconds": time.perf_counter() - start}
        state["history"].append(row)
        # Warm-up epochs (e.g. VAE KL annealing) optimise a different objective, so they never count as best.
        if epoch >= model.warmup_epochs and row["val_loss"] < state["best_loss"]:
            state |= {"best_loss": row["val_loss"], "best_epoch": epoch + 1, "best": _state_dicts(model.nets)}
        state["epoch"] = epoch + 1
        _save(model, checkpoint, key, state)
        _write_history(state["history"], workdir / HISTORY)
        bar.update(1)
        bar.set_postfix({k: f"{v:.4g}" for k, v in row.items() if k not in ("epoch", "seconds")})
    bar.close()
    if state["epoch"] < hp["epochs"] and not _stopped_early(state, hp["patience"]):
        return pd.DataFrame(state["history"]), False
    if state["best"] is not None:
        for name, net in model.nets.items():
            net.load_state_dict(state["best"][name])
    logging.info("%s: best validation loss %.5g at epoch %s", model.kind, state["best_loss"], state["best_epoch"])
    checkpoint.unlink()
    return pd.DataFrame(state["history"]), True


def _train_epoch(model, x, batch_size, epoch) -> dict:
    for net in model.nets.values():
        net.train()
    order = torch.randperm(len(x), device="cpu").to(x.device)
    sums = {}
    for start in range(0, len(x), batch_size):
        batch = x[order[start : start + batch_size]]
        for term, value in model.train_step(batch, epoch).items():
            sums[term] = sums.get(term, 0.0) + value * len(batch)
    return {term: total.item() / len(x) for term, total in sums.items()}


def still_improving(history: pd.DataFrame, epochs: int, patience: int) -> bool:
    """Whether training ran into its `epochs` limit while the validation loss still improved (its best epoch
    lies within the last `patience`): more epochs would likely have given a better model."""
    if len(history) < epochs:
        return False
    best_epoch = int(history["val_loss"].to_numpy().argmin()) + 1
    return len(history) - best_epoch < patience


def _stopped_early(state, patience) -> bool:
    return state["best_epoch"] > 0 and state["epoch"] - state["best_epoch"] >= patience


def _check_finite(row, epoch) -> None:
    for term, value in row.items():
        if not math.isfinite(value):
            raise InputError(f"training diverged: {term} is {value} in epoch {epoch + 1}; try a lower lr")


def _state_dicts(modules) -> dict:
    return {name: copy.deepcopy(module.state_dict()) for name, module in modules.items()}


def _fresh_state() -> dict:
    return {"epoch": 0, "history": [], "best_loss": math.inf, "best_epoch": 0, "best": None}


def _resume(model, checkpoint, key) -> dict:
    if not checkpoint.exists():
        return _fresh_state()
    header, tensors = load_checkpoint(checkpoint)
    if header.get("key") != key:
        logging.warning("%s: left by a run with other settings or data; training from scratch", checkpoint)
        return _fresh_state()
    for name, net in model.nets.items():
        net.load_state_dict(tensors["nets"][name])
    for name, optimizer in model.optimizers.items():
        optimizer.load_state_dict(tensors["optimizers"][name])
    logging.info("%s: resuming after epoch %d", checkpoint, header["epoch"])
    return {
        "epoch": header["epoch"],
        "history": header["history"],
        "best_loss": header["best_loss"],
        "best_epoch": header["best_epoch"],
        "best": tensors["best"],
    }


def _save(model, checkpoint, key, state) -> None:
    header = {k: state[k] for k in ("epoch", "history", "best_loss", "best_epoch")} | {"key": key}
    tensors = {
        "nets": _state_dicts(model.nets),
        "optimizers": {name: opt.state_dict() for name, opt in model.optimizers.items()},
        "best": state["best"],
    }
    save_checkpoint(checkpoint, header, tensors)


def _write_history(history, path) -> None:
    write_atomic(lambda tmp: pd.DataFrame(history).to_csv(tmp, index=False), str(path))
