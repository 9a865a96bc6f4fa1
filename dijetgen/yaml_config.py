"""Config files as people write them: YAML 1.2 numbers, and syntax errors that name the file and the line.

PyYAML reads YAML 1.1, where `1e-3` (no dot) is a string, so `lr: 1e-3` would fail the schema's number
type. YAML 1.2, and every other tool users know, reads it as a number::

    yaml_1_2_numbers({"lr": "1e-3", "path": "run.h5"})   # {"lr": 0.001, "path": "run.h5"}
    read_config("my.yaml")   # InputError "my.yaml, line 4, column 3: ..." on a syntax error
"""

import re

import yaml

from dijetgen.errors import InputError

# The YAML 1.2 core schema's floats that YAML 1.1 misses: an exponent without a decimal point.
EXPONENT_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)[eE][-+]?[0-9]+")


def yaml_1_2_numbers(value):
    """`value` with every string that YAML 1.2 reads as a float turned into that float (keys are kept)."""
    if isinstance(value, dict):
        return {key: yaml_1_2_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [yaml_1_2_numbers(item) for item in value]
    if isinstance(value, str) and EXPONENT_FLOAT.fullmatch(value):
        return float(value)
    return value


def read_config(path: str) -> dict:
    """The config file at `path` as a dict, with YAML 1.2 numbers; one-line InputError on any problem."""
    try:
        with open(path, encoding="utf-8") as file:
            config = yaml.safe_load(file)
    except OSError as err:
        raise InputError(f"{path}: {err.strerror}") from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        where = f", line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise InputError(f"{path}{where}: {err.problem or err.context}") from None
    except yaml.YAMLError as err:
        raise InputError(f"{path}: not YAML ({err})") from None
    if not isinstance(config, dict):
        raise InputError(f"{path}: a config is a mapping of keys (seed:, samples:, ...), not a {type(config).__name__}")
    return yaml_1_2_numbers(config)
