"""Atomic file writes: a crash or kill never leaves a file that looks complete but is not."""

import json
import os


def write_atomic(write, path: str) -> None:
    """Call write(tmp_path), then rename the temporary file to `path`."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    tmp = f"{path}.tmp{os.path.splitext(path)[1]}"  # keep the suffix: some writers pick the format from it
    write(tmp)
    os.replace(tmp, path)


def write_json(data, path: str, **options) -> None:
    def dump(tmp):
        with open(tmp, "w") as out:
            json.dump(data, out, **options)

    write_atomic(dump, path)
