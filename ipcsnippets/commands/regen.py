"""``python -m ipcsnippets regen``: render the generated fragments from their stored data.

``regen [NAME ...]`` measures nothing: it renders every fragment the
registry in ``ipcsnippets/fragments.py`` lists (or those named) from its
stored data and writes each file that differs. ``--check`` writes nothing.
Either way it then names, one line each, every fragment that is still
stale (its data must be measured again, with the command the line names)
or, with ``--check``, edited by hand; the exit status is then 1.
"""
from __future__ import annotations

import sys

from .. import fragments
from ..catalog import shown
from ..runner import RunnerError
from . import EXIT_MISMATCH


def _regen(args) -> int:
    try:
        if not args.check:
            for path in fragments.regen(args.fragments):
                print(f"wrote {shown(path)}")
        problems = fragments.check(args.fragments)
    except fragments.UnknownFragment as exc:
        raise RunnerError(str(exc)) from None
    for line in problems:
        print(f"ipcsnippets: {line}", file=sys.stderr)
    if problems:
        return EXIT_MISMATCH
    print("fragments current: " + ", ".join(f.name for f in fragments.chosen(args.fragments)))
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("regen", help="render every generated fragment from its stored data (measures nothing)")
    p.add_argument("fragments", nargs="*", metavar="NAME",
                   help="outputs, matrix, stress, bench or diagrams (default: all)")
    p.add_argument("--check", action="store_true",
                   help="write nothing; name every fragment that is stale or edited by hand")
    p.set_defaults(handler=_regen)
