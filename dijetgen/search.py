"""The weakly supervised resonant search (CATHODE, arXiv 2109.00546): its events, regions, injection and folds.

A resonance of unknown mass shows up as a local excess in mjj. The signal region (SR) is a window of mjj;
the sidebands (SB) around it hold almost only background. A density of the features conditioned on mjj,
learnt in the sidebands and sampled at SR mjj values, is a template of the SR background. A classifier that
tells SR data from the template then learns where data has more events than background: the signal::

    data, spare_signal = inject_signal(background, signal, n=1000, seed=1)
    events = search_events(data, spare_signal, settings, seed=1)     # region, fold, role of each event
    condition = sample_condition(events.loc[in_signal_region, "mjj"], 4 * n_sr, window, seed=1)

This module holds the data side; dijetgen.crossfit holds the classifiers.
"""

import logging

import numpy as np
import pandas as pd
from scipy.stats import gaussian_kde

from dijetgen.errors import InputError
from dijetgen.replicas import ensemble_assignment

SIGNAL_REGION, SIDEBAND, OUTSIDE = "SR", "SB", "outside"
DATA, SPARE_SIGNAL = "data", "spare_signal"  # an event's role: in the data, or a signal event left out of it


def mass_ordered_columns(table: pd.DataFrame) -> pd.DataFrame:
    """The table with dijetgen.columns.SEARCH_COLUMNS added: the lighter jet's mass, m_heavy - m_light, and
    the τ21 of the lighter and of the heavier jet.

    >>> t = pd.DataFrame({"mj1": [100.0, 500.0], "mj2": [400.0, 80.0], "tau21j1": [0.1, 0.2], "tau21j2": [0.3, 0.4]})
    >>> mass_ordered_columns(t)[["mjlight", "deltamj", "tau21jlight", "tau21jheavy"]].to_numpy().tolist()
    [[100.0, 300.0, 0.1, 0.3], [80.0, 420.0, 0.4, 0.2]]
    """
    first_lighter = (table["mj1"] <= table["mj2"]).to_numpy()
    light, heavy = (
        np.where(first_lighter, table["mj1"], table["mj2"]),
        np.where(first_lighter, table["mj2"], table["mj1"]),
    )
    return table.assign(
        mjlight=light,
        deltamj=heavy - light,
        tau21jlight=np.where(first_lighter, table["tau21j1"], table["tau21j2"]),
        tau21jheavy=np.where(first_lighter, table["tau21j2"], table["tau21j1"]),
    )


def idealized_part(table: pd.DataFrame, fraction: float, seed: int) -> np.ndarray:
    """True for the events of `table` that form the idealized reference when it is carved out of the data's
    own background sample (`search.idealized_fraction`): a seeded hash of (sample, event), so the data and the
    reference are disjoint and every job agrees on which event is which."""
    key = f"idealized{seed:07d}"[-16:]
    hashes = pd.util.hash_pandas_object(table[["sample", "event"]], index=False, hash_key=key).to_numpy()
    return hashes < np.uint64(fraction * 2.0**64)


