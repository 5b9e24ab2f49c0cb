"""``python -m ipcsnippets diagrams``: draw every diagram into ``docs/diagrams/``.

Each diagram is described in ``ipcsnippets/diagrams.py``. Without options
the command writes every SVG whose file differs from what its source draws;
``--check`` writes nothing and fails (exit status 1), naming each SVG that
is missing, stale, or drawn by no source. [check][ipcsnippets.commands.diagrams.check]
and [redraw][ipcsnippets.commands.diagrams.redraw] are what ``regen`` uses
(``ipcsnippets/fragments.py``), whatever draws the pictures.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import List

from .. import diagrams
from ..catalog import shown
from . import EXIT_USAGE


def check() -> List[str]:
    """One line per SVG that is missing, differs from its source, or has no source."""
    return diagrams.stale()


def redraw() -> List[Path]:
    """Draw every SVG that differs from its source; return the files written."""
    return diagrams.write_all()


def _diagrams(args) -> int:
    if args.check:
        problems = check()
        for line in problems:
            print(f"ipcsnippets: {line}", file=sys.stderr)
        if problems:
            print("run `python -m ipcsnippets diagrams` to redraw them", file=sys.stderr)
            return 1
        print(f"diagrams current: {len(diagrams.DIAGRAMS)}")
        return 0
    written = redraw()
    for path in written:
        print(f"wrote {shown(path)}")
    print(f"diagrams current: {len(diagrams.DIAGRAMS)} ({len(written)} redrawn)")
    return 0


def _diagrams_or_why_not(args) -> int:
    # Only drawing needs Graphviz; without it, or when it refuses a source,
    # one line says why.
    try:
        return _diagrams(args)
    except (diagrams.GraphvizMissing, diagrams.GraphvizError) as exc:
        print(f"ipcsnippets: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def register(subparsers) -> None:
    p = subparsers.add_parser("diagrams", help="draw every diagram into docs/diagrams/ (--check: only compare)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; fail naming each SVG that differs from what its source draws")
    p.set_defaults(handler=_diagrams_or_why_not)
