"""The constituents of j1 and j2 relative to their jet axis: the particle layer's file contract.

results/constituents/{sample}/{shard}.parquet holds one row per selected event, in the jet table's order::

    {event: int64, label: int8, j1: var * {pt_rel, deta, dphi: float32}, j2: (the same)}

pt_rel = pT / pT of the jet, deta = eta - eta of the jet, dphi = phi - phi of the jet wrapped to (-pi, pi], each
jet's particles by decreasing pT and at most `cap` of them. Summing the massless particles (pt_rel * ptj,
deta + etaj, dphi + phij) rebuilds the jet's momentum. Its energy and mass only for massless inputs, as
the LHCO files are: Pythia's hadrons keep their mass in the jet (the E-scheme sum), which the file drops, so
the jet mass rebuilt from Pythia constituents is lower than mj (by 4.5% in the median QCD jet, up to 23%;
tests/test_constituents.py). Data and generated particles are compared as massless alike.

The cap keeps the file rectangular enough to pad: at pT-hat 1 TeV a QCD jet has about 95 constituents, at
most about 290, and its 100 hardest keep all of its mass (the 30 of JetNet30 only 61%).
"""

import awkward as ak
import numpy as np
import pandas as pd

from dijetgen.atomic import write_atomic
from dijetgen.clouds import FIELDS, PARTICLE_CONDITION, ParticleJets
from dijetgen.columns import efp_names
from dijetgen.efp import efps
from dijetgen.errors import InputError
from dijetgen.events import cartesian_to_collider

JETS = ("j1", "j2")


def jet_conditions(table: pd.DataFrame) -> pd.DataFrame:
    """The PARTICLE_CONDITION columns of j1 of every event of a feature table, then of j2 of every event."""
    return pd.concat(
        [
            pd.DataFrame(
                {
                    name: table[f"{column}{jet}"].to_numpy()
                    for name, column in zip(PARTICLE_CONDITION[:3], ("pt", "eta", "m"))
                }
            ).assign(nconst=table[f"nconst_{jet}"].to_numpy())
            for jet in JETS
        ],
        ignore_index=True,
    )


def particle_jets(table: pd.DataFrame, rows: ak.Array, cap: int) -> ParticleJets:
    """j1 of every event of a feature table, then j2 of every event, with their constituent `rows` (in the
    table's order, as `matching_events` gives them)."""
    parts = [padded(rows[jet], cap) for jet in JETS]
    return ParticleJets(
        jet_conditions(table), np.concatenate([v for v, _ in parts]), np.concatenate([m for _, m in parts])
    )


def generated_events(samples: pd.DataFrame) -> pd.DataFrame:
    """A jet-level model's generated events as the jets a particle model is conditioned on: numbered 0..n-1
    (`event`), background (`label` 0), and each jet's multiplicity a whole number of at least one particle."""
    events = samples.assign(event=np.arange(len(samples)), label=0)
    for jet in JETS:
        events[f"nconst_{jet}"] = np.maximum(np.rint(samples[f"nconst_{jet}"].to_numpy()), 1).astype(np.int64)
    return events


def wrap_phi(phi: np.ndarray) -> np.ndarray:
    """Angles wrapped to (-pi, pi].

    >>> wrap_phi(np.array([np.pi, -np.pi, 3 * np.pi / 2])).round(4).tolist()
    [3.1416, 3.1416, -1.5708]
    """
    return np.pi - np.remainder(np.pi - phi, 2 * np.pi)


def relative_constituents(constituents: ak.Array, cap: int) -> ak.Array:
    """Jagged (jet, particle) (px, py, pz, E) records to (pt_rel, deta, dphi) records, float32, pT-ordered,
    the `cap` hardest particles of each jet. The jet axis is the E-scheme sum of all its particles."""
    counts = ak.to_numpy(ak.num(constituents))
    owner = np.repeat(np.arange(len(counts)), counts)
    px, py, pz, e = (ak.to_numpy(ak.flatten(constituents[name])) for name in ("px", "py", "pz", "E"))
    pt, eta, phi, _ = cartesian_to_collider(px, py, pz, e)
    jet = [np.bincount(owner, weights=w, minlength=len(counts)) for w in (px, py, pz, e)]
    jet_pt, jet_eta, jet_phi, _ = cartesian_to_collider(*jet)
    # By jet, then by decreasing pT; the rank within the jet decides the cap.
    order = np.lexsort((-pt, owner))
    rank = np.arange(len(order)) - np.repeat(np.cumsum(counts) - counts, counts)
    kept = order[rank < cap]
    fields = {
        "pt_rel": pt[kept] / jet_pt[owner[kept]],
        "deta": eta[kept] - jet_eta[owner[kept]],
        "dphi": wrap_phi(phi[kept] - jet_phi[owner[kept]]),
    }
    records = ak.zip({name: values.astype(np.float32) for name, values in fields.items()})
    return ak.unflatten(records, np.minimum(counts, cap))


