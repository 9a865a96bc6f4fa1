"""Glue for scripts/: send all output to the rule's log and turn bad input into a one-line error."""

import logging
import os
import sys
import traceback

from dijetgen.errors import InputError


def run(snakemake, step) -> None:
    """Call step(snakemake) with stdout and stderr (C++ included) in snakemake.log[0].

    Warnings logged with `logging` reach both the log and the terminal. An InputError becomes one line on
    the terminal and in the log, and a non-zero exit, so Snakemake removes the job's outputs and the user
    sees the file or key at fault.
    """
    terminal = os.fdopen(os.dup(2), "w")
    with open(snakemake.log[0], "w") as log:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(log.fileno(), 1)
        os.dup2(log.fileno(), 2)
        to_terminal = logging.StreamHandler(terminal)
        to_terminal.setLevel(logging.WARNING)
        logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(message)s", force=True)
        logging.getLogger().addHandler(to_terminal)
        # matplotlib's PDF backend subsets fonts with fontTools, which logs every table it writes at INFO:
        # thousands of lines per figure job that bury the job's own messages.
        logging.getLogger("fontTools").setLevel(logging.WARNING)
        try:
            step(snakemake)
        except InputError as err:
            message = f"dijetgen error: {err}"
            print(message, file=sys.stderr, flush=True)
            print(message, file=terminal, flush=True)
            sys.exit(1)
        except Exception:
            traceback.print_exc()
            raise
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
