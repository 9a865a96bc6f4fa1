import numpy as np
import pytest

from dijetgen.checkpoints import CheckpointError
from dijetgen.errors import InputError
from dijetgen.models import MODELS, build_model, load_model
from dijetgen.models.vae import VariationalAutoEncoder
from dijetgen.toy import toy_dijet_table

FEATURES = ["ptj1", "etaj1", "mj1", "ptj2", "etaj2", "dphijj", "mj2", "tau21j1", "tau21j2"]
# Small networks and few epochs: enough to see learning, fast on two CPU cores.
TINY = {
    "ae": {"hidden": [32, 32], "latent_dim": 3, "gmm_components": 3},
    "vae": {"hidden": [32, 32], "latent_dim": 3, "kl_warmup_epochs": 1},
    "gan": {"hidden": [32, 32], "latent_dim": 4, "lr": 1e-3},
    "flow": {"hidden": [32, 32], "transforms": 2},
    "cfm": {"hidden": [32, 32], "solver": "rk4", "steps": 8},
}


@pytest.fixture(scope="module", params=sorted(MODELS))
def trained(request, tmp_path_factory):
    kind = request.param
    model = build_model(kind, FEATURES, {"epochs": 4, "batch_size": 128, "lr": 2e-3} | TINY[kind], seed=1)
    history = model.fit(toy_dijet_table(2000, 0), toy_dijet_table(500, 1), tmp_path_factory.mktemp(kind), device="cpu")
    return model, history


def test_training_loss_goes_down(trained):
    model, history = trained
    if model.kind == "gan":  # GAN losses measure the game, not the fit; val_loss is a distance to the data
        assert history["val_loss"].min() < history["val_loss"].iloc[0]
    else:
        assert history.iloc[-1, 1] < history.iloc[0, 1]
    assert len(history) == 4 and np.isfinite(history.to_numpy()).all()


def test_samples_have_the_feature_columns(trained):
    model, _ = trained
    events = model.sample(300, seed=5)
    assert list(events.columns) == FEATURES and len(events) == 300
    assert np.isfinite(events.to_numpy()).all() and (events[["ptj1", "mj1", "mj2"]] >= 0).all().all()
    assert events.equals(model.sample(300, seed=5)) and not events.equals(model.sample(300, seed=6))


def test_score_is_one_finite_number_per_event(trained):
    model, _ = trained
    scores = model.score(toy_dijet_table(50, 2))
    assert scores.shape == (50,) and np.isfinite(scores).all()


def test_save_load_round_trip(trained, tmp_path):
    model, _ = trained
    model.save(tmp_path / "model.pt")
    again = load_model(tmp_path / "model.pt", features=FEATURES)
    assert type(again) is type(model) and again.hparams == model.hparams
    assert again.sample(200, seed=3).equals(model.sample(200, seed=3))
    np.testing.assert_array_equal(again.score(toy_dijet_table(20, 2)), model.score(toy_dijet_table(20, 2)))


def test_encode_decode_of_latent_models(trained):
    model, _ = trained
    if model.kind not in ("ae", "vae"):
        pytest.skip("no latent code")
    table = toy_dijet_table(40, 2)
    codes = model.encode(table)
    assert codes.shape == (40, model.hparams["latent_dim"])
    decoded = model.decode(codes)
    assert list(decoded.columns) == FEATURES and len(decoded) == 40 and np.isfinite(decoded.to_numpy()).all()


def test_corrupt_checkpoint_is_a_one_line_error_naming_the_file(trained, tmp_path):
    model, _ = trained
    path = tmp_path / "model.pt"
    model.save(path)
    path.write_bytes(path.read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="model.pt: not a readable") as err:
        load_model(path)
    assert "\n" not in str(err.value)


def test_checkpoint_for_other_features_is_rejected(trained, tmp_path):
    model, _ = trained
    model.save(tmp_path / "model.pt")
    with pytest.raises(CheckpointError, match=r"model.pt: trained on features .* but .* are configured") as err:
        load_model(tmp_path / "model.pt", features=FEATURES[:-1])
    assert "\n" not in str(err.value)
    other = next(cls for kind, cls in MODELS.items() if kind != model.kind)
    with pytest.raises(CheckpointError, match=f"holds a '{model.kind}' model"):
        other.load(tmp_path / "model.pt")


def test_missing_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match="nope.pt: no such checkpoint"):
        load_model(tmp_path / "nope.pt")


def test_unknown_kind_and_hyperparameters_are_input_errors():
    with pytest.raises(InputError, match="kind: 'diffusion'"):
        build_model("diffusion", FEATURES, {}, seed=0)
    with pytest.raises(InputError, match="latent_dimm: not a hyperparameter of kind vae"):
        build_model("vae", FEATURES, {"latent_dimm": 3}, seed=0)
    with pytest.raises(InputError, match="loss: 'hinge'"):
        build_model("gan", FEATURES, {"loss": "hinge"}, seed=0)
    with pytest.raises(InputError, match="flow: 'realnvp'"):
        build_model("flow", FEATURES, {"flow": "realnvp"}, seed=0)


def test_same_seed_same_initial_weights_and_another_seed_others():
    first, again, other = (build_model("flow", FEATURES, TINY["flow"], seed=s) for s in (3, 3, 4))
    for a, b in zip(first.nets["flow"].parameters(), again.nets["flow"].parameters()):
        assert a.equal(b)
    assert not all(a.equal(c) for a, c in zip(first.nets["flow"].parameters(), other.nets["flow"].parameters()))


def test_vae_kl_warmup_is_linear_then_beta():
    vae = VariationalAutoEncoder(FEATURES, {"beta": 4.0, "kl_warmup_epochs": 4}, seed=0)
    assert [vae._kl_weight(epoch) for epoch in range(6)] == [0.0, 1.0, 2.0, 3.0, 4.0, 4.0]
    assert vae.warmup_epochs == 4


def test_wgan_gp_trains(tmp_path):
    gan = build_model("gan", FEATURES, TINY["gan"] | {"loss": "wgan-gp", "n_critic": 2, "epochs": 2}, seed=0)
    history = gan.fit(toy_dijet_table(600, 0), toy_dijet_table(200, 1), tmp_path, device="cpu")
    assert {"wasserstein", "gp", "val_w1"} <= set(history.columns)
    assert np.isfinite(gan.score(toy_dijet_table(10, 2))).all()
