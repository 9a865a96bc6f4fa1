import pandas as pd
import pytest

from dijetgen.errors import InputError
from dijetgen.splits import PARTS, background_events, split_table

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


SELECTION = {"min_pt": 1200.0, "max_abs_eta": 2.5}


def test_background_events_leave_signal_out():
    mixed = pd.DataFrame({"event": range(6), "label": [0, 1, 0, 1, 1, 0]})
    other = pd.DataFrame({"event": range(2), "label": [0, 0]})
    kept = background_events({"rnd": mixed, "qcd": other}, SELECTION)
    assert list(kept["event"]) == [0, 2, 5, 0, 1] and (kept["label"] == 0).all()


@pytest.mark.parametrize("labels", [[], [1, 1]])
def test_a_training_sample_without_background_names_the_sample_and_the_cut(labels):
    empty = pd.DataFrame({"event": range(len(labels)), "label": labels})
    with pytest.raises(InputError) as err:
        background_events({"qcd": table(5).assign(label=0), "soft": empty}, SELECTION)
    assert str(err.value).startswith("train_on: sample soft has no")
    assert "pT > 1200 GeV and |eta| < 2.5" in str(err.value)
