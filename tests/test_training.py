import numpy as np
import pandas as pd
import pytest
import torch
from helpers import FEATURES, TINY_NETWORKS
from torch import nn

from dijetgen import training
from dijetgen.checkpoints import CheckpointError
from dijetgen.errors import InputError
from dijetgen.models import MODELS, build_model
from dijetgen.toy import toy_dijet_table


class ScriptedModel:
    """A one-layer 'model' whose validation losses follow a script, to drive the loop's bookkeeping."""

    kind = "scripted"
    warmup_epochs = 0

    def __init__(self, val_losses, epochs=10, patience=2, seed=0):
        torch.manual_seed(seed)
        self.val_script = list(val_losses)
        self.hparams = {"epochs": epochs, "batch_size": 16, "patience": patience, "lr": 0.1}
        self.seed = seed
        self.nets = {"net": nn.Linear(2, 1)}
        self.optimizers = {"sgd": torch.optim.SGD(self.nets["net"].parameters(), lr=0.1)}
        self.weights_after_epoch = []

    def header(self):
        return {"kind": self.kind, "hparams": self.hparams, "seed": self.seed}

    def to(self, device):
        return self

    def train_step(self, batch, epoch):
        loss = (self.nets["net"](batch) - 1).pow(2).mean()
        self.optimizers["sgd"].zero_grad()
        loss.backward()
        self.optimizers["sgd"].step()
        return {"mse": loss.detach(), "kl": torch.tensor(0.5)}

    def validation_losses(self, x, epoch):
        self.weights_after_epoch.append(self.nets["net"].weight.detach().clone())
        return {"val_loss": self.val_script[epoch]}


def data(n=64):
    return torch.randn(n, 2, generator=torch.Generator().manual_seed(0)), torch.randn(8, 2)


def test_early_stopping_restores_the_best_epoch_and_writes_history(tmp_path):
    model = ScriptedModel([3.0, 2.0, 2.5, 2.6, 2.7, 1.0], patience=2)
    history, finished = training.train(model, *data(), tmp_path, device=torch.device("cpu"))
    assert finished and list(history["epoch"]) == [1, 2, 3, 4]
    assert model.nets["net"].weight.equal(model.weights_after_epoch[1])
    written = pd.read_csv(tmp_path / "history.csv")
    assert list(written.columns) == ["epoch", "mse", "kl", "val_loss", "seconds"]
    assert written["val_loss"].tolist() == [3.0, 2.0, 2.5, 2.6] and (written["kl"] == 0.5).all()
    assert not (tmp_path / "checkpoint.pt").exists()


def test_diverging_loss_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="training diverged: val_loss is nan in epoch 2; try a lower lr"):
        training.train(ScriptedModel([1.0, float("nan")]), *data(), tmp_path, device=torch.device("cpu"))


def test_checkpoint_from_other_settings_is_replaced_not_resumed(tmp_path):
    cpu = torch.device("cpu")
    training.train(ScriptedModel([3, 2, 1, 0], epochs=4), *data(), tmp_path, device=cpu, max_epochs=2)
    other = ScriptedModel([3, 2, 1, 0], epochs=4, seed=1)
    history, finished = training.train(other, *data(), tmp_path, device=cpu)
    assert finished and list(history["epoch"]) == [1, 2, 3, 4]


def test_corrupt_resume_checkpoint_names_the_file(tmp_path):
    (tmp_path / "checkpoint.pt").write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(CheckpointError, match="checkpoint.pt: not a readable dijetgen checkpoint"):
        training.train(ScriptedModel([1.0]), *data(), tmp_path, device=torch.device("cpu"))


@pytest.mark.parametrize("kind", sorted(MODELS))
def test_resume_after_interruption_matches_an_uninterrupted_run(kind, tmp_path):
    hparams = TINY_NETWORKS[kind] | {"epochs": 3, "batch_size": 128, "patience": 5}
    train, val = toy_dijet_table(600, 0), toy_dijet_table(200, 1)
    straight = build_model(kind, FEATURES, hparams, seed=4)
    straight.fit(train, val, tmp_path / "straight", device="cpu")

    interrupted = build_model(kind, FEATURES, hparams, seed=4)
    part = interrupted.fit(train, val, tmp_path / "resumed", device="cpu", max_epochs=2)
    assert len(part) == 2 and (tmp_path / "resumed" / "checkpoint.pt").exists()
    resumed = build_model(kind, FEATURES, hparams, seed=4)
    history = resumed.fit(train, val, tmp_path / "resumed", device="cpu")

    assert list(history["epoch"]) == [1, 2, 3]
    # Epoch timings are never reproduced, so equal ones show epochs 1-2 came from the checkpoint.
    assert history["seconds"].iloc[:2].equals(part["seconds"])
    assert pd.read_csv(tmp_path / "resumed" / "history.csv")["epoch"].tolist() == [1, 2, 3]
    for name, net in straight.nets.items():
        for key, value in net.state_dict().items():
            assert value.equal(resumed.nets[name].state_dict()[key]), f"{kind}: {name}.{key} differs"
    assert straight.sample(100, seed=1).equals(resumed.sample(100, seed=1))


