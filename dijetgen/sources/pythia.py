"""Pythia 8 generation of QCD dijets and of the LHCO signal W' -> X Y -> (qq)(qq), through the batch interface."""

import logging
from collections.abc import Iterator

import awkward as ak
import numpy as np

from dijetgen.errors import InputError
from dijetgen.events import cartesian_to_collider, make_events
from dijetgen.sources.sharding import chunk_ranges, shard_range

MAX_PYTHIA_SEED = 900_000_000


def shard_seed(seed: int, shard: int) -> int:
    """A Pythia seed per shard, derived from the sample seed, so results do not depend on the core count."""
    state = np.random.SeedSequence([seed, shard]).generate_state(1, dtype=np.uint64)[0]
    return int(state % MAX_PYTHIA_SEED) + 1


def narrow_scalar(pid: str, names_and_quantum_numbers: str, mass: float) -> str:
    return f"{pid}:all = {names_and_quantum_numbers} {mass} {0.01 * mass} {0.9 * mass} {1.1 * mass} 0"


def process_settings(sample: dict) -> list[str]:
    """Pythia settings for `process: qcd` or `process: wprime`."""
    if sample["process"] == "qcd":
        settings = ["HardQCD:all = on", f"PhaseSpace:pTHatMin = {sample['pthat_min']}"]
        if "mhat_window" in sample:
            # Only hard processes of this invariant mass: a cheap background sample around one mjj region.
            low, high = sample["mhat_window"]
            settings += [f"PhaseSpace:mHatMin = {low}", f"PhaseSpace:mHatMax = {high}"]
        return settings
    m = sample["masses"]
    window = sample["wprime_window"]
    return [
        "NewGaugeBoson:ffbar2Wprime = on",
        "Wprime:coup2WZ = 0.0",
        f"34:m0 = {m['wprime']}",
        f"34:mMin = {m['wprime'] - window}",
        f"34:mMax = {m['wprime'] + window}",
        "34:onMode = off",
        # X is neutral and Y charged, so W'+ -> X Y+ conserves charge. Pythia leaves a zero-width
        # resonance undecayed, so both get a narrow width (1% of the mass) inside a +-10% window.
        narrow_scalar("9000001", "X void 1 0 0", m["x"]),
        narrow_scalar("9000002", "Y Ybar 1 3 0", m["y"]),
        "9000001:isResonance = on",
        "9000002:isResonance = on",
        "34:addChannel = 1 1.0 100 9000001 9000002",
        "9000001:addChannel = 1 1.0 100 1 -1",
        "9000002:addChannel = 1 1.0 100 2 -1",
    ]


def make_pythia(settings: list[str], seed: int, where: str):
    import pythia8mc

    pythia = pythia8mc.Pythia("", False)
    common = [
        "Beams:eCM = 13000.",
        "Random:setSeed = on",
        f"Random:seed = {seed}",
        "Next:numberCount = 0",
        "Next:numberShowEvent = 0",
        "Next:numberShowInfo = 0",
        "Next:numberShowProcess = 0",
        "Init:showChangedSettings = off",
        "Init:showChangedParticleData = off",
        "Init:showProcesses = off",
    ]
    for line in common + settings:
        if not pythia.readString(line):
            raise InputError(f"{where}: Pythia rejected the setting {line!r}")
    if not pythia.init():
        raise InputError(f"{where}: Pythia initialisation failed (are the masses and pthat_min consistent?)")
    return pythia


def visible_final_state(batch: ak.Array, particle_data) -> ak.Array:
    """Final-state particles that Pythia's own particle data call visible: no neutrinos, no neutralinos,
    gravitinos, dark-matter or hidden-valley states (`ParticleData::isVisible`)."""
    prt = batch.prt
    final = prt[prt.status > 0]
    ids = np.abs(ak.to_numpy(ak.flatten(final.id)))
    species = np.unique(ids)
    invisible = species[[not particle_data.isVisible(int(pid)) for pid in species]]
    return final[ak.unflatten(~np.isin(ids, invisible), ak.num(final))]


def iter_shard(sample: dict, name: str, shard: int, n_shards: int) -> Iterator[ak.Array]:
    start, stop = shard_range(sample["events"], shard, n_shards, f"samples.{name}.events")
    pythia = make_pythia(process_settings(sample), shard_seed(sample["seed"], shard), f"samples.{name}")
    for first, last in chunk_ranges(start, stop):
        # errorMode "skip" regenerates failed events, so every chunk has exactly last - first events.
        prt = visible_final_state(pythia.nextBatch(last - first, "skip"), pythia.particleData)
        pt, eta, phi, _ = cartesian_to_collider(prt.p.px, prt.p.py, prt.p.pz, prt.p.e)
        yield make_events(
            pt, eta, phi, prt.m, event=np.arange(first, last), label=np.full(last - first, sample["label"])
        )
        # Generation is the slowest step of a cold run: a line per chunk shows it advancing in the log.
        logging.info("samples.%s shard %d: %d of %d events generated", name, shard, last - start, stop - start)
