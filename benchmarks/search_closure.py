"""What limits the search template's closure: side-by-side densities on one data set, with two controls.

    python -m benchmarks.search_closure CONFIG [variant ...]

CONFIG is a search study's config whose feature tables exist (e.g. configs/search.yaml after its run, or
after `snakemake --until search_events`). The data is built as the workflow builds inject 0 (the
background's data part, no signal); each variant trains one sideband density per seed with the pipeline's
own `train_density`, samples the template with `sample_template`, and prints the closure AUC (SR data
against the template) of the study's own k-fold classifiers. A variant is `name:key=value;key=value`,
JSON values replacing keys of `search.density` (`bins=16`, `lr=1e-4`, `hidden=[128,128]`), or `sidebands`
(`sidebands=[2900,4400]`), or `sidebands_from="idealized"`: the densities learn the idealized reference's
sidebands instead of the data's (independent events, twice as many with configs/search.yaml); none gives
the config's own setting. With each variant, three controls from its first density's seed: that sideband
density sampled at the sidebands' own mjj against the sideband data (does it close where it learnt?), a
density of the SR data itself sampled at SR mjj (it learnt these very events, so it closes flatteringly),
and the floor: a density of the idealized reference's SR events (the same physics, none of the data's
events), sampled at SR mjj against the SR data. No interpolation enters the floor, only what a density
learnt from finite events gets wrong, so a template is not expected to close better (one training scatters
about it). BENCHMARKS.md, "What
limits the template's closure", holds the figures.
"""

import json
import sys

import numpy as np
import pandas as pd
import torch

from dijetgen.cli import checked_config
from dijetgen.crossfit import cross_fit, cross_validated_auc
from dijetgen.errors import InputError
from dijetgen.replicas import replica_seed, training_hparams
from dijetgen.search import (
    DATA,
    SIDEBAND,
    SIGNAL_REGION,
    assign_folds,
    classifier_inputs,
    idealized_part,
    injection_events,
    sample_template,
    search_events,
    signal_region_events,
    train_density,
    train_reference_density,
)

DENSITY_SEEDS = 2  # densities per variant: the search seed's and its first replica's


def inject_zero(config: dict, settings: dict) -> pd.DataFrame:
    """The search events of inject 0 for `settings` (its sidebands), as rules/search.smk builds them."""
    background, signal = (
        pd.read_parquet(f"{config['results']}/features/{settings[name]}.parquet") for name in ("background", "signal")
    )
    return injection_events(background, signal, 0, settings, settings["seed"])


def idealized_table(config: dict, settings: dict) -> pd.DataFrame:
    """The idealized reference's feature table: the data's physics, none of the data's events."""
    if settings["idealized"] is None:
        raise InputError("search.idealized: the closure floor needs an idealized reference, and the config has none")
    return pd.read_parquet(f"{config['results']}/features/{settings['idealized']}.parquet")


def reference_sideband_events(table: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """The idealized reference's background as search events (region, role, fold), for `sidebands_from`."""
    if settings["idealized"] == settings["background"]:
        table = table[idealized_part(table, settings["idealized_fraction"], settings["seed"])]
    return search_events(table[table["label"] == 0], table.iloc[:0], settings, settings["seed"])


def closure_auc(x: np.ndarray, y: np.ndarray, folds: np.ndarray, settings: dict) -> float:
    """Cross-validated AUC of class 1 against class 0 by the study's k-fold classifiers."""
    scores, _ = cross_fit(x, y, folds, x[:0], folds[:0], settings["classifier"], settings["seed"])  # no extra events
    return cross_validated_auc(y, scores)["cross_validated_auc"]


def template_closure(events: pd.DataFrame, template: pd.DataFrame, settings: dict) -> float:
    """SR data against a template, as the search's `template` classifiers see them."""
    return closure_auc(*classifier_inputs("template", events, template, settings["features"]), settings)


def controls(
    events: pd.DataFrame,
    training: pd.DataFrame,
    reference: pd.DataFrame,
    sideband_density,
    settings: dict,
    seed: int,
    workdir: str,
) -> tuple[float, float, float]:
    """(the sideband density against the sidebands it learnt (`training`'s) at their own mjj, a density of
    the SR data against the SR data, a density of the reference's SR events (`reference`) against the SR
    data: the floor)."""
    features = settings["features"]
    sidebands = training[(training["region"] == SIDEBAND) & (training["role"] == DATA)]
    n = round(settings["oversampling"] * len(sidebands))
    drawn = sideband_density.sample(n, seed + 1, condition=sidebands[[settings["condition"]]])
    table = pd.concat([sidebands, drawn.assign(sample="sideband_template", event=np.arange(n))], ignore_index=True)
    folds = assign_folds(table, settings["classifier"]["folds"], seed)
    y = np.repeat([1, 0], [len(sidebands), n])
    in_sidebands = closure_auc(table[features].to_numpy(np.float64), y, folds, settings)
    sr_density = train_density(events, settings, f"{workdir}/SR", "cpu", seed, where=SIGNAL_REGION)
    in_signal_region = template_closure(events, sample_template([sr_density], events, settings, seed), settings)
    reference_density = train_reference_density(reference, settings, f"{workdir}/reference_SR", "cpu", seed)
    floor = template_closure(events, sample_template([reference_density], events, settings, seed), settings)
    return in_sidebands, in_signal_region, floor


def main(config_path: str, *variants: str) -> None:
    config = checked_config(config_path)
    torch.set_num_threads(1)
    for variant in variants or ("config:",):
        name, _, overrides = variant.partition(":")
        settings = dict(config["search"])
        settings["density"] = training_hparams(settings["density"])
        settings["sidebands_from"] = "data"
        for item in filter(None, overrides.split(";")):
            key, _, value = item.partition("=")
            try:
                (settings if key in ("sidebands", "sidebands_from") else settings["density"])[key] = json.loads(value)
            except json.JSONDecodeError:
                raise InputError(f"variant {variant!r}: {item!r} is not key=JSON") from None
        if settings["sidebands_from"] not in ("data", "idealized"):
            raise InputError(f'variant {variant!r}: sidebands_from must be "data" or "idealized"')
        events, idealized = inject_zero(config, settings), idealized_table(config, settings)
        reference = signal_region_events(idealized, settings, settings["seed"])  # as the search's idealized step
        training = (
            reference_sideband_events(idealized, settings) if settings["sidebands_from"] == "idealized" else events
        )
        aucs = []
        for replica in range(DENSITY_SEEDS):
            seed = replica_seed(settings["seed"], replica, level="density_replica")
            workdir = f"{config['results']}/bench/search_closure/{name}/seed{seed}"
            density = train_density(training, settings, workdir, "cpu", seed)
            aucs.append(template_closure(events, sample_template([density], events, settings, seed), settings))
            if replica == 0:
                in_sidebands, in_signal_region, floor = controls(
                    events, training, reference, density, settings, seed, workdir
                )
        print(
            f"{name}: closure AUC {', '.join(f'{auc:.4f}' for auc in aucs)} ({DENSITY_SEEDS} density seeds); controls:"
            f" sideband density in the sidebands {in_sidebands:.4f}, SR density in the SR {in_signal_region:.4f},"
            f" floor (a density of the reference's SR) {floor:.4f}",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    try:
        main(*sys.argv[1:])
    except InputError as err:
        sys.exit(str(err))
