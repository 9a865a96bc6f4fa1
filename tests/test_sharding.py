"""Shards and chunks cut a sample without changing it."""

import awkward as ak
import pytest
from conftest import random_lhco_rows, write_lhco

from dijetgen.errors import InputError
from dijetgen.events import iter_event_chunks, write_event_chunks
from dijetgen.sources import iter_shard, read_shard, sharding


def test_shard_ranges_tile_the_events():
    ranges = [sharding.shard_range(10, shard, 3, "samples.x") for shard in range(3)]
    assert ranges == [(0, 3), (3, 6), (6, 10)]


def test_more_shards_than_events_is_an_error_naming_the_key():
    with pytest.raises(InputError, match=r"samples.x.events: shard 0 of 4 would be empty \(3 events\)"):
        sharding.shard_range(3, 0, 4, "samples.x.events")


def test_chunked_reading_and_writing_give_the_same_events(tmp_path, monkeypatch):
    path = write_lhco(tmp_path / "rnd.h5", random_lhco_rows(11)[0])
    sample = {"source": "lhco", "path": path}
    whole = read_shard(sample, "rnd", 0, 1)
    monkeypatch.setattr(sharding, "CHUNK_EVENTS", 4)
    chunks = list(iter_shard(sample, "rnd", 0, 1))
    assert [len(chunk) for chunk in chunks] == [4, 4, 3]
    out = str(tmp_path / "events.parquet")
    write_event_chunks(iter(chunks), out, path)
    assert ak.array_equal(ak.concatenate(list(iter_event_chunks(out))), whole)
