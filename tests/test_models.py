import numpy as np
import pandas as pd
import pytest
import torch
from helpers import FEATURES, SELECTION, TINY_NETWORKS
from scipy.stats import norm

from dijetgen.checkpoints import CheckpointError
from dijetgen.errors import InputError
from dijetgen.models import MODELS, build_model, load_model
from dijetgen.models.base import ema_rate, moving_average
from dijetgen.models.vae import VariationalAutoEncoder
from dijetgen.preprocessing import MARGIN
from dijetgen.toy import toy_dijet_table
from dijetgen.validation import outside_selection


@pytest.fixture(scope="module", params=sorted(MODELS))
def trained(request, tmp_path_factory):
    kind = request.param
    model = build_model(kind, FEATURES, {"epochs": 4, "batch_size": 128, "lr": 2e-3} | TINY_NETWORKS[kind], seed=1)
    train, val = toy_dijet_table(2000, 0), toy_dijet_table(500, 1)
    history = model.fit(train, val, tmp_path_factory.mktemp(kind), device="cpu", selection=SELECTION)
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


def test_samples_keep_j1_the_leading_jet_above_the_cut_and_every_feature_on_its_support(trained):
    model, _ = trained
    events = model.sample(5000, seed=7)
    train = toy_dijet_table(2000, 0)
    assert (events["ptj1"] > SELECTION["min_pt"]).all() and (events["ptj2"] <= events["ptj1"]).all()
    assert (events[["mj1", "mj2", "ptj2"]] > 0).all().all()
    for tau in ("tau21j1", "tau21j2"):
        margin = MARGIN * (train[tau].max() - train[tau].min())
        assert events[tau].between(train[tau].min() - margin, train[tau].max() + margin).all()
    # The toy's eta is Gaussian, so both it and the samples have a forward j1 with a soft j2 now and then.
    assert outside_selection(events, SELECTION) < 2 * outside_selection(train, SELECTION) + 0.01


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
    first, again, other = (build_model("flow", FEATURES, TINY_NETWORKS["flow"], seed=s) for s in (3, 3, 4))
    for a, b in zip(first.nets["flow"].parameters(), again.nets["flow"].parameters()):
        assert a.equal(b)
    assert not all(a.equal(c) for a, c in zip(first.nets["flow"].parameters(), other.nets["flow"].parameters()))


def test_vae_kl_warmup_is_linear_then_beta():
    vae = VariationalAutoEncoder(FEATURES, {"beta": 4.0, "kl_warmup_epochs": 4}, seed=0)
    assert [vae._kl_weight(epoch) for epoch in range(6)] == [0.0, 1.0, 2.0, 3.0, 4.0, 4.0]
    assert vae.warmup_epochs == 4


def test_flow_score_is_minus_log_density_in_physical_units(tmp_path):
    # mj1 = exp(y) - 1 GeV with y ~ N(4, 0.5) (log-normal), etaj1 ~ N(0, 1.5): the true density per GeV is
    # known, and in the flow's standardised space both are unit Gaussians, which a flow learns quickly.
    def events(n, seed):
        rng = np.random.default_rng(seed)
        return pd.DataFrame({"mj1": np.expm1(rng.normal(4, 0.5, n)), "etaj1": rng.normal(0, 1.5, n)})

    flow = build_model("flow", ["mj1", "etaj1"], {"epochs": 15, "batch_size": 256, "hidden": [16], "transforms": 1}, 0)
    flow.fit(events(4000, 0), events(1000, 1), tmp_path, device="cpu")
    test = events(500, 2)
    y = np.log1p(test["mj1"])
    true_nll = -(norm.logpdf(y, 4, 0.5) - y + norm.logpdf(test["etaj1"], 0, 1.5))  # dy/dmj1 = 1 / (1 + mj1)
    assert np.median(np.abs(flow.score(test) - true_nll)) < 0.1


def test_wgan_gp_critic_takes_a_fresh_real_batch_for_each_step(tmp_path):
    train = toy_dijet_table(1000, 0)
    hparams = TINY_NETWORKS["gan"] | {"loss": "wgan-gp", "n_critic": 5, "epochs": 1, "batch_size": 100}
    gan = build_model("gan", FEATURES, hparams, seed=0)
    seen = []
    gan.nets["discriminator"].register_forward_pre_hook(lambda module, inputs: seen.append(inputs[0].detach()))
    gan.fit(train, toy_dijet_table(200, 1), tmp_path, device="cpu")
    training_rows = {tuple(row) for row in gan._standardise(train).tolist()}
    real = [batch for batch in seen if all(tuple(row) in training_rows for row in batch.tolist())]
    # 10 batches of 100 events: 10 critic steps, each on its own real batch, and 2 generator steps.
    assert len(real) == 10
    assert len({tuple(row) for batch in real for row in batch.tolist()}) == 1000
    generator_steps = {int(state["step"]) for state in gan.optimizers["generator"].state.values()}
    assert generator_steps == {2}


def test_wgan_gp_trains(tmp_path):
    gan = build_model("gan", FEATURES, TINY_NETWORKS["gan"] | {"loss": "wgan-gp", "n_critic": 2, "epochs": 2}, seed=0)
    history = gan.fit(toy_dijet_table(600, 0), toy_dijet_table(200, 1), tmp_path, device="cpu")
    assert {"wasserstein", "gp", "val_w1"} <= set(history.columns)
    assert np.isfinite(gan.score(toy_dijet_table(10, 2))).all()


