import awkward as ak
import numpy as np
import pyhepmc
import pytest

from dijetgen.errors import InputError
from dijetgen.registry import DEFAULT_INVISIBLE
from dijetgen.sources import hepmc, read_shard


def visible(i):
    """(px, py, pz, m, pid) of the visible status-1 particles of event i."""
    return [(100.0 + i, 20.0, 50.0, 0.13957, 211), (-30.0, 40.0 + i, -10.0, 0.0, 22)]


def four_vector(px, py, pz, m, scale=1.0):
    e = np.sqrt(px**2 + py**2 + pz**2 + m**2)
    return pyhepmc.FourVector(px * scale, py * scale, pz * scale, e * scale)


def write_hepmc(path, n_events, units=pyhepmc.Units.GEV, extra=()):
    """Events of beams -> visible status-1 particles, a neutrino (pid 12) and a decayed Z (status 2),
    plus `extra` status-1 particles (px, py, pz, m, pid) in every event."""
    scale = 1000.0 if units == pyhepmc.Units.MEV else 1.0
    with pyhepmc.open(path, "w") as writer:
        for i in range(n_events):
            event = pyhepmc.GenEvent(units, pyhepmc.Units.MM)
            event.event_number = i
            vertex = pyhepmc.GenVertex()
            for pz in (6500.0, -6500.0):
                vertex.add_particle_in(pyhepmc.GenParticle(four_vector(0, 0, pz, 0, scale), 2212, 4))
            for px, py, pz, m, pid in visible(i):
                vertex.add_particle_out(pyhepmc.GenParticle(four_vector(px, py, pz, m, scale), pid, 1))
            vertex.add_particle_out(pyhepmc.GenParticle(four_vector(0, 300, 0, 0, scale), 12, 1))
            vertex.add_particle_out(pyhepmc.GenParticle(four_vector(0, -500, 10, 91.2, scale), 23, 2))
            for px, py, pz, m, pid in extra:
                vertex.add_particle_out(pyhepmc.GenParticle(four_vector(px, py, pz, m, scale), pid, 1))
            event.add_vertex(vertex)
            writer.write(event)
    return str(path)


def sample(path, **extra):
    return {"source": "hepmc", "path": path, "label": 0, "invisible": DEFAULT_INVISIBLE} | extra


@pytest.fixture
def hepmc_file(tmp_path):
    return write_hepmc(tmp_path / "events.hepmc", 5)


@pytest.mark.parametrize("n_shards", [1, 2, 5])
def test_shards_cover_the_file_with_visible_particles_only(hepmc_file, n_shards):
    events = ak.concatenate([read_shard(sample(hepmc_file), "h", s, n_shards) for s in range(n_shards)])
    assert events.event.tolist() == [0, 1, 2, 3, 4]
    assert ak.num(events.particles).tolist() == [2] * 5  # no neutrino, no status-2 Z, no beams
    for i, particles in enumerate(events.particles):
        px, py, pz, m, _ = np.array(visible(i)).T
        pt = np.hypot(px, py)
        np.testing.assert_allclose(particles.pt, pt, rtol=1e-12)
        np.testing.assert_allclose(particles.eta, np.arcsinh(pz / pt), rtol=1e-12)
        np.testing.assert_allclose(particles.phi, np.arctan2(py, px), rtol=1e-12)
        np.testing.assert_allclose(particles.mass, m, rtol=1e-6, atol=1e-6)


def test_events_cap_and_label(hepmc_file):
    shard = read_shard(sample(hepmc_file, events=3, label=1), "h", 1, 2)
    assert shard.event.tolist() == [1, 2]
    assert shard.label.tolist() == [1, 1]
    np.testing.assert_allclose(ak.to_numpy(shard.particles.pt[:, 0]), np.hypot([101.0, 102.0], 20.0))


def test_count_events(hepmc_file):
    assert hepmc.count_events(hepmc_file) == 5


def one_line_error(call):
    with pytest.raises(InputError) as err:
        call()
    assert "\n" not in str(err.value)
    return str(err.value)


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.hepmc")
    assert path in one_line_error(lambda: read_shard(sample(path), "h", 0, 1))


def test_file_without_events(tmp_path):
    path = tmp_path / "empty.hepmc"
    path.write_text("not a HepMC file\n")
    assert str(path) in one_line_error(lambda: read_shard(sample(str(path)), "h", 0, 1))


def test_more_shards_than_events(hepmc_file):
    assert "shard 0 of 6" in one_line_error(lambda: read_shard(sample(hepmc_file), "h", 0, 6))


def test_mev_units_are_converted_to_gev(tmp_path):
    path = write_hepmc(tmp_path / "mev.hepmc", 2, units=pyhepmc.Units.MEV)
    events = read_shard(sample(path), "h", 0, 1)
    np.testing.assert_allclose(events.particles.pt[0][0], np.hypot(100.0, 20.0), rtol=1e-9)


def test_damaged_event_is_an_input_error(hepmc_file):
    lines = open(hepmc_file).read().splitlines(keepends=True)
    first_particle_of_event_1 = [i for i, line in enumerate(lines) if line.startswith("P 3 ")][1]
    lines[first_particle_of_event_1] = "P 3 -1 211 garbage\n"
    open(hepmc_file, "w").writelines(lines)
    assert hepmc_file in one_line_error(lambda: read_shard(sample(hepmc_file), "h", 0, 1))


def test_invisible_ids_are_configurable(tmp_path):
    neutralino = (0.0, -200.0, 30.0, 100.0, 1000022)
    path = write_hepmc(tmp_path / "susy.hepmc", 2, extra=[neutralino])
    assert ak.num(read_shard(sample(path), "h", 0, 1).particles).tolist() == [2, 2]  # dropped by default
    only_neutrinos = read_shard(sample(path, invisible=[12, 14, 16]), "h", 0, 1)
    assert ak.num(only_neutrinos.particles).tolist() == [3, 3]
    np.testing.assert_allclose(only_neutrinos.particles.mass[:, 2], 100.0, rtol=1e-9)


def test_particle_along_the_beam_is_dropped_and_counted(tmp_path, caplog):
    path = write_hepmc(tmp_path / "beam.hepmc", 3, extra=[(0.0, 0.0, 40.0, 0.0, 22)])
    with caplog.at_level("INFO"):
        events = read_shard(sample(path), "h", 0, 1)
    assert ak.num(events.particles).tolist() == [2, 2, 2]
    assert f"{path}: dropped 3 visible particles with pT = 0" in caplog.text


def test_a_shard_parses_only_its_own_events(hepmc_file):
    # Event 1 is damaged: the shard that holds it fails, the one after it never parses it.
    lines = open(hepmc_file).read().splitlines(keepends=True)
    lines[[i for i, line in enumerate(lines) if line.startswith("P 3 ")][1]] = "P 3 -1 211 garbage\n"
    open(hepmc_file, "w").writelines(lines)
    assert "event 1 cannot be parsed" in one_line_error(lambda: read_shard(sample(hepmc_file), "h", 0, 2))
    assert read_shard(sample(hepmc_file), "h", 1, 2).event.tolist() == [2, 3, 4]
