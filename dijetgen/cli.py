"""The `dijetgen` command: what can be done with the project without running the workflow.

dijetgen check my.yaml     # the config as the workflow would take it, or one line naming file, line or key
"""

import argparse
import sys
from pathlib import Path

from dijetgen.config import check_config, fill_derived_defaults, schema_error_message
from dijetgen.errors import InputError
from dijetgen.yaml_config import read_config

SCHEMA = Path(__file__).resolve().parents[1] / "config.schema.yaml"


def check(path: str) -> str:
    """Read, validate and check the config file at `path`; a one-line summary, or an InputError."""
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
    sizes = f"{len(config['samples'])} samples, {len(config['models'])} models"
    return f"{path}: ok ({sizes}, results in {config['results']}/)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dijetgen", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    check_parser = commands.add_parser("check", help="check a config file before running the workflow on it")
    check_parser.add_argument("config", help="the config file (YAML)")
    arguments = parser.parse_args(argv)
    try:
        print(check(arguments.config))
    except InputError as err:
        print(f"dijetgen error: {err}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