def padded(jets: ak.Array, cap: int) -> tuple[np.ndarray, np.ndarray]:
    """(n, cap, 3) float32 (pt_rel, deta, dphi) with zeros beyond each jet's particles, and the (n, cap) mask."""
    counts = np.minimum(ak.to_numpy(ak.num(jets)), cap)
    mask = np.arange(cap) < counts[:, None]
    values = np.zeros((len(counts), cap, len(FIELDS)), dtype=np.float32)
    flat = ak.flatten(jets[:, :cap])
    for k, name in enumerate(FIELDS):
        values[..., k][mask] = ak.to_numpy(flat[name])
    return values, mask


def from_padded(values: np.ndarray, mask: np.ndarray) -> ak.Array:
    """The inverse of `padded`: jagged records of the masked particles only."""
    records = ak.zip({name: values[..., k][mask].astype(np.float32) for k, name in enumerate(FIELDS)})
    return ak.unflatten(records, mask.sum(axis=1))


def jet_efps(jets: ak.Array, cap: int) -> np.ndarray:
    """(n, 20) EFPs (dijetgen.efp) of jagged constituent records."""
    values, mask = padded(jets, cap)
    return efps(np.where(mask, values[..., 0], 0.0), values[..., 1], values[..., 2])


def efp_columns(relative: dict[str, ak.Array], cap: int) -> dict[str, np.ndarray]:
    """The jet table's EFP columns, from the stored (capped, massless) constituents, so that generated
    particle clouds get theirs from the same function."""
    return {name: values for jet in JETS for name, values in zip(efp_names(jet), jet_efps(relative[jet], cap).T)}


def constituent_table(event: np.ndarray, label: np.ndarray, relative: dict[str, ak.Array]) -> ak.Array:
    """The rows of a constituent file."""
    fields = {"event": np.asarray(event, dtype=np.int64), "label": np.asarray(label, dtype=np.int8)}
    return ak.zip(fields | {jet: relative[jet] for jet in JETS}, depth_limit=1)


def write_constituents(chunks: list[ak.Array], path: str) -> None:
    """One constituent file from its chunks (all rows of a shard), written atomically."""
    rows = ak.concatenate(chunks) if chunks else constituent_table([], [], {jet: _empty() for jet in JETS})
    write_atomic(lambda tmp: ak.to_parquet(rows, tmp, extensionarray=False, compression="zstd"), path)


def _empty() -> ak.Array:
    return ak.unflatten(ak.zip({name: np.zeros(0, np.float32) for name in FIELDS}), np.zeros(0, np.int64))


def read_constituents(paths: list[str]) -> ak.Array:
    """The rows of one or more constituent files, in file order."""
    return ak.concatenate([ak.from_parquet(path) for path in paths])


def matching_events(constituents: dict[str, ak.Array], table: pd.DataFrame) -> ak.Array:
    """The constituent rows of `table`'s events (a split part), in the table's order, each with its `sample`.
    `constituents` maps a sample to its rows; the event ids of one sample are unique, so (sample, event) is
    the key."""
    parts = []
    for sample, rows in table.groupby("sample", sort=False)["event"]:
        position = pd.Series(np.arange(len(constituents[sample])), index=ak.to_numpy(constituents[sample].event))
        missing = ~rows.isin(position.index)
        if missing.any():
            raise InputError(f"constituents of sample {sample}: no row for event {rows[missing].iloc[0]}")
        parts.append((rows.index.to_numpy(), constituents[sample][position.loc[rows.to_numpy()].to_numpy()]))
    if not parts:
        return constituents[next(iter(constituents))][:0]
    order = np.argsort(np.concatenate([index for index, _ in parts]), kind="stable")
    return ak.concatenate([rows for _, rows in parts])[order]


def split_constituents(parts: dict[str, pd.DataFrame], by_sample: dict[str, ak.Array]) -> dict[str, ak.Array]:
    """The constituent rows of each split part's events, in the part's order: dijetgen.splits made the parts
    from the feature tables, so the particles follow the same events."""
    return {part: matching_events(by_sample, table) for part, table in parts.items()}


def generated_rows(table: pd.DataFrame, values: np.ndarray, mask: np.ndarray) -> ak.Array:
    """A particle model's samples as constituent-file rows: the first len(table) clouds are the j1 of the
    table's events, the rest their j2 (as `particle_jets` orders them)."""
    n = len(table)
    relative = {"j1": from_padded(values[:n], mask[:n]), "j2": from_padded(values[n:], mask[n:])}
    return constituent_table(table["event"].to_numpy(), table["label"].to_numpy(), relative)
