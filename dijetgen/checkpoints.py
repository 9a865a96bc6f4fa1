"""Checkpoint files: a JSON header plus nested dicts of tensors, read back with torch.load(weights_only=True).

Nothing in a checkpoint is unpickled as an arbitrary object, so a file from elsewhere cannot run code, and
the header (model kind, features, hyperparameters, preprocessing) stays readable as plain JSON.
"""

import json
import os

import torch

from dijetgen.atomic import write_atomic
from dijetgen.errors import InputError

FORMAT = 1


class CheckpointError(InputError):
    """A checkpoint that is missing, unreadable, or does not fit what the caller expects."""


def first_sentence(err: Exception) -> str:
    """The gist of a library error (torch's run to several sentences and lines) for a one-line message."""
    text = str(err).strip().splitlines()
    return text[0].split(". ")[0] if text else type(err).__name__


def save_checkpoint(path, header: dict, tensors: dict) -> None:
    """Write atomically, so an interrupted save leaves the previous checkpoint intact."""
    write_atomic(
        lambda tmp: torch.save({"format": FORMAT, "header": json.dumps(header), "tensors": tensors}, tmp), str(path)
    )


def load_checkpoint(path) -> tuple[dict, dict]:
    """(header, tensors) of a checkpoint, on the CPU; CheckpointError names the file and the reason."""
    if not os.path.exists(path):
        raise CheckpointError(f"{path}: no such checkpoint")
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
        if payload.get("format") != FORMAT:
            raise ValueError(f"format {payload.get('format')!r}, expected {FORMAT}")
        return json.loads(payload["header"]), payload["tensors"]
    except Exception as err:
        raise CheckpointError(f"{path}: not a readable dijetgen checkpoint ({first_sentence(err)})") from err
