"""The `dijetgen` command: what can be done with the project without running the workflow.

dijetgen check my.yaml     # the config as the workflow would take it, or one line naming file, line or key
dijetgen validate generated.parquet reference.parquet --train train.parquet --json metrics.json
                           # this project's metrics on anyone's samples, each with its floor from train
"""

import argparse
import sys
from pathlib import Path

import yaml

from dijetgen.atomic import write_json
from dijetgen.config import check_config, fill_derived_defaults, schema_error_message
from dijetgen.errors import InputError
from dijetgen.yaml_config import read_config

SCHEMA = Path(__file__).resolve().parents[1] / "config.schema.yaml"


def checked_config(path: str) -> dict:
    """The config file at `path` as the workflow sees it: read, validated against the schema (which fills in
    its defaults), derived defaults filled in, and checked; an InputError naming the file otherwise."""
    from snakemake.exceptions import WorkflowError  # the schema check is Snakemake's, as in the workflow
    from snakemake.utils import validate

    config = read_config(path)
    try:
        validate(config, str(SCHEMA))
    except WorkflowError as err:
        raise InputError(f"{path}: {schema_error_message(err)}") from None
    fill_derived_defaults(config)
    try:
        check_config(config)
    except InputError as err:
        raise InputError(f"{path}: {err}") from None
    return config


def check(path: str) -> str:
    """Read, validate and check the config file at `path`; a one-line summary, or an InputError."""
    config = checked_config(path)
    sizes = f"{len(config['samples'])} samples, {len(config['models'])} models"
    return f"{path}: ok ({sizes}, results in {config['results']}/)"


def schema_default(key: str):
    """The workflow's default for a top-level config key, so the command measures what the pipeline does."""
    return yaml.safe_load(SCHEMA.read_text())["properties"][key]["default"]


def read_table(path: str, features: list[str]):
    """The parquet file at `path` with every feature present and finite, or an InputError naming it."""
    import pyarrow

    from dijetgen.validation import read_checked

    try:
        return read_checked(path, features)
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (OSError, pyarrow.ArrowException) as err:
        raise InputError(f"{path}: not a readable parquet file ({str(err).strip().splitlines()[0]})") from None


def generated_metrics(generated, reference, features: list[str], seed: int, threads: int) -> dict:
    """The generated half of dijetgen.validation.validate (no train sample, so no floors): W1, KS and chi2/ndf
    per observable, FPD, KPD, the classifier AUC and the correlation difference, on the same shuffled events."""
    from dijetgen.observables import with_observables
    from dijetgen.validation import ValidationSettings, marginal_distances, sample_distances

    settings = ValidationSettings()
    sample = with_observables(generated, features).sample(len(generated), random_state=seed)
    test = with_observables(reference, features)
    marginals = marginal_distances(sample, test, settings, seed)
    distances = sample_distances(sample, test, features, settings, seed, threads)
    return {
        "events": {"generated": len(sample), "test": len(test)},
        "observables": {
            name: {metric: {"generated": value} for metric, value in columns.items()}
            for name, columns in marginals.items()
        },
        **{key: {"generated": distances[key]} for key in ("fpd", "kpd", "classifier_auc")},
        "correlation": {"features": list(features), "difference": distances["correlation_difference"].tolist()},
    }


def validate_files(generated: str, reference: str, train: str | None, features: list[str], seed: int, threads: int):
    """The metrics of the generated events against the reference ones; with `train`, each with its floor,
    exactly as the pipeline's validate rule computes them (dijetgen.validation.validate)."""
    from dijetgen.validation import ValidationSettings, json_safe, validate

    tables = {path: read_table(path, features) for path in filter(None, (generated, reference, train))}
    if train is None:
        return json_safe(generated_metrics(tables[generated], tables[reference], features, seed, threads))
    metrics = validate(
        tables[generated], tables[train], tables[reference], features, ValidationSettings(), seed, threads
    )
    return json_safe(metrics)


def measured(value) -> str:
    """A metric as text: value ± error for a measurement, the number for a plain one, blank for null (NaN)."""
    if isinstance(value, dict):
        return f"{measured(value['value'])} ± {measured(value['error'])}"
    return "" if value is None else f"{value:.4g}"


def metrics_table(metrics: dict) -> str:
    """W1 and KS per observable, then FPD, KPD and the classifier AUC; with a train sample, floors and ratios too."""
    parts = ("generated", "floor", "ratio") if "floor" in metrics["fpd"] else ("generated",)
    header = ["observable"] + [
        f"{metric} {part}".replace(" generated", "") for metric in ("W1", "KS") for part in parts
    ]
    rows = [
        [name] + [measured(distances[metric][part]) for metric in ("w1", "ks") for part in parts]
        for name, distances in metrics["observables"].items()
    ]
    rows += [[], ["metric", *parts[:2]]]
    for key, label in (("fpd", "FPD"), ("kpd", "KPD"), ("classifier_auc", "classifier AUC")):
        rows.append([label, *(measured(metrics[key][part]) for part in parts[:2])])
    widths = [max(len(row[i]) for row in [header, *rows] if len(row) > i) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip() for row in [header, *rows]]
    events = ", ".join(f"{count} {part}" for part, count in metrics["events"].items())
    return "\n".join([f"events: {events}", *lines])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dijetgen", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="check a config file before running the workflow on it")
    check_parser.add_argument("config", help="the config file (YAML)")
    validate_parser = commands.add_parser(
        "validate", help="this project's metrics (W1, KS, FPD, KPD, classifier AUC) of generated vs reference events"
    )
    validate_parser.add_argument("generated", help="generated events (parquet, one column per feature)")
    validate_parser.add_argument("reference", help="reference events, e.g. the test split (parquet)")
    validate_parser.add_argument("--train", help="real events the generator learnt from: each metric gets its floor")
    validate_parser.add_argument(
        "--features", nargs="+", default=schema_default("features"), help="columns to compare (default: the workflow's)"
    )
    validate_parser.add_argument("--seed", type=int, default=schema_default("seed"), help="default: the workflow's")
    validate_parser.add_argument("--threads", type=int, default=1, help="threads of the classifier and linear algebra")
    validate_parser.add_argument("--json", help="also write the metrics here, as the pipeline's metrics.json")
    arguments = parser.parse_args(argv)
    try:
        if arguments.command == "check":
            print(check(arguments.config))
        else:
            metrics = validate_files(
                arguments.generated,
                arguments.reference,
                arguments.train,
                arguments.features,
                arguments.seed,
                arguments.threads,
            )
            print(metrics_table(metrics))
            if arguments.json:
                write_json(metrics, arguments.json, indent=1, allow_nan=False)
    except InputError as err:
        print(f"dijetgen error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
