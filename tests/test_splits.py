import pandas as pd
import pytest

from dijetgen.errors import InputError
from dijetgen.splits import PARTS, split_table

FRACTIONS = {"train": 0.6, "val": 0.2, "test": 0.2}


def table(n=1001):
    return pd.DataFrame({"event": range(n), "x": [i * 0.5 for i in range(n)]})


def test_fractions_are_respected_and_parts_partition_the_table():
    parts = split_table(table(), FRACTIONS, seed=42)
    assert [len(parts[name]) for name in PARTS] == [601, 200, 200]
    events = pd.concat([parts[name]["event"] for name in PARTS])
    assert sorted(events) == list(range(1001))
    for part in parts.values():
        assert part["event"].is_monotonic_increasing and part.index.equals(pd.RangeIndex(len(part)))


def test_seeded():
    first, again = split_table(table(), FRACTIONS, seed=42), split_table(table(), FRACTIONS, seed=42)
    other = split_table(table(), FRACTIONS, seed=43)
    assert all(first[name].equals(again[name]) for name in PARTS)
    assert not first["train"].equals(other["train"])


def test_zero_fraction_gives_an_empty_part():
    parts = split_table(table(10), {"train": 0.5, "val": 0.5, "test": 0.0}, seed=1)
    assert [len(parts[name]) for name in PARTS] == [5, 5, 0]


@pytest.mark.parametrize("fractions", [{"train": 0.6, "val": 0.2, "test": 0.3}, {"train": 1.2, "val": -0.2, "test": 0}])
def test_bad_fractions_are_an_input_error(fractions):
    with pytest.raises(InputError, match="split: fractions"):
        split_table(table(), fractions, seed=1)