def inject_signal(
    background: pd.DataFrame, signal: pd.DataFrame, n: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(data, spare signal): the background's label-0 events plus n label-1 events of `signal` drawn with
    `seed`, and the label-1 events that were not drawn (they evaluate the methods, never enter the data)."""
    signal = signal[signal["label"] == 1]
    if n > len(signal):
        raise InputError(f"search.inject: {n} signal events asked for, but the signal sample has {len(signal)}")
    drawn = np.zeros(len(signal), dtype=bool)
    drawn[np.random.default_rng(seed).choice(len(signal), n, replace=False)] = True
    data = pd.concat([background[background["label"] == 0], signal[drawn]], ignore_index=True)
    return data, signal[~drawn].reset_index(drop=True)


def injection_events(background: pd.DataFrame, signal: pd.DataFrame, n: int, settings: dict, seed: int) -> pd.DataFrame:
    """One injection's search events (`search_events`): the background's data part, without the idealized
    reference's events when the reference is carved out of the same sample, plus n drawn signal events."""
    if settings["idealized"] == settings["background"]:
        background = background[~idealized_part(background, settings["idealized_fraction"], seed)]
    data, spare = inject_signal(background, signal, n, seed)
    return search_events(data, spare, settings, seed)


def region(mjj: pd.Series, signal_region: list[float], sidebands: list[float] | None) -> pd.Series:
    """SR inside the signal-region window, SB outside it (within `sidebands`' outer bounds if given), else OUTSIDE."""
    low, high = signal_region
    outer_low, outer_high = sidebands if sidebands is not None else (-np.inf, np.inf)
    inside = (mjj >= low) & (mjj < high)
    around = ~inside & (mjj >= outer_low) & (mjj < outer_high)
    return pd.Series(np.select([inside, around], [SIGNAL_REGION, SIDEBAND], OUTSIDE), index=mjj.index)


def assign_folds(table: pd.DataFrame, folds: int, seed: int) -> np.ndarray:
    """Fold index (0..folds-1) of each event, from a seeded hash of its (sample, event).

    An event keeps its fold whatever table it is in: the data of every injection, and the evaluation events,
    so "trained on the other folds" means the same events everywhere.
    """
    key = f"{seed:016d}"[-16:]
    hashes = pd.util.hash_pandas_object(table[["sample", "event"]], index=False, hash_key=key)
    return (hashes.to_numpy() % np.uint64(folds)).astype(np.int64)


def search_events(data: pd.DataFrame, spare_signal: pd.DataFrame, settings: dict, seed: int) -> pd.DataFrame:
    """Every data event in the SR or the sidebands, and the spare signal events in the SR, with their
    `region`, `role` and `fold`, and the SEARCH_COLUMNS."""
    table = pd.concat([data.assign(role=DATA), spare_signal.assign(role=SPARE_SIGNAL)], ignore_index=True)
    table = mass_ordered_columns(table)
    table["region"] = region(table[settings["condition"]], settings["signal_region"], settings["sidebands"])
    keep = (table["region"] != OUTSIDE) & ((table["role"] == DATA) | (table["region"] == SIGNAL_REGION))
    table = table[keep].reset_index(drop=True)
    table["fold"] = assign_folds(table, settings["classifier"]["folds"], seed)
    counts = table.groupby(["region", "role", "label"]).size()
    logging.info("search events by region, role and label:\n%s", counts.to_string())
    for where in (SIGNAL_REGION, SIDEBAND):
        if not ((table["region"] == where) & (table["role"] == DATA)).any():
            raise InputError(
                f"search: no data events in the {'signal region' if where == SIGNAL_REGION else 'sidebands'}"
            )
    return table


def signal_region_events(table: pd.DataFrame, settings: dict, seed: int) -> pd.DataFrame:
    """The SR events of a pure-background table (the idealized reference), with SEARCH_COLUMNS and folds; of
    its idealized part when the reference is carved out of the data's background."""
    if settings["idealized"] == settings["background"]:
        table = table[idealized_part(table, settings["idealized_fraction"], seed)]
    table = mass_ordered_columns(table[table["label"] == 0])
    inside = region(table[settings["condition"]], settings["signal_region"], None) == SIGNAL_REGION
    table = table[inside].reset_index(drop=True)
    if table.empty:
        raise InputError(f"search.idealized: no events in the signal region {settings['signal_region']}")
    return table.assign(fold=assign_folds(table, settings["classifier"]["folds"], seed))


def sample_condition(values: pd.Series, n: int, window: list[float], seed: int) -> np.ndarray:
    """n values from a Gaussian KDE of `values`, kept inside `window` (draws that leave it are redrawn)."""
    kde = gaussian_kde(np.asarray(values, dtype=np.float64))
    rng = np.random.default_rng(seed)
    drawn = np.empty(0)
    while len(drawn) < n:
        batch = kde.resample(2 * (n - len(drawn)) + 16, seed=rng)[0]
        drawn = np.concatenate([drawn, batch[(batch >= window[0]) & (batch < window[1])]])
    return drawn[:n]


def density_hparams(settings: dict) -> dict:
    """The density's model entry, conditioned on the resonant variable (the models' `condition` contract)."""
    return settings["density"] | {"condition": [settings["condition"]]}


def train_density(events: pd.DataFrame, settings: dict, workdir: str, device: str, seed: int, where: str = SIDEBAND):
    """The conditional density p(features | condition) fitted to the data of region `where` (80% train, 20%
    validation): the sidebands' density gives the template (CATHODE), the two together ANODE's ratio."""
    from dijetgen.models import build_model  # torch: only the density and template steps need it
    from dijetgen.splits import split_table

    data = events[(events["region"] == where) & (events["role"] == DATA)]
    parts = split_table(data, {"train": 0.8, "val": 0.2, "test": 0.0}, seed)
    hparams = density_hparams(settings)
    model = build_model(hparams["kind"], settings["features"], hparams, seed)
    history = model.fit(parts["train"], parts["val"], workdir, device)
    logging.info("density: %d %s data events, %d epochs", len(data), where, len(history))
    return model


def train_reference_density(reference: pd.DataFrame, settings: dict, workdir: str, device: str, seed: int):
    """The conditional density of the idealized reference's SR events, with the sideband density's settings
    and seeds: the template that a perfect interpolation from the sidebands would give, learnt from finite
    events as the template is (configs/search.yaml: 31k reference events against 30k in the sidebands). Its
    samples differ from the SR data only by what a density gets wrong, so their closure against the data is
    the floor of the template's (the summary's `closure_floor`)."""
    return train_density(
        reference.assign(region=SIGNAL_REGION, role=DATA), settings, workdir, device, seed, where=SIGNAL_REGION
    )


def sample_template(models: list, events: pd.DataFrame, settings: dict, seed: int) -> pd.DataFrame:
    """`oversampling` x the SR data events drawn from the densities at condition values from a KDE of SR data.

    With several densities (replicas: the same sidebands, other seeds for the initial weights and the
    train/validation split) each event comes from one of them, every density equally often: one training's
    quirks are diluted, and the template is less a matter of luck (CATHODE averages over the best epochs
    of one training for the same reason).
    """
    data = events[(events["region"] == SIGNAL_REGION) & (events["role"] == DATA)]
    n = round(settings["oversampling"] * len(data))
    condition = sample_condition(data[settings["condition"]], n, settings["signal_region"], seed)
    assignment = ensemble_assignment(n, len(models), seed)
    template = pd.DataFrame(index=np.arange(n), columns=settings["features"], dtype=np.float64)
    for replica, model in enumerate(models):
        chosen = assignment == replica
        drawn = model.sample(
            int(chosen.sum()), seed + replica, condition=pd.DataFrame({settings["condition"]: condition[chosen]})
        )
        template.loc[chosen, settings["features"]] = drawn[settings["features"]].to_numpy()
    template = template.assign(**{settings["condition"]: condition})
    template = template.assign(sample="template", event=np.arange(n), label=0)
    return template.assign(fold=assign_folds(template, settings["classifier"]["folds"], seed))


def classifier_inputs(method: str, events: pd.DataFrame, reference: pd.DataFrame | None, features: list[str]):
    """(x, y, folds) that the method's classifiers learn: SR data (1) against the reference (0) for
    template and idealized; SR background (0) against SR signal (1), data and spare, for supervised; SR data
    (1) against sideband data (0) for cwola (CWoLa hunting, arXiv 1805.02664: the features must not know mjj).
    """
    inside = events[events["region"] == SIGNAL_REGION]
    if method == "supervised":
        table, y = inside, inside["label"].to_numpy()
    elif method == "cwola":
        data = events[events["role"] == DATA]
        table, y = data, (data["region"] == SIGNAL_REGION).to_numpy()
    else:
        data = inside[inside["role"] == DATA]
        table = pd.concat([data, reference], ignore_index=True)
        y = np.repeat([1, 0], [len(data), len(reference)])
    return table[features].to_numpy(np.float64), y.astype(np.int64), table["fold"].to_numpy()


def anode_score(log_p_sr: np.ndarray, log_p_sb: np.ndarray) -> np.ndarray:
    """ANODE's anomaly score (Nachman & Shih, arXiv 2001.04990): log R(x|m) = log p_SR(x|m) − log p_SB(x|m),
    the log-likelihood ratio of a conditional density learnt on SR data to one learnt on sideband data and
    evaluated (interpolated) at the event's SR mjj. Where signal is present p_SR > p_SB, so R > 1.

    The models' `score` is −log p in physical units, so `anode_score(-sr_density.score(t), -sb_density.score(t))`.

    >>> anode_score(np.array([-1.0, -5.0]), np.array([-2.0, -2.0])).tolist()
    [1.0, -3.0]
    """
    log_p_sr, log_p_sb = np.asarray(log_p_sr), np.asarray(log_p_sb)
    if log_p_sr.shape != log_p_sb.shape:
        raise InputError(f"anode: {log_p_sr.shape} signal-region densities but {log_p_sb.shape} sideband ones")
    return log_p_sr - log_p_sb


def evaluation_split(events: pd.DataFrame, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(background, signal) scores of the SR events a method is judged on: the data's background, and every
    signal event (injected or spare). Events without a score (NaN: a model trained on them) are left out."""
    inside = (events["region"] == SIGNAL_REGION).to_numpy() & ~np.isnan(scores)
    background = inside & (events["role"] == DATA).to_numpy() & (events["label"] == 0).to_numpy()
    return scores[background], scores[inside & (events["label"] == 1).to_numpy()]


def signal_counts(events: pd.DataFrame) -> tuple[int, int]:
    """(S, B): the signal and background events of the data in the signal region."""
    data = events[(events["region"] == SIGNAL_REGION) & (events["role"] == DATA)]
    return int((data["label"] == 1).sum()), int((data["label"] == 0).sum())


def unseen(events: pd.DataFrame, seen: pd.DataFrame) -> np.ndarray:
    """True for the events whose (sample, event) is not in `seen` (the splits a model trained on)."""
    seen_keys = pd.MultiIndex.from_frame(seen[["sample", "event"]])
    return ~pd.MultiIndex.from_frame(events[["sample", "event"]]).isin(seen_keys)
