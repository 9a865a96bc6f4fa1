import os

import awkward as ak
import numpy as np
import pandas as pd
import pytest
from conftest import lhco_rows, write_lhco

from dijetgen.errors import InputError
from dijetgen.sources import lhco, read_shard
from dijetgen.sources.sharding import shard_range


def read(path, shard=0, n_shards=1, **sample):
    return read_shard({"source": "lhco", "path": path} | sample, "bg", shard, n_shards)


def assert_one_line_input_error(call, *needles):
    with pytest.raises(InputError) as err:
        call()
    message = str(err.value)
    assert "\n" not in message
    for needle in needles:
        assert needle in message, message
    return message


@pytest.mark.parametrize("n_shards", [1, 3, 5])
def test_shards_concatenate_to_the_whole_file(lhco_file, n_shards):
    path, rows, particles = lhco_file
    events = ak.concatenate([read(path, s, n_shards) for s in range(n_shards)])
    assert events.event.tolist() == list(range(len(rows)))
    assert events.label.tolist() == rows[:, -1].astype(int).tolist()
    for got, want in zip(events.particles, particles):
        # Padding dropped, particle order kept, massless.
        np.testing.assert_array_equal(np.column_stack([got.pt, got.eta, got.phi]), want)
        assert ak.all(got.mass == 0)


def test_event_ids_are_row_indices(lhco_file):
    path, rows, _ = lhco_file
    shard = read(path, 2, 3)  # rows 8..11
    assert shard.event.tolist() == [8, 9, 10, 11]
    assert ak.num(shard.particles).tolist() == [np.count_nonzero(r[:-1]) // 3 for r in rows[8:]]


def test_padding_is_dropped_wherever_it_is(tmp_path):
    row = np.zeros(lhco.N_COLUMNS)
    row[[0, 1, 2]] = [10.0, 0.5, 1.0]
    row[[30, 31, 32]] = [20.0, -0.5, -1.0]  # a particle after a gap of padding
    row[-1] = 1
    events = read(write_lhco(tmp_path / "gap.h5", row[None, :]))
    assert events.particles.pt.tolist() == [[10.0, 20.0]]
    assert events.particles.eta.tolist() == [[0.5, -0.5]]
    assert events.label.tolist() == [1]


def test_events_cap_limits_what_is_split(lhco_file):
    path, _, _ = lhco_file
    shards = [read(path, s, 2, events=5) for s in range(2)]
    assert [s.event.tolist() for s in shards] == [[0, 1], [2, 3, 4]]
    assert len(read(path, events=100)) == 12  # a cap above the file size reads everything
    assert lhco.count_events(path) == 12


def test_missing_file(tmp_path):
    path = str(tmp_path / "nope.h5")
    assert_one_line_input_error(lambda: read(path), path, "not found")


@pytest.mark.parametrize("n_columns", [2100, 2102])
def test_wrong_column_count(tmp_path, n_columns):
    path = write_lhco(tmp_path / "bad.h5", np.ones((3, n_columns)))
    assert_one_line_input_error(lambda: read(path), path, "2101", str(n_columns))


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_value_names_the_event(tmp_path, bad):
    rows = lhco_rows([np.array([[100.0, 0.1, 0.2]])] * 4, labels=0)
    rows[2, 1] = bad
    path = write_lhco(tmp_path / "nan.h5", rows)
    assert_one_line_input_error(lambda: read(path), path, "event 2")
    # The same row seen from a later shard keeps its file index.
    assert_one_line_input_error(lambda: read(path, 1, 2), path, "event 2")


def test_truncated_file(lhco_file, tmp_path):
    path, _, _ = lhco_file
    data = open(path, "rb").read()
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(data[: len(data) // 2])
    assert_one_line_input_error(lambda: read(str(truncated)), str(truncated))


def test_not_hdf5(tmp_path):
    path = tmp_path / "text.h5"
    path.write_text("pt,eta,phi\n1,2,3\n")
    assert_one_line_input_error(lambda: read(str(path)), str(path), "HDF5")


def test_more_than_one_table(tmp_path):
    path = write_lhco(tmp_path / "two.h5", np.ones((2, lhco.N_COLUMNS)))
    pd.DataFrame(np.ones((2, 3))).to_hdf(path, key="other", format="fixed")
    assert_one_line_input_error(lambda: read(path), path, "one table")


def test_more_shards_than_events(lhco_file):
    path, _, _ = lhco_file
    message = assert_one_line_input_error(lambda: read(path, 0, 13), "samples.bg", "shard 0 of 13")
    assert "12 events" in message


def test_unknown_source_is_named():
    with pytest.raises(InputError, match=r"samples\.x\.source: unknown source 'delphes'"):
        read_shard({"source": "delphes"}, "x", 0, 1)


@pytest.mark.parametrize("n_events", [1, 7, 100])
@pytest.mark.parametrize("n_shards", [1, 3, 7])
def test_shard_ranges_tile_the_events(n_events, n_shards):
    if n_shards > n_events:
        with pytest.raises(InputError):
            shard_range(n_events, 0, n_shards, "here")
        return
    ranges = [shard_range(n_events, s, n_shards, "here") for s in range(n_shards)]
    assert ranges[0][0] == 0 and ranges[-1][1] == n_events
    assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
    sizes = [stop - start for start, stop in ranges]
    assert max(sizes) - min(sizes) <= 1


def test_fixture_file_is_in_the_lhco_layout(lhco_file):
    # Guard the helper itself: 2101 float64 columns named 0..2100 under key "df".
    path, rows, _ = lhco_file
    frame = pd.read_hdf(path, key="df")
    assert list(frame.columns) == list(range(2101))
    assert (frame.dtypes == np.float64).all()
    np.testing.assert_array_equal(frame.to_numpy(), rows)
    assert os.path.getsize(path) > 0


def test_table_with_an_int_label_column_reads_the_same_events(lhco_file, tmp_path):
    # Two blocks (float particles, int label) are not the R&D files' single float block: such a table is
    # read through pandas and must give the same events.
    path, rows, _ = lhco_file
    frame = pd.DataFrame(rows)
    frame[2100] = frame[2100].astype(np.int64)
    frame.to_hdf(tmp_path / "int_label.h5", key="df", format="fixed")
    assert ak.array_equal(read(str(tmp_path / "int_label.h5"), 1, 2), read(path)[len(rows) // 2 :])


def test_table_format_file_reads_the_same_events_by_row_range(lhco_file, tmp_path):
    # pandas' format="table" is how many users write their own events; each shard selects its rows.
    path, rows, _ = lhco_file
    pd.DataFrame(rows, columns=range(rows.shape[1])).to_hdf(tmp_path / "table.h5", key="df", format="table")
    table_path = str(tmp_path / "table.h5")
    assert lhco.count_events(table_path) == len(rows)
    assert ak.array_equal(ak.concatenate([read(table_path, s, 3) for s in range(3)]), read(path))
