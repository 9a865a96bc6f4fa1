import awkward as ak
import pytest

from dijetgen.errors import InputError
from dijetgen.events import check_events
from dijetgen.sources import pythia, read_shard

QCD = {"source": "pythia", "process": "qcd", "events": 20, "seed": 7, "label": 0, "pthat_min": 1000.0}


@pytest.fixture(scope="module")
def qcd_events():
    return read_shard(QCD, "qcd", 0, 1)


def test_shard_seed_is_deterministic_distinct_and_in_range():
    seeds = [pythia.shard_seed(42, shard) for shard in range(1000)]
    assert seeds == [pythia.shard_seed(42, shard) for shard in range(1000)]
    assert len(set(seeds)) == len(seeds)
    assert all(isinstance(s, int) and 1 <= s <= 900_000_000 for s in seeds)
    assert pythia.shard_seed(43, 0) != pythia.shard_seed(42, 0)


def test_same_seed_same_events(qcd_events):
    assert ak.array_equal(read_shard(QCD, "qcd", 0, 1), qcd_events)


def test_different_seed_different_events(qcd_events):
    assert not ak.array_equal(read_shard(QCD | {"seed": 8}, "qcd", 0, 1), qcd_events)


def test_qcd_events_are_hard_visible_and_well_formed(qcd_events):
    assert len(qcd_events) == 20
    assert qcd_events.event.tolist() == list(range(20))
    assert ak.all(qcd_events.label == 0)
    check_events(qcd_events, "pythia")  # finite and non-empty
    assert ak.all(qcd_events.particles.mass >= 0)
    # pTHatMin = 1000 GeV: two partons above 1 TeV, so well over 1 TeV of visible scalar pT.
    assert ak.all(ak.sum(qcd_events.particles.pt, axis=1) > 1000)


def test_second_shard_has_its_own_ids_and_stream(qcd_events):
    shard = read_shard(QCD | {"events": 40}, "qcd", 1, 2)
    assert shard.event.tolist() == list(range(20, 40))
    assert not ak.array_equal(shard.particles, qcd_events.particles)


def test_process_settings_wprime_masses():
    sample = {"process": "wprime", "masses": {"wprime": 3000.0, "x": 400.0, "y": 80.0}, "wprime_window": 750.0}
    settings = pythia.process_settings(sample)
    assert "34:m0 = 3000.0" in settings
    assert "34:mMin = 2250.0" in settings and "34:mMax = 3750.0" in settings
    x_line = next(s for s in settings if s.startswith("9000001:all"))
    y_line = next(s for s in settings if s.startswith("9000002:all"))
    assert x_line.split()[7] == "400.0" and y_line.split()[7] == "80.0"  # after name antiName spin charge colour
    assert not any("HardQCD" in s for s in settings)


def test_process_settings_qcd():
    assert pythia.process_settings(QCD) == ["HardQCD:all = on", "PhaseSpace:pTHatMin = 1000.0"]


def test_mhat_window_bounds_the_hard_process_mass():
    sample = QCD | {"mhat_window": [3000.0, 3400.0]}
    assert pythia.process_settings(sample)[2:] == ["PhaseSpace:mHatMin = 3000.0", "PhaseSpace:mHatMax = 3400.0"]
    generator = pythia.make_pythia(pythia.process_settings(sample), 5, "samples.qcd")
    masses = []
    for _ in range(20):
        assert generator.next()
        masses.append(generator.infoPython().mHat())
    assert 3000.0 <= min(masses) and max(masses) <= 3400.0


def test_wprime_settings_are_accepted_by_pythia():
    sample = {
        "source": "pythia",
        "process": "wprime",
        "events": 2,
        "seed": 1,
        "label": 1,
        "masses": {"wprime": 3500.0, "x": 500.0, "y": 100.0},
        "wprime_window": 875.0,
    }
    events = read_shard(sample, "wprime", 0, 1)
    assert events.label.tolist() == [1, 1]
    check_events(events, "pythia")


def test_bad_setting_is_an_input_error_naming_the_sample():
    with pytest.raises(InputError, match="samples.odd: Pythia rejected the setting 'Nonsense:flag = on'"):
        pythia.make_pythia(["Nonsense:flag = on"], seed=1, where="samples.odd")


def test_visibility_follows_pythias_particle_data():
    import pythia8mc

    # A hand-written batch: pi+, nu_e, neutralino, photon, dark-matter fermion (52), a decayed Z (status < 0).
    ids, statuses = [211, 12, 1000022, 22, -52, 23], [1, 1, 1, 1, 1, -62]
    batch = ak.Array({"prt": [[{"id": i, "status": s} for i, s in zip(ids, statuses)]]})
    kept = pythia.visible_final_state(batch, pythia8mc.Pythia("", False).particleData)
    assert kept.id.tolist() == [[211, 22]]
