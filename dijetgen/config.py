"""The config beyond its JSON schema: per-sample defaults, and the checks that need more than types.

The JSON schema fills top-level defaults; entries under `samples:` are free-form mappings, so their
defaults live here, in one place that both the rules and the tests use. `check_config` runs when the
workflow is parsed, so a mistake stops the run before Pythia or any other job has started.
"""

import copy
import os
import tempfile
import zlib
from urllib.parse import urlparse

import numpy as np

from dijetgen.columns import (
    CLASSIFIER_METHODS,
    DENSITY_METHODS,
    GENERATED_JET_COLUMNS,
    SEARCH_COLUMNS,
    model_columns,
)
from dijetgen.errors import InputError
from dijetgen.hyperparameters import check_condition, resolve
from dijetgen.registry import KINDS, SOURCES
from dijetgen.replicas import training_hparams

PROCESS_LABELS = {"qcd": 0, "wprime": 1}
DEFAULT_MASSES = {"wprime": 3500.0, "x": 500.0, "y": 100.0}
# QCD generated with pT-hat below this reaches the default 1.2 TeV jet selection in (0.5 +- 0.5)% of the
# selected events; at 1 TeV it would be 15% (benchmarks/bench_pthat.py, BENCHMARKS.md).
DEFAULT_PTHAT_MIN = 700.0
BETA_SCAN_DEFAULTS = {"betas": [0.5, 1, 2, 4, 8], "base": "vae", "hparams": {}}
BASELINE = "mj1"  # anomaly detection's plain cut that the models must beat: a heavy leading jet
BASELINE_NAME = f"{BASELINE}_cut"  # its name among the scored models' results


def fill_derived_defaults(config: dict) -> None:
    """Fill the defaults that derive from other keys, which a JSON schema cannot express: the seeds of the
    split and of the search's trainings are the master seed unless given."""
    config["split"].setdefault("seed", config["seed"])
    if config.get("search") is not None and config["search"].get("seed") is None:
        config["search"]["seed"] = config["seed"]


def sample_settings(config: dict, name: str) -> dict:
    """The sample's config entry with every default filled in; the result is what its ingest depends on."""
    sample = dict(config["samples"][name])
    sample.setdefault("shards", config["shards"])
    # A stable per-sample seed: two samples never share Pythia random streams, and renaming one does not
    # change the others.
    sample.setdefault("seed", (config["seed"] + zlib.crc32(name.encode())) % 2**31)
    source = SOURCES[sample["source"]]
    for key, value in source.defaults.items():
        sample.setdefault(key, copy.deepcopy(value))
    if sample["source"] == "pythia":
        sample.setdefault("label", PROCESS_LABELS[sample["process"]])
        if sample["process"] == "qcd":
            sample.setdefault("pthat_min", DEFAULT_PTHAT_MIN)
        else:
            sample["masses"] = DEFAULT_MASSES | sample.get("masses", {})
            sample.setdefault("wprime_window", 0.25 * sample["masses"]["wprime"])
    if "url" in sample:
        sample.setdefault("path", fetched_path(sample["url"], name))
    return sample


def source_identity(config: dict, name: str) -> dict | None:
    """What identifies the input file of sample `name`, as a job parameter, so that another file at the same
    path (a re-download, a copy with an old modification time) reruns the jobs that read it: its size and
    modification time, or for a downloaded file its URL and MD5 (stable before and after the download).
    None for a generated sample.
    """
    sample = config["samples"][name]
    if "url" in sample:
        return {"url": sample["url"], "md5": sample.get("md5")}
    if "path" not in sample:
        return None
    status = os.stat(sample["path"])
    return {"path": sample["path"], "size": status.st_size, "mtime_ns": status.st_mtime_ns}


def read_in_place(config: dict, name: str) -> bool:
    """Whether the cluster jobs of sample `name` read its file directly, with no ingest copy."""
    return SOURCES[config["samples"][name]["source"]].read_in_place


def fetched_path(url: str, name: str) -> str:
    """Where the file of a sample given by `url` is downloaded to: data/ and the URL's file name."""
    file_name = os.path.basename(urlparse(url).path)
    if not file_name:
        raise InputError(f"samples.{name}.url: {url} names no file")
    return os.path.join("data", file_name)


def results_folder(config: dict) -> str:
    """The study's results folder (`results:`), normalised so that "out/" and "out" name the same files."""
    folder = os.path.normpath(config["results"])
    if folder in (".", "") or folder.startswith(".snakemake"):
        raise InputError(f"results: {config['results']!r} would mix outputs with the checkout; name a folder")
    return folder


