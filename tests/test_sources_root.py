import awkward as ak
import numpy as np
import pytest
import uproot

from dijetgen.errors import InputError
from dijetgen.sources import read_shard

COUNTS = [3, 1, 4, 2, 5]
BRANCHES = {"pt": "pt", "eta": "eta", "phi": "phi", "mass": "m"}


def kinematics(seed=0):
    rng = np.random.default_rng(seed)
    n = sum(COUNTS)
    flat = {
        "pt": rng.uniform(1, 500, n),
        "eta": rng.uniform(-3, 3, n),
        "phi": rng.uniform(-np.pi, np.pi, n),
        "m": rng.uniform(0.1, 5, n),
    }
    return {name: ak.unflatten(values, COUNTS) for name, values in flat.items()}


@pytest.fixture
def ttree_file(tmp_path):
    """A TTree written with mktree: jagged branches pt, eta, phi, m (uproot adds counters npt, ...)."""
    data = kinematics()
    path = str(tmp_path / "flat.root")
    with uproot.recreate(path) as f:
        f.mktree("events", {name: "var * float64" for name in data})
        f["events"].extend(data)
    return path, data


def sample(path, **extra):
    return {"source": "root", "path": path, "tree": "events", "branches": BRANCHES, "label": 1} | extra


def test_uproot_branch_names(ttree_file):
    path, _ = ttree_file
    assert set(uproot.open(path)["events"].keys()) == {"pt", "npt", "eta", "neta", "phi", "nphi", "m", "nm"}


@pytest.mark.parametrize("n_shards", [1, 2, 5])
def test_shards_concatenate_to_the_whole_tree(ttree_file, n_shards):
    path, data = ttree_file
    events = ak.concatenate([read_shard(sample(path), "sig", s, n_shards) for s in range(n_shards)])
    assert events.event.tolist() == list(range(len(COUNTS)))
    assert events.label.tolist() == [1] * len(COUNTS)
    for ours, theirs in (("pt", "pt"), ("eta", "eta"), ("phi", "phi"), ("mass", "m")):
        assert events.particles[ours].tolist() == data[theirs].tolist()


def test_events_cap_and_shard_ids(ttree_file):
    path, data = ttree_file
    shard = read_shard(sample(path, events=4), "sig", 1, 2)
    assert shard.event.tolist() == [2, 3]
    assert shard.particles.pt.tolist() == data["pt"][2:4].tolist()


def test_rntuple_written_by_assignment(tmp_path):
    # uproot >= 5.7 writes an RNTuple for `f[name] = {...}`; the reader takes it too.
    data = kinematics(1)
    path = str(tmp_path / "ntuple.root")
    with uproot.recreate(path) as f:
        f["events"] = data
    events = read_shard(sample(path), "sig", 0, 1)
    assert events.particles.mass.tolist() == data["m"].tolist()


def test_record_branches_written_by_mktree(tmp_path):
    # A zipped record `jet` becomes branches jet_pt, jet_eta, ... with one counter njet.
    data = kinematics(2)
    path = str(tmp_path / "records.root")
    with uproot.recreate(path) as f:
        f.mktree("events", {"jet": ak.zip(data).type})
        f["events"].extend({"jet": ak.zip(data)})
    assert set(uproot.open(path)["events"].keys()) == {"njet", "jet_pt", "jet_eta", "jet_phi", "jet_m"}
    branches = {"pt": "jet_pt", "eta": "jet_eta", "phi": "jet_phi", "mass": "jet_m"}
    events = read_shard(sample(path, branches=branches), "sig", 0, 1)
    assert events.particles.pt.tolist() == data["pt"].tolist()


def test_rntuple_record_fields(tmp_path):
    data = kinematics(2)
    path = str(tmp_path / "records.root")
    with uproot.recreate(path) as f:
        f["events"] = {"jet": ak.zip(data)}  # fields listed as jet.pt, jet.eta, ...
    branches = {"pt": "jet.pt", "eta": "jet.eta", "phi": "jet.phi"}
    events = read_shard(sample(path, branches=branches), "sig", 0, 1)
    assert events.particles.pt.tolist() == data["pt"].tolist()


def test_mass_from_energy_branch(tmp_path):
    data = kinematics(3)
    energy = np.sqrt((data["pt"] * np.cosh(data["eta"])) ** 2 + data["m"] ** 2)
    path = str(tmp_path / "energy.root")
    with uproot.recreate(path) as f:
        f.mktree("events", {name: "var * float64" for name in ("pt", "eta", "phi", "E")})
        f["events"].extend({"pt": data["pt"], "eta": data["eta"], "phi": data["phi"], "E": energy})
    branches = {"pt": "pt", "eta": "eta", "phi": "phi", "energy": "E"}
    events = read_shard(sample(path, branches=branches), "sig", 0, 1)
    np.testing.assert_allclose(ak.flatten(events.particles.mass), ak.flatten(data["m"]), rtol=1e-5)


def test_no_mass_or_energy_means_massless(ttree_file):
    path, _ = ttree_file
    events = read_shard(sample(path, branches={"pt": "pt", "eta": "eta", "phi": "phi"}), "sig", 0, 1)
    assert ak.all(events.particles.mass == 0)
    assert ak.num(events.particles).tolist() == COUNTS


