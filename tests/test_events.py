import awkward as ak
import numpy as np
import pytest

from dijetgen.errors import InputError
from dijetgen.events import (
    cartesian_to_collider,
    check_events,
    iter_event_chunks,
    make_events,
    read_events,
    write_event_chunks,
)


def three_events(event=(7, 8, 9)):
    pt = ak.Array([[100.0, 50.0], [30.0], [20.0, 10.0, 5.0]])
    return make_events(pt, pt * 0 + 0.5, pt * 0 - 1.0, pt * 0, event=np.array(event), label=[0, 1, 0])


def test_make_events_layout_and_dtypes():
    pt = ak.values_astype(ak.Array([[100.0, 50.0], [30.0]]), np.float32)
    events = make_events(pt, pt, pt, pt, event=[3, 4], label=np.array([1.0, 0.0]))
    assert events.fields == ["event", "label", "particles"]
    assert events.particles.fields == ["pt", "eta", "phi", "mass"]
    assert str(events.type) == (
        "2 * {event: int64, label: int8, particles: var * {pt: float64, eta: float64, phi: float64, mass: float64}}"
    )
    assert events.event.tolist() == [3, 4]
    assert events.label.tolist() == [1, 0]
    assert events.particles.pt.tolist() == [[100.0, 50.0], [30.0]]


def test_events_parquet_round_trip_keeps_chunks(tmp_path):
    chunks = [three_events(), three_events(event=(10, 11, 12))]
    path = tmp_path / "sub" / "0.parquet"
    assert write_event_chunks(iter(chunks), str(path), "test") == 6
    assert ak.array_equal(read_events(str(path)), ak.concatenate(chunks))
    assert [chunk.event.tolist() for chunk in iter_event_chunks(str(path))] == [[7, 8, 9], [10, 11, 12]]
    assert not (tmp_path / "sub" / "0.parquet.tmp").exists()


def test_a_bad_chunk_leaves_no_file(tmp_path):
    bad = three_events(event=(10, 11, 12))
    bad = ak.with_field(bad, bad.particles.pt * np.nan, ["particles", "pt"])
    path = tmp_path / "0.parquet"
    with pytest.raises(InputError, match="non-finite particle pt in event 10"):
        write_event_chunks(iter([three_events(), bad]), str(path), "src.h5")
    assert list(tmp_path.iterdir()) == []


def test_check_events_accepts_good_events():
    check_events(three_events(), "good.h5")


@pytest.mark.parametrize("field", ["pt", "eta", "phi", "mass"])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_check_events_rejects_non_finite(field, bad):
    events = three_events()
    flat = ak.to_numpy(ak.flatten(events.particles[field])).copy()
    flat[4] = bad  # second particle of the third event (id 9)
    particles = ak.with_field(events.particles, ak.unflatten(flat, ak.num(events.particles)), field)
    events = ak.with_field(events, particles, "particles")
    with pytest.raises(InputError) as err:
        check_events(events, "some/file.h5")
    message = str(err.value)
    assert "some/file.h5" in message and "event 9" in message and field in message
    assert "\n" not in message


def test_check_events_rejects_empty_event():
    pt = ak.Array([[100.0], [], [20.0]])
    events = make_events(pt, pt, pt, pt, event=[10, 11, 12], label=[0, 0, 0])
    with pytest.raises(InputError, match=r"^samples\.qcd: event 11 has no particles") as err:
        check_events(events, "samples.qcd")
    assert "\n" not in str(err.value)


def test_cartesian_to_collider_known_values():
    pt, eta, phi, mass = cartesian_to_collider(np.array([3.0]), np.array([4.0]), np.array([0.0]), np.array([13.0]))
    np.testing.assert_allclose([pt[0], eta[0], phi[0], mass[0]], [5.0, 0.0, np.arctan2(4, 3), 12.0])
    # Off-shell by rounding: mass is clipped to 0, not NaN.
    assert cartesian_to_collider(1.0, 0.0, 0.0, 1.0 - 1e-12)[3] == 0.0


def test_cartesian_to_collider_round_trip_numpy_and_awkward():
    rng = np.random.default_rng(3)
    pt, eta = rng.uniform(1, 1000, 50), rng.uniform(-4, 4, 50)
    phi, mass = rng.uniform(-np.pi, np.pi, 50), rng.uniform(1, 50, 50)
    px, py, pz = pt * np.cos(phi), pt * np.sin(phi), pt * np.sinh(eta)
    e = np.sqrt((pt * np.cosh(eta)) ** 2 + mass**2)
    for back in (
        cartesian_to_collider(px, py, pz, e),
        [ak.flatten(v) for v in cartesian_to_collider(*(ak.unflatten(v, [20, 0, 30]) for v in (px, py, pz, e)))],
    ):
        np.testing.assert_allclose(back[0], pt, rtol=1e-12)
        np.testing.assert_allclose(back[1], eta, rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(back[2], phi, rtol=1e-12)
        np.testing.assert_allclose(back[3], mass, rtol=1e-6, atol=1e-6)
