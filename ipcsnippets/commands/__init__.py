"""Extra subcommands of ``python -m ipcsnippets``, one module each.

A module here defines ``register(subparsers)``: it adds its parser and sets
``handler=function(args) -> exit status`` with ``parser.set_defaults``. The
CLI finds every module in this package, so adding a command touches no
other file. The argument types below are shared by the CLI and the commands
(the CLI imports this package, never the other way round).
"""
from __future__ import annotations

import argparse
import sys

from ..runner import RunnerError, check_timeout

EXIT_MISMATCH, EXIT_USAGE, EXIT_HUNG, EXIT_INTERRUPTED = 1, 2, 124, 130
"""Exit statuses: a run disagreed with the catalog; bad arguments; a run hung
(as timeout(1) says); Ctrl-C."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (no usage block) and exit 2."""

    def __init__(self, *args, label: str = "ipcsnippets", **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label

    def error(self, message):
        print(f"{self.label}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def seconds(text: str) -> float:
    """argparse type: a positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"timeout must be a positive number of seconds, not {text!r}")
    try:
        check_timeout(value)
    except RunnerError as exc:
        raise argparse.ArgumentTypeError(str(exc))
    return value


def positive(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value