def one_line_error(call):
    with pytest.raises(InputError) as err:
        call()
    assert "\n" not in str(err.value)
    return str(err.value)


def test_missing_tree(ttree_file):
    path, _ = ttree_file
    message = one_line_error(lambda: read_shard(sample(path, tree="Delphes"), "sig", 0, 1))
    assert path in message and "'Delphes'" in message and "events" in message


def test_missing_branch_is_named(ttree_file):
    path, _ = ttree_file
    branches = BRANCHES | {"phi": "Phi"}
    message = one_line_error(lambda: read_shard(sample(path, branches=branches), "sig", 0, 1))
    assert path in message and "'Phi'" in message and "samples.sig.branches" in message


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.root")
    assert path in one_line_error(lambda: read_shard(sample(path), "sig", 0, 1))


def test_not_a_root_file(tmp_path):
    path = tmp_path / "text.root"
    path.write_bytes(b"definitely not ROOT" * 10)
    assert str(path) in one_line_error(lambda: read_shard(sample(str(path)), "sig", 0, 1))


def test_more_shards_than_entries(ttree_file):
    path, _ = ttree_file
    assert "shard 0 of 6" in one_line_error(lambda: read_shard(sample(path), "sig", 0, 6))


def delphes_like(tmp_path, seed=4):
    """A tree of three Delphes-style collections, as uproot writes records (EFlowTrack_PT, ...), plus
    a generator-level Particle collection with Status and PID."""
    rng = np.random.default_rng(seed)

    def collection(counts, pt_name, extra=()):
        n = sum(counts)
        fields = {pt_name: rng.uniform(1, 300, n), "Eta": rng.uniform(-2, 2, n), "Phi": rng.uniform(-3, 3, n)}
        fields |= {name: values for name, values in extra}
        return ak.zip({name: ak.unflatten(values, counts) for name, values in fields.items()})

    data = {
        "EFlowTrack": collection([2, 1, 3], "PT"),
        "EFlowPhoton": collection([1, 0, 2], "ET"),
        "EFlowNeutralHadron": collection([0, 2, 1], "ET"),
        # Per event: a beam proton (status 4), a pi+ (1), a neutrino (1), a neutralino (1), a decayed Z (2).
        "Particle": collection(
            [5, 5, 5],
            "PT",
            [("Status", np.tile([4, 1, 1, 1, 2], 3)), ("PID", np.tile([2212, 211, 12, 1000022, 23], 3))],
        ),
    }
    path = str(tmp_path / "delphes.root")
    with uproot.recreate(path) as f:
        f.mktree("Delphes", {name: values.type for name, values in data.items()})
        f["Delphes"].extend(data)
    return path, data


def test_collections_are_concatenated_per_event(tmp_path):
    path, data = delphes_like(tmp_path)
    eflow = [
        {"pt": f"{name}_{pt}", "eta": f"{name}_Eta", "phi": f"{name}_Phi"}
        for name, pt in (("EFlowTrack", "PT"), ("EFlowPhoton", "ET"), ("EFlowNeutralHadron", "ET"))
    ]
    events = read_shard(sample(path, tree="Delphes", collections=eflow), "rnd", 1, 2)
    assert events.event.tolist() == [1, 2]
    for i, particles in zip((1, 2), events.particles):
        expected = np.concatenate(
            [data["EFlowTrack"].PT[i], data["EFlowPhoton"].ET[i], data["EFlowNeutralHadron"].ET[i]]
        )
        np.testing.assert_array_equal(particles.pt, expected)
    assert ak.all(events.particles.mass == 0)


def test_generator_collection_keeps_visible_final_state(tmp_path):
    path, data = delphes_like(tmp_path)
    particle = {"pt": "Particle_PT", "eta": "Particle_Eta", "phi": "Particle_Phi", "status": "Particle_Status"}
    particle |= {"pid": "Particle_PID"}
    events = read_shard(sample(path, tree="Delphes", collections=[particle]), "gen", 0, 1)
    # Only the pi+: the neutrino and the neutralino are invisible, the proton and the Z not final.
    assert events.particles.pt.tolist() == [[pt] for pt in data["Particle"].PT[:, 1].tolist()]
    with_neutrinos = read_shard(sample(path, tree="Delphes", collections=[particle], invisible=[]), "gen", 0, 1)
    assert ak.num(with_neutrinos.particles).tolist() == [3, 3, 3]
    beams = read_shard(sample(path, tree="Delphes", collections=[particle | {"keep_status": [4]}]), "gen", 0, 1)
    assert beams.particles.pt.tolist() == [[pt] for pt in data["Particle"].PT[:, 0].tolist()]


def test_missing_branch_of_a_collection_is_named(tmp_path):
    path, _ = delphes_like(tmp_path)
    bad = [
        {"pt": "EFlowTrack_PT", "eta": "EFlowTrack_Eta", "phi": "EFlowTrack_Phi"},
        {"pt": "Photon_ET", "eta": "x", "phi": "y"},
    ]
    message = one_line_error(lambda: read_shard(sample(path, tree="Delphes", collections=bad), "rnd", 0, 1))
    assert "'Photon_ET'" in message and "samples.rnd.collections[1]" in message
