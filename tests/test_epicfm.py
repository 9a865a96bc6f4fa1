"""The particle-cloud kind: masks keep padded slots out of the field, the loss and the samples; fit, sample, save."""

import numpy as np
import pandas as pd
import pytest
import torch
from helpers import toy_jets

from dijetgen import training
from dijetgen.clouds import PARTICLE_CONDITION, ParticleJets
from dijetgen.errors import InputError
from dijetgen.metrics.particles import rebuilt_jets
from dijetgen.models import MODELS, build_model, load_model
from dijetgen.models.epicfm import _radial

TINY = {"hidden": [16, 16], "global_dim": 8, "epochs": 2, "batch_size": 32, "solver": "euler", "steps": 4}
CAP = 24  # toy_jets' slots


@pytest.fixture(scope="module")
def fitted(tmp_path_factory):
    model = build_model("epicfm", PARTICLE_CONDITION, TINY, seed=1)
    history = model.fit(toy_jets(256, 0), toy_jets(64, 1), tmp_path_factory.mktemp("epicfm"), device="cpu")
    return model, history


def test_padded_slots_never_reach_the_field_or_the_loss(fitted):
    model, _ = fitted
    batch = model._pack(toy_jets(16, 2))
    x1, c, mask = model._unpack(batch)
    assert (x1[mask == 0] == 0).all()
    x0 = torch.randn(x1.shape, generator=torch.Generator().manual_seed(0))
    t = torch.full((16, 1), 0.4)
    field = model.nets["field"]
    noisy_x0 = torch.where(mask.bool().unsqueeze(-1), x0, 1e3 * torch.randn_like(x0))
    noisy_batch = batch.clone()
    noisy_batch[:, len(model.features) : -CAP] = torch.where(
        mask.bool().unsqueeze(-1), x1, torch.randn_like(x1) * 1e3
    ).reshape(16, -1)
    with torch.no_grad():
        xt = (1 - t.unsqueeze(-1)) * x0 + t.unsqueeze(-1) * x1
        noisy_xt = (1 - t.unsqueeze(-1)) * noisy_x0 + t.unsqueeze(-1) * model._unpack(noisy_batch)[0]
        v, noisy_v = field(t, xt, c, mask), field(t, noisy_xt, c, mask)
        assert (v[mask == 0] == 0).all()
        torch.testing.assert_close(v, noisy_v)  # garbage in padded slots changes no real particle's velocity
        torch.testing.assert_close(model._loss(field, batch, x0, t), model._loss(field, noisy_batch, noisy_x0, t))


def test_fit_sample_save_load_round_trip(fitted, tmp_path):
    model, history = fitted
    assert len(history) == 2 and np.isfinite(history["val_loss"]).all()
    jets = toy_jets(40, 3).jets
    values, mask = model.sample_particles(jets, seed=5)
    assert values.shape == (40, CAP, 3) and values.dtype == np.float32
    np.testing.assert_array_equal(mask.sum(axis=1), np.minimum(jets["nconst"], CAP))
    assert (values[~mask] == 0).all() and np.isfinite(values).all()
    assert (values[mask][:, 0] > 0).all() and (np.abs(values[..., 2]) <= np.pi).all()
    # The particles add up to the pT of the jet they were drawn for (an untrained field's would not).
    rebuilt = rebuilt_jets(ParticleJets(jets, values, mask))["pt"]
    np.testing.assert_allclose(rebuilt, jets["pt"], rtol=1e-5)
    model.save(tmp_path / "model.pt")
    again = load_model(tmp_path / "model.pt")
    np.testing.assert_array_equal(again.sample_particles(jets, seed=5)[0], values)
    assert not np.array_equal(model.sample_particles(jets, seed=6)[0], values)


def test_epicfm_is_a_particle_kind_with_a_checked_entry():
    assert "epicfm" not in MODELS  # the feature-table kinds' fit/sample/score do not apply
    with pytest.raises(InputError, match=r"^hidden: \[16, 32\] must repeat one width"):
        build_model("epicfm", PARTICLE_CONDITION, {"hidden": [16, 32]}, seed=0)
    with pytest.raises(InputError, match="^features: an epicfm model is conditioned on"):
        build_model("epicfm", ["mj1"], {}, seed=0)
    with pytest.raises(InputError, match=r"^cuda.hidden: not a per-device setting"):
        build_model("epicfm", PARTICLE_CONDITION, {"cuda": {"hidden": [8]}}, seed=0)


def test_cuda_block_and_device_resolution_on_the_cpu(fitted, tmp_path):
    """The `cuda:` block applies on a GPU only; on this CPU the run equals the plain one, and 'cuda' without a
    GPU is a config error rather than a silent CPU run."""
    _, history = fitted
    gpu_ready = build_model("epicfm", PARTICLE_CONDITION, TINY | {"cuda": {"batch_size": 4096, "lr": 0.5}}, seed=1)
    assert training.device_hparams(gpu_ready.hparams, torch.device("cuda"))["batch_size"] == 4096
    same = gpu_ready.fit(toy_jets(256, 0), toy_jets(64, 1), tmp_path, device="cpu")
    assert gpu_ready.optimizers["adam"].param_groups[0]["lr"] == 1e-3 and gpu_ready.device.type == "cpu"
    pd.testing.assert_frame_equal(same.drop(columns="seconds"), history.drop(columns="seconds"))
    if not torch.cuda.is_available():
        with pytest.raises(InputError, match="device: 'cuda' requested"):
            gpu_ready.fit(toy_jets(16, 0), toy_jets(16, 1), tmp_path / "cuda", device="cuda")


def test_radial_angles_are_linear_in_the_core_logarithmic_beyond_and_invertible():
    angles = np.random.default_rng(0).normal(0, 0.3, (50, 24, 2))
    angles[0, 0] = 0.0  # a particle on the axis stays there
    mapped = _radial(angles, 0.05)
    np.testing.assert_allclose(_radial(mapped, 0.05, inverse=True), angles, atol=1e-12)
    r, mapped_r = np.hypot(*np.moveaxis(angles, -1, 0)), np.hypot(*np.moveaxis(mapped, -1, 0))
    np.testing.assert_allclose(mapped_r, 0.05 * np.arcsinh(r / 0.05))
    np.testing.assert_allclose(mapped / mapped_r[..., None].clip(1e-300), angles / r[..., None].clip(1e-300))
    core = r < 1e-3
    np.testing.assert_allclose(mapped[core], angles[core], rtol=1e-4)
    assert _radial(angles, 0.0) is angles


def test_radial_angles_fit_and_sample_inside_the_jet(tmp_path):
    model = build_model("epicfm", PARTICLE_CONDITION, TINY | {"angle_scale": 0.02}, seed=3)
    model.fit(toy_jets(128, 0), toy_jets(32, 1), tmp_path, device="cpu")
    values, mask = model.sample_particles(toy_jets(30, 4).jets, seed=1)
    assert np.isfinite(values).all() and (values[~mask] == 0).all()