def writable_directory_problem(directory: str) -> str | None:
    """Why outputs cannot be written under `directory`, or None; checked before Snakemake scans it."""
    if os.path.exists(directory) and not os.path.isdir(directory):
        return "it exists and is not a directory"
    try:
        os.makedirs(directory, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as err:
        return err.strerror or type(err).__name__
    return None


def check_config(config: dict) -> None:
    """Raise an InputError naming the key for what the schema cannot see; `config` has its defaults filled."""
    if BASELINE_NAME in config["models"]:
        raise InputError(f"models.{BASELINE_NAME}: the name is reserved for the plain {BASELINE} cut baseline")
    for name in config["samples"]:
        sample = sample_settings(config, name)
        source = SOURCES[sample["source"]]
        if source.labels_each_event and "label" in sample:
            raise InputError(f"samples.{name}.label: {source.file_format} files label each event; remove `label`")
        if sample.get("events", sample["shards"]) < sample["shards"]:
            raise InputError(
                f"samples.{name}.events: {sample['events']} events cannot fill {sample['shards']} shards "
                "(some shard would be empty); lower `shards`"
            )
        masses = sample.get("masses")
        if masses and not masses["wprime"] > masses["x"] + masses["y"]:
            raise InputError(
                f"samples.{name}.masses: W' at {masses['wprime']:g} GeV cannot decay to X ({masses['x']:g}) + "
                f"Y ({masses['y']:g}); it needs wprime > x + y"
            )
        if "mhat_window" in sample:
            if sample["source"] != "pythia" or sample["process"] != "qcd":
                raise InputError(f"samples.{name}.mhat_window: only for pythia samples of process qcd")
            if not sample["mhat_window"][0] < sample["mhat_window"][1]:
                raise InputError(f"samples.{name}.mhat_window: {sample['mhat_window']} is not [low, high]")
        # Snakemake reports a missing input only for jobs it must run: after a successful run it would keep
        # the old file's results under the new path (or the purged file's) and fail later, in provenance.
        if "url" not in sample and "path" in sample and not os.path.isfile(sample["path"]):
            raise InputError(f"samples.{name}.path: Missing input file {sample['path']} (moved or deleted?)")
    if "search" in config:
        check_search(config)
    check_particle_models(config)
    if not config["models"]:
        return
    columns = model_columns(config)
    unknown = [column for column in config["features"] if column not in columns]
    if unknown:
        raise InputError(f"features: no column(s) {', '.join(unknown)} in the feature table ({' '.join(columns)})")
    missing = sorted(set(config["train_on"]) - set(config["samples"]))
    if missing:
        raise InputError(f"train_on: {', '.join(missing)} not under samples:")
    fractions = {part: config["split"][part] for part in ("train", "val", "test")}
    if not np.isclose(sum(fractions.values()), 1.0):
        raise InputError(f"split: fractions {fractions} sum to {sum(fractions.values()):g}, not 1")
    if "amplification" in config:
        check_amplification(config)
    for name, hparams in config["models"].items():
        try:
            resolve(hparams["kind"], hparams)
        except InputError as err:
            raise InputError(f"models.{name}.{err}") from None
        check_condition(name, hparams, config["features"], columns)


def check_particle_models(config: dict) -> None:
    """Particle models need the constituent files, and their entries must resolve."""
    models = config.get("particle_models") or {}
    if models and "constituents" not in config:
        raise InputError(f"particle_models.{next(iter(models))}: needs `constituents:` (the particles it learns)")
    for name, hparams in models.items():
        try:
            resolve(hparams["kind"], training_hparams(hparams))
        except InputError as err:
            raise InputError(f"particle_models.{name}.{err}") from None
        jet_model = hparams.get("from_model")
        if jet_model is None:
            continue
        if jet_model not in config["models"]:
            raise InputError(f"particle_models.{name}.from_model: {jet_model!r} is not a model under `models:`")
        missing = [column for column in GENERATED_JET_COLUMNS if column not in config["features"]]
        if missing:
            raise InputError(
                f"particle_models.{name}.from_model: {jet_model!r} does not generate {', '.join(missing)} "
                "(`features:` needs each jet's pt, eta, mass and multiplicity)"
            )


def particle_samples(config: dict) -> dict[str, tuple[str, str | None]]:
    """{name: (particle model, jet-level model or None)} of every particle sample: each particle model's
    clouds at the test jets (named as the model), and, with `from_model`, at that model's generated events
    (named JETMODEL+MODEL: jets by the one, then particles by the other)."""
    samples = {}
    for name, hparams in (config.get("particle_models") or {}).items():
        samples[name] = (name, None)
        if hparams.get("from_model"):
            samples[f"{hparams['from_model']}+{name}"] = (name, hparams["from_model"])
    return samples


def check_amplification(config: dict) -> None:
    """The `amplification:` entry names unconditional models under `models:` (the sizes are checked against
    the train split when it exists, dijetgen.amplification.check_sizes)."""
    for name in config["amplification"]["models"]:
        if name not in config["models"]:
            raise InputError(f"amplification.models: {name} is not under models:")
        if config["models"][name].get("condition"):
            raise InputError(f"amplification.models: {name} is conditional; amplification needs an unconditional model")


def check_search(config: dict) -> None:
    """The `search:` entry: its samples exist, its columns are known, its windows nest, its density resolves."""
    search = config["search"]
    for role in ("background", "signal", "idealized"):
        if search[role] is None and role == "idealized":
            continue
        if search[role] not in config["samples"]:
            raise InputError(f"search.{role}: {search[role]} is not under samples:")
    if search["idealized"] is not None:
        check_idealized(config)
    if search.get("idealized_fraction") is not None and search["idealized"] != search["background"]:
        raise InputError(
            f"search.idealized_fraction: only when search.idealized is the background ({search['background']})"
        )
    signal = sample_settings(config, search["signal"])
    if not SOURCES[signal["source"]].labels_each_event and signal["label"] != 1:
        raise InputError(f"search.signal: sample {search['signal']} is labelled background (label 0)")
    known = model_columns(config) + SEARCH_COLUMNS
    unknown = [column for column in search["features"] if column not in known]
    if unknown:
        raise InputError(f"search.features: no column(s) {', '.join(unknown)} ({' '.join(known)})")
    if search["condition"] not in model_columns(config) or search["condition"] in search["features"]:
        raise InputError(
            f"search.condition: {search['condition']} must be a feature-table column not among the features"
        )
    low, high = search["signal_region"]
    if not low < high:
        raise InputError(f"search.signal_region: {search['signal_region']} is not [low, high]")
    if search["sidebands"] is not None and not search["sidebands"][0] < low < high < search["sidebands"][1]:
        raise InputError(
            f"search.sidebands: {search['sidebands']} must enclose the signal region {search['signal_region']}"
        )
    most = max(search["inject"])
    if signal.get("events", most) < most:
        raise InputError(f"search.inject: {most} signal events, but samples.{search['signal']} has {signal['events']}")
    scored = search_trained_methods(config)
    unscored = [method for method in bumphunt_methods(config) if method not in scored]
    if unscored:
        raise InputError(f"search.bumphunt.methods: {', '.join(unscored)} is not a trained method ({' '.join(scored)})")
    reserved = sorted(set(config["models"]) & set(CLASSIFIER_METHODS + DENSITY_METHODS))
    if reserved:
        raise InputError(f"models.{reserved[0]}: the name is reserved for a search method; rename the model")
    density = search["density"]
    if "condition" in density:
        raise InputError("search.density.condition: the density is conditioned on search.condition; remove it")
    try:
        resolve(density["kind"], density)
    except InputError as err:
        raise InputError(f"search.density.{err}") from None


# What may differ between the idealized sample and the data's background: which events (seed), how many.
IDEALIZED_MAY_DIFFER = ("seed", "events", "shards")


def check_idealized(config: dict) -> None:
    """The idealized reference must be more of the data's background: the same source and every generator
    setting the same, only the seed and the size may differ. A narrower generator window, for example, would
    drop the signal region's events whose hard process lies outside it (ISR pushes mjj up), which look like
    signal, and make the reference a handicapped one."""
    search = config["search"]
    if search["idealized"] == search["background"]:
        if search.get("idealized_fraction") is None:
            raise InputError(
                f"search.idealized: {search['idealized']} is the data's own background; set "
                "search.idealized_fraction to carve a disjoint part of it, or generate another sample alike"
            )
        return
    background = sample_settings(config, search["background"])
    idealized = sample_settings(config, search["idealized"])
    different = sorted(
        key
        for key in set(background) | set(idealized)
        if key not in IDEALIZED_MAY_DIFFER and background.get(key) != idealized.get(key)
    )
    if different:
        key = different[0]
        raise InputError(
            f"search.idealized: samples.{search['idealized']}.{key} is {idealized.get(key)!r} but the background's "
            f"(samples.{search['background']}.{key}) is {background.get(key)!r}; the idealized reference must be "
            "generated exactly like the background (only seed and events may differ)"
        )
    if "seed" in config["samples"][search["idealized"]] and idealized["seed"] == background["seed"]:
        raise InputError(f"search.idealized: samples.{search['idealized']}.seed repeats the background's seed")


def search_classifier_methods(config: dict) -> list[str]:
    """The search's classifier methods in use: the idealized reference is off when `search.idealized` is null
    (real data has no second, signal-free sample of its background)."""
    return [
        method for method in CLASSIFIER_METHODS if not (method == "idealized" and config["search"]["idealized"] is None)
    ]


def search_trained_methods(config: dict) -> list[str]:
    """Every search method trained per repeat, each with a score per event: the classifiers, then ANODE."""
    return search_classifier_methods(config) + list(DENSITY_METHODS)


def bumphunt_methods(config: dict) -> list[str]:
    """The methods whose score cuts the bump hunt fits: `search.bumphunt.methods`, or else the template (the
    search) and, when there is one, the idealized classifier, whose spectrum after the same cuts shows what the
    procedure itself sculpts with a background estimate that is exact."""
    chosen = config["search"].get("bumphunt", {}).get("methods")
    if chosen is not None:
        return list(chosen)
    return [method for method in ("template", "idealized") if method in search_classifier_methods(config)]


def schema_error_message(err: Exception) -> str:
    """One line from a failed schema validation: the config key at fault and jsonschema's reason."""
    cause = err.__cause__ or err.__context__  # Snakemake raises its WorkflowError while handling jsonschema's
    if not hasattr(cause, "absolute_path"):
        return str(err)
    key = ".".join(str(part) for part in cause.absolute_path) or "config"
    return f"{key}: {cause.message} (config.schema.yaml)"


def beta_scan_models(config: dict) -> dict[str, dict]:
    """The `beta_scan:` section as model entries: {"beta0.5": hyperparameters, ...}; {} when it is unset.

    Each entry is the base model's, with the section's `hparams` and its beta on top.
    """
    if config.get("beta_scan") is None:
        return {}
    scan = BETA_SCAN_DEFAULTS | config["beta_scan"]
    base = config["models"].get(scan["base"])
    if base is None or base["kind"] != "vae":
        raise InputError(f"beta_scan.base: {scan['base']!r} is not a model of kind vae under `models`")
    return {f"beta{beta:g}": training_hparams(base) | scan["hparams"] | {"beta": float(beta)} for beta in scan["betas"]}


def optional_stages(config: dict) -> list[str]:
    """The optional stages the config turns on, each a rule file read only then: `search`, `beta_scan`,
    `amplification`, `particles` (constituents and at least one particle model)."""
    switched_on = {
        "search": bool(config.get("search")),
        "beta_scan": bool(beta_scan_models(config)),
        "amplification": bool(config.get("amplification")),
        "particles": bool(config.get("constituents") and config.get("particle_models")),
    }
    return [stage for stage, on in switched_on.items() if on]


def signal_sample(config: dict) -> str | None:
    """The sample whose label-1 events are the signal: `anomaly.signal`, else the one sample labelled 1, else
    the one LHCO file (which labels each event; its label-1 events never reach the training splits).

    None turns anomaly detection off: anomaly.signal is null and no single sample qualifies.
    """
    name = config["anomaly"].get("signal")
    if name is not None:
        if name not in config["samples"]:
            raise InputError(f"anomaly.signal: {name} is not under samples:")
        return name
    settings = {sample: sample_settings(config, sample) for sample in config["samples"]}
    labelled = [sample for sample, entry in settings.items() if entry.get("label") == 1]
    mixed = [sample for sample, entry in settings.items() if SOURCES[entry["source"]].labels_each_event]
    candidates = labelled or mixed
    return candidates[0] if len(candidates) == 1 else None


def scored_models(config: dict) -> list[str]:
    """`anomaly.models`, else every configured model of a kind that scores (a GAN's critic does not)."""
    names = config["anomaly"].get("models")
    if names is None:
        return [name for name, hparams in config["models"].items() if KINDS[hparams["kind"]].scores]
    unknown = sorted(set(names) - set(config["models"]))
    if unknown:
        raise InputError(f"anomaly.models: {', '.join(unknown)} not under models:")
    return list(names)


def latent_models(config: dict) -> list[str]:
    """The configured models of a kind with a latent space, whose codes get figures against the signal; none
    when no signal sample is known (dijetgen.latent compares the two)."""
    if signal_sample(config) is None:
        return []
    return [name for name, hparams in config["models"].items() if KINDS[hparams["kind"]].latent]
