import math

import numpy as np
import pandas as pd
import pytest

from dijetgen.hyperparameters import resolve
from dijetgen.replicas import (
    ensemble_events,
    model_replicas,
    replica_seed,
    replica_seeds,
    replica_spread,
    training_hparams,
    trainings_behind,
)


def test_replica_zero_is_the_plain_model_and_seeds_are_distinct_and_stable():
    seeds = replica_seeds(42, 5)
    assert seeds[0] == 42 and len(set(seeds)) == 5
    assert replica_seeds(42, 3) == seeds[:3]  # adding replicas keeps the others' seeds
    assert replica_seed(7, 2) != replica_seed(42, 2) and all(0 <= s < 2**31 for s in seeds)


def test_density_replicas_inside_search_repeats_never_share_a_seed():
    # The search's repeat r trains with replica_seed(seed, r), its density replica k with a seed derived from
    # that; with one hash for both levels, replica k of repeat 0 would be repeat k's own training.
    seeds = [
        replica_seed(replica_seed(42, repeat), replica, level="density_replica")
        for repeat in range(10)
        for replica in range(10)
    ]
    assert len(set(seeds)) == len(seeds)


def config(replicas, **models):
    return {"seed": 42, "replicas": replicas, "models": {"flow": {"kind": "flow"}} | models}


def test_one_replica_keeps_the_plain_models_name_folder_and_seed():
    (flow,) = model_replicas(config(1))["flow"]
    assert (flow.name, flow.training, flow.seed) == ("flow", "flow", 42)
    assert trainings_behind(model_replicas(config(1)), "flow") == ["flow"]


def test_replicas_train_beside_the_plain_model_and_the_models_name_is_their_ensemble():
    replicas = model_replicas(config(3, cfm={"kind": "cfm", "replicas": 1}))
    assert [r.name for r in replicas["flow"]] == ["flow/replica0", "flow/replica1", "flow/replica2"]
    # Replica 0 is the plain model's training, so going from 1 to K replicas trains only the new ones.
    assert [r.training for r in replicas["flow"]] == ["flow", "flow/replica1", "flow/replica2"]
    assert [r.seed for r in replicas["flow"]] == replica_seeds(42, 3)
    assert [r.name for r in replicas["cfm"]] == ["cfm"]  # the entry's own count wins
    assert trainings_behind(replicas, "flow") == ["flow", "flow/replica1", "flow/replica2"]
    assert trainings_behind(replicas, "flow/replica1") == ["flow/replica1"]
    assert model_replicas(config(4))["flow"][:3] == replicas["flow"]  # adding a replica changes no other


def test_the_replica_count_is_no_hyperparameter_of_a_training():
    entry = {"kind": "flow", "epochs": 2, "replicas": 3}
    assert training_hparams(entry) == {"kind": "flow", "epochs": 2}
    assert "replicas" not in resolve("flow", entry)


def test_the_ensemble_takes_each_event_from_one_replica_evenly_and_keeps_its_row():
    samples = [pd.DataFrame({"x": np.full(10, float(r)), "mjj": np.arange(10.0)}) for r in range(3)]
    events = ensemble_events(samples, seed=1)
    assert list(events["mjj"]) == list(range(10))  # row i keeps the condition value of row i
    assert sorted(np.bincount(events["x"].astype(int))) == [3, 3, 4]
    assert events.equals(ensemble_events(samples, seed=1)) and not events.equals(ensemble_events(samples, seed=2))
    with pytest.raises(ValueError, match="unequal lengths"):
        ensemble_events([samples[0], samples[1].iloc[:5]], seed=1)


def row(auc, w1, fpd, active_units=math.nan):
    return {"classifier_auc": auc, "median_w1_ratio": w1, "fpd": fpd, "active_units": active_units, "kl_per_dim": 0.5}


def test_the_summary_row_gains_the_spread_over_replicas():
    spread = replica_spread(row(0.51, 1.1, 0.2), [row(0.52, 1.0, 0.1, 3), row(0.54, 1.4, 0.3, 5)])
    assert spread["replicas"] == 2 and spread["classifier_auc"] == 0.51  # the ensemble's own value stays
    assert spread["classifier_auc_replica_mean"] == pytest.approx(0.53)
    assert spread["classifier_auc_replica_std"] == pytest.approx(np.std([0.52, 0.54], ddof=1))
    assert spread["fpd_replica_std"] == pytest.approx(np.std([0.1, 0.3], ddof=1))
    assert spread["active_units"] == 4 and spread["kl_per_dim"] == 0.5  # an ensemble has its replicas' mean
    single = replica_spread(row(0.51, 1.1, 0.2, 3), [row(0.51, 1.1, 0.2, 3)])
    assert single["replicas"] == 1 and math.isnan(single["median_w1_ratio_replica_std"])
