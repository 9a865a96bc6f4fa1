"""The LHC Olympics 2020 R&D format: a pandas HDF5 table (fixed format, as the R&D files; or pandas'
format="table", as users often write their own events), one event per row.

Columns 0..2099 hold 700 particles as (pT, eta, phi), zero-padded and unsorted; column 2100 is the truth
label. Each shard reads only its own row range, so no job ever holds the 17 GB file.
"""

import os
from collections.abc import Iterator

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.errors import InputError
from dijetgen.events import make_events
from dijetgen.sources.sharding import chunk_ranges, shard_range

N_COLUMNS = 2101


def _open(path: str) -> pd.HDFStore:
    if not os.path.exists(path):
        raise InputError(f"{path}: file not found")
    try:
        return pd.HDFStore(path, mode="r")
    except Exception as err:  # PyTables raises several unrelated types for damaged files
        raise InputError(f"{path}: not a readable HDF5 file ({type(err).__name__})") from err


def _single_key(store: pd.HDFStore, path: str) -> str:
    keys = store.keys()
    if len(keys) != 1:
        raise InputError(f"{path}: expected exactly one table in the file, found {len(keys)} ({keys})")
    return keys[0]


def count_events(path: str) -> int:
    with _open(path) as store:
        return _table_shape(store, _single_key(store, path), path)[0]


def _table_shape(store: pd.HDFStore, key: str, path: str) -> tuple[int, int]:
    storer = store.get_storer(key)
    if storer.is_table:  # pandas' format="table": rows and column names are in the storer's metadata
        n_rows, n_cols = storer.nrows, len(storer.non_index_axes[0][1])
    else:
        # A fixed-format frame stores its columns as axis0 and its row index as axis1; shapes need no read.
        n_rows, n_cols = storer.group.axis1.shape[0], storer.group.axis0.shape[0]
    if n_cols != N_COLUMNS:
        raise InputError(f"{path}: expected {N_COLUMNS} columns (700 particles x 3 + label), found {n_cols}")
    return n_rows, n_cols


def rows_to_events(values: np.ndarray, first_event: int) -> ak.Array:
    """Turn zero-padded (pT, eta, phi) rows into jagged massless particles, dropping the padding."""
    particles = values[:, : N_COLUMNS - 1].reshape(len(values), -1, 3)
    present = particles[:, :, 0] > 0
    counts = present.sum(axis=1)
    # Contiguous columns: Arrow cannot write strided buffers.
    pt, eta, phi = np.ascontiguousarray(particles[present].T)
    jagged = [ak.unflatten(values, counts) for values in (pt, eta, phi)]
    return make_events(
        *jagged,
        ak.unflatten(np.zeros(len(pt)), counts),
        event=np.arange(first_event, first_event + len(values)),
        label=np.ascontiguousarray(values[:, N_COLUMNS - 1]),
    )


def _single_float_block(store: pd.HDFStore, key: str):
    """The table's values as one row-major float64 HDF5 array in column order (as the R&D files hold
    them), or None for any other layout."""
    storer = store.get_storer(key)
    group = storer.group
    if storer.is_table or storer.nblocks != 1:
        return None
    block = group.block0_values
    # pandas stores a block row-major, (rows, columns), when it marks it `transposed`.
    row_major = getattr(block._v_attrs, "transposed", False) and block.dtype == np.float64
    return block if row_major and np.array_equal(group.block0_items[:], group.axis0[:]) else None


def _read_rows(store: pd.HDFStore, key: str, path: str, start: int, stop: int) -> np.ndarray:
    try:
        # Reading the HDF5 array directly is 25x cheaper than building and transposing a DataFrame.
        block = _single_float_block(store, key)
        if block is not None:
            values = block[start:stop]
        else:
            values = store.select(key, start=start, stop=stop).to_numpy(dtype=np.float64)
    except Exception as err:
        raise InputError(f"{path}: cannot read rows {start}-{stop} ({type(err).__name__}: {err})") from err
    if not np.isfinite(values).all():
        row = int(np.flatnonzero(~np.isfinite(values).all(axis=1))[0])
        raise InputError(f"{path}: non-finite value in event {start + row}")
    return values


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    path = sample["path"]
    with _open(path) as store:
        key = _single_key(store, path)
        n_rows, _ = _table_shape(store, key, path)
        n_events = min(n_rows, sample.get("events") or n_rows)
        start, stop = shard_range(n_events, shard, n_shards, f"samples.{name}")
        for first, last in chunk_ranges(start, stop):
            yield rows_to_events(_read_rows(store, key, path, first, last), first)