def test_device_choice():
    assert training.choose_device("cpu") == torch.device("cpu")
    assert training.choose_device("auto").type == ("cuda" if torch.cuda.is_available() else "cpu")
    with pytest.raises(InputError, match="device: 'tpu'"):
        training.choose_device("tpu")
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="device: 'cuda' requested"):
            training.choose_device("cuda")


def test_epoch_seeds_differ_between_epochs_and_seeds():
    seeds = {training.epoch_seed(seed, epoch) for seed in range(3) for epoch in range(50)}
    assert len(seeds) == 150 and all(0 <= s < 2**32 for s in seeds)


def test_cuda_block_replaces_settings_only_on_a_gpu():
    entry = {"lr": 1e-3, "batch_size": 256, "epochs": 50, "cuda": {"batch_size": 4096, "lr": 4e-3}}
    assert training.device_hparams(entry, torch.device("cpu")) == {"lr": 1e-3, "batch_size": 256, "epochs": 50}
    assert training.device_hparams(entry, torch.device("cuda")) == {"lr": 4e-3, "batch_size": 4096, "epochs": 50}
    assert training.device_hparams(entry, torch.device("cuda", 1))["batch_size"] == 4096
    assert training.device_hparams({"lr": 1e-3}, torch.device("cuda")) == {"lr": 1e-3}
    with pytest.raises(InputError, match=r"cuda.hidden: not a per-device setting \(batch_size, lr, epochs, patience\)"):
        build_model("flow", FEATURES, {"cuda": {"hidden": [8]}}, seed=0)


def test_cpu_training_ignores_the_cuda_block(tmp_path):
    hparams = TINY_NETWORKS["cfm"] | {"epochs": 2, "batch_size": 128}
    train, val = toy_dijet_table(400, 0), toy_dijet_table(100, 1)
    plain = build_model("cfm", FEATURES, hparams, seed=3)
    history = plain.fit(train, val, tmp_path / "plain", device="cpu")
    gpu_ready = build_model("cfm", FEATURES, hparams | {"cuda": {"batch_size": 7, "lr": 0.5}}, seed=3)
    same = gpu_ready.fit(train, val, tmp_path / "gpu_ready", device="cpu")
    assert gpu_ready.optimizers["adam"].param_groups[0]["lr"] == plain.hparams["lr"]
    assert same.drop(columns="seconds").equals(history.drop(columns="seconds"))


DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("kind", sorted(MODELS))
def test_samples_come_back_as_float64_host_frames_from_any_device(kind, device, tmp_path):
    model = build_model(kind, FEATURES, TINY_NETWORKS[kind] | {"epochs": 1, "condition": ["mjj"]}, seed=0)
    train = toy_dijet_table(300, 0).assign(mjj=lambda t: 2 * t["ptj1"])
    model.fit(train, train, tmp_path, device=device)
    assert model.device.type == device and all(
        p.device.type == device for p in model.nets[next(iter(model.nets))].parameters()
    )
    events = model.sample(64, seed=1, condition=train)
    assert list(events.columns) == FEATURES + ["mjj"]
    assert events.dtypes.eq(np.float64).all() and isinstance(events.to_numpy(), np.ndarray)
    scores = model.score(train.iloc[:16])
    assert isinstance(scores, np.ndarray) and scores.shape == (16,) and np.isfinite(scores).all()


@pytest.mark.parametrize(
    ("losses", "epochs", "expected"),
    [([3, 2, 1, 0.5], 4, True), ([3, 2, 1, 1.5, 1.6, 1.7], 6, False), ([3, 2, 1], 10, False)],
)
def test_training_that_ends_at_its_epoch_limit_while_improving_is_flagged(losses, epochs, expected):
    history = pd.DataFrame({"epoch": range(1, len(losses) + 1), "val_loss": losses})
    assert training.still_improving(history, epochs, patience=3) is expected
