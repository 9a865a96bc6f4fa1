import numpy as np
import pandas as pd
import pytest
from helpers import FEATURES, TINY_NETWORKS

from dijetgen.errors import InputError
from dijetgen.models import build_model
from dijetgen.toy import toy_dijet_table


@pytest.fixture(scope="module")
def one_dimensional(tmp_path_factory):
    """A cfm of etaj1 alone (a unit Gaussian in the toy), so its density can be integrated on a grid."""
    model = build_model("cfm", ["etaj1"], {"hidden": [32, 32], "epochs": 6, "batch_size": 64, "lr": 3e-3}, seed=2)
    history = model.fit(toy_dijet_table(1500, 0), toy_dijet_table(400, 1), tmp_path_factory.mktemp("cfm"), "cpu")
    return model, history


def test_flow_matching_loss_goes_down(one_dimensional):
    _, history = one_dimensional
    assert history["fm"].iloc[-1] < history["fm"].iloc[0]
    assert history["val_loss"].min() < history["val_loss"].iloc[0]


def test_minus_log_density_integrates_to_one(one_dimensional):
    """exp(-score) is the density of the physical feature; a sign slip in the divergence term breaks this."""
    model, _ = one_dimensional
    mean, std = model.transform.mean[0], model.transform.std[0]
    z = np.linspace(-8, 8, 801)
    # p(z) = p(x) dx/dz on the standardised grid x = mean + std * z.
    density = np.exp(-model.score(pd.DataFrame({"etaj1": mean + std * z}))) * std
    assert np.trapezoid(density, z) == pytest.approx(1.0, abs=0.005)
    # Trained towards the standardised toy's unit Gaussian, the density has about its mean and width.
    mean = np.trapezoid(density * z, z)
    assert abs(mean) < 0.2
    assert np.sqrt(np.trapezoid(density * (z - mean) ** 2, z)) == pytest.approx(1.0, abs=0.15)


def test_score_is_higher_far_from_the_training_data(tmp_path):
    model = build_model("cfm", FEATURES, TINY_NETWORKS["cfm"] | {"epochs": 4, "batch_size": 128, "lr": 2e-3}, seed=1)
    model.fit(toy_dijet_table(2000, 0), toy_dijet_table(500, 1), tmp_path, device="cpu")
    near = toy_dijet_table(200, 2)
    far = near.assign(mj1=near["mj1"] * 8, etaj2=near["etaj2"] + 4, tau21j2=1 - near["tau21j2"])
    near_score, far_score = model.score(near), model.score(far)
    assert np.isfinite(near_score).all() and np.isfinite(far_score).all()
    assert np.median(far_score) > np.median(near_score) + 5


def test_fixed_grid_solver_agrees_with_the_adaptive_one(one_dimensional):
    model, _ = one_dimensional
    rk4 = build_model("cfm", ["etaj1"], model.hparams | {"solver": "rk4", "steps": 40}, seed=2)
    rk4.transform = model.transform
    rk4.nets["field"].load_state_dict(model.nets["field"].state_dict())
    np.testing.assert_allclose(rk4.sample(300, seed=4)["etaj1"], model.sample(300, seed=4)["etaj1"], atol=1e-3)


def test_unknown_solver_is_an_input_error():
    with pytest.raises(InputError, match="solver: 'leapfrog' is not one of dopri5"):
        build_model("cfm", FEATURES, {"solver": "leapfrog"}, seed=0)