def test_vae_can_sample_its_latent_from_a_mixture_fitted_to_the_training_codes(tmp_path):
    hparams = {"epochs": 4, "batch_size": 128, "lr": 2e-3, "latent_sampling": "mixture"} | TINY_NETWORKS["vae"]
    model = build_model("vae", FEATURES, hparams | {"gmm_components": 2}, seed=1)
    model.fit(toy_dijet_table(2000, 0), toy_dijet_table(500, 1), tmp_path / "run", device="cpu")
    prior = model.nets["prior"]
    codes = model.encode(toy_dijet_table(2000, 0))
    # The mixture follows the aggregate posterior: its mean is the training codes' mean, not the prior's 0.
    mixture_mean = (prior.weights[:, None] * prior.means).sum(dim=0).numpy()
    np.testing.assert_allclose(mixture_mean, codes.mean(axis=0), atol=0.1)
    model.save(tmp_path / "model.pt")
    assert load_model(tmp_path / "model.pt").sample(200, seed=3).equals(model.sample(200, seed=3))
    with pytest.raises(InputError, match="latent_sampling: 'posterior' is not one of"):
        build_model("vae", FEATURES, {"latent_sampling": "posterior"}, seed=1)


def test_ae_samples_carry_the_width_of_its_training_residuals(tmp_path):
    hparams = {"epochs": 4, "batch_size": 128, "lr": 2e-3} | TINY_NETWORKS["ae"]
    train = toy_dijet_table(2000, 0)
    noisy = build_model("ae", FEATURES, hparams, seed=1)
    noisy.fit(train, toy_dijet_table(500, 1), tmp_path / "noisy", device="cpu")
    x = noisy._standardise(train)
    residuals = (noisy.decoder(noisy.mean_code(x), x[:, :0]) - x).detach()
    np.testing.assert_allclose(noisy.nets["residual"].std.numpy(), residuals.std(dim=0).numpy(), rtol=1e-5)
    plain = build_model("ae", FEATURES, hparams | {"residual_noise": False}, seed=1)
    plain.fit(train, toy_dijet_table(500, 1), tmp_path / "plain", device="cpu")
    assert (plain.nets["residual"].std == 0).all()
    # Same weights and latent draws: the noise is all that differs, and it spreads each feature.
    difference = noisy.sample(2000, seed=3) - plain.sample(2000, seed=3)
    assert (difference.std() > 0).all()
    noisy.save(tmp_path / "model.pt")
    assert load_model(tmp_path / "model.pt").sample(200, seed=3).equals(noisy.sample(200, seed=3))


@pytest.mark.parametrize(("kind", "net"), [("gan", "generator"), ("cfm", "field")])
def test_moving_average_of_the_weights_samples_and_survives_a_round_trip(kind, net, tmp_path):
    hparams = {"epochs": 3, "batch_size": 100, "lr": 2e-3, "ema_decay": 0.9} | TINY_NETWORKS[kind]
    model = build_model(kind, FEATURES, hparams, seed=1)
    history = model.fit(toy_dijet_table(1000, 0), toy_dijet_table(300, 1), tmp_path / "run", device="cpu")
    average = model.nets[f"{net}_ema"]
    # 10 steps per epoch, each followed by an update; the average comes back with the best epoch's weights.
    assert int(average.n_averaged) == 10 * (int(history["val_loss"].idxmin()) + 1)
    last, averaged = model.nets[net].state_dict(), average.module.state_dict()
    assert any(not torch.equal(last[name], averaged[name]) for name in last)
    trained = {
        id(p) for optimizer in model.optimizers.values() for group in optimizer.param_groups for p in group["params"]
    }
    assert trained.isdisjoint(id(p) for p in average.parameters())
    model.save(tmp_path / "model.pt")
    samples = model.sample(200, seed=3)
    assert load_model(tmp_path / "model.pt").sample(200, seed=3).equals(samples)
    del model.nets[f"{net}_ema"]  # without the average, the last step's weights sample: other events
    assert not model.sample(200, seed=3).equals(samples)
    with pytest.raises(InputError, match="ema_decay: 1.5 must be in"):
        build_model(kind, FEATURES, {"ema_decay": 1.5}, seed=1)


def test_the_moving_average_forgets_its_random_start_within_a_few_dozen_steps():
    net = torch.nn.Linear(1, 1, bias=False)
    torch.nn.init.zeros_(net.weight)
    average = moving_average(net, decay=0.999)
    average.update_parameters(net)  # the first update copies the start, a weight of 0
    torch.nn.init.ones_(net.weight)
    for _ in range(60):
        average.update_parameters(net)
    # A plain 0.999 average would still hold 94 % of its start (0.999 ** 60); the warmed-up one forgets it.
    assert average.module.weight.item() == pytest.approx(1.0, abs=1e-6)
    assert [round(ema_rate(0.999, n), 4) for n in (1, 1000, 10**6)] == [0.1818, 0.9911, 0.999]


def test_score_of_a_non_finite_event_is_an_input_error(trained):
    model, _ = trained
    events = toy_dijet_table(5, 3)
    events.loc[2, "mj1"] = np.nan
    with pytest.raises(InputError, match=r"^score: 1 event\(s\) with a non-finite value .* \(first: row 2\)"):
        model.score(events)
