"""The one error type that the pipeline turns into a one-line message."""


class InputError(Exception):
    """Bad user input; str() is one line naming the file or config key and the reason."""
