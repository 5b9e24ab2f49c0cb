"""The readers' command line, ``python -m ipcsnippets``, two ways: as a
process (what a reader types, exit status included), and in this process
(``cli.main``), for the many checks of what a bad input prints: a process
would start the interpreter and import the package only to be refused."""
from __future__ import annotations

import subprocess
import sys
from typing import NamedTuple

from ipcsnippets import catalog


def cli(*args, timeout=60) -> subprocess.CompletedProcess:
    """``python -m ipcsnippets ARGS`` run from the project's root."""
    return subprocess.run(
        [sys.executable, "-m", "ipcsnippets", *args],
        capture_output=True, text=True, timeout=timeout, cwd=catalog.ROOT,
    )


class Done(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def cli_in_process(capsys, *args) -> Done:
    """``cli.main(ARGS)``, its exit status as ``__main__`` would exit with it
    (argparse exits with SystemExit), and what it printed."""
    from ipcsnippets import cli as command_line

    capsys.readouterr()
    try:
        code = command_line.main(list(args))
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return Done(code, out, err)
