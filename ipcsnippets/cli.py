"""``python -m ipcsnippets``: list, run and check the snippets; keep outputs current.

Exit status: 0 success; 1 a snippet disagreed with the catalog (or a run
failed); 2 bad arguments; 124 a run hung (as timeout(1) does); 130 Ctrl-C.
"""
from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from typing import List, Optional

from . import catalog, commands, fragments, matrix, outputs
from .catalog import HANGS
from .commands import EXIT_HUNG, EXIT_INTERRUPTED, EXIT_MISMATCH, EXIT_USAGE
from .cases import cases, check
from .runner import RunnerError, check_start_method, run


def _parser() -> argparse.ArgumentParser:
    p = commands.Parser(prog="python -m ipcsnippets", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", required=True, parser_class=commands.Parser)
    sub.add_parser("list", help="every snippet, its page and what it must do")
    r = sub.add_parser("run", help="run one snippet as a script, with a timeout")
    r.add_argument("name")
    r.add_argument("--start-method", "-m")
    r.add_argument("--timeout", "-t", type=commands.seconds, help="seconds (default: the catalog's)")
    c = sub.add_parser("check", help="run every snippet under every start method; compare with the catalog")
    c.add_argument("names", nargs="*", metavar="NAME")
    c.add_argument("--start-method", "-m", action="append", dest="methods")
    c.add_argument("--jobs", "-j", type=int, default=None)
    c.add_argument("--matrix", action="store_true",
                   help="on every CPython 3.9+ found here (pyenv, PATH), against each version's expectations; "
                        "a full run writes docs/measured/matrix.json and matrix.md")
    c.add_argument("--python", action="append", dest="pythons", metavar="PATH",
                   help="with --matrix: also this interpreter (repeatable)")
    c.add_argument("--hang-limit", type=commands.seconds, metavar="S",
                   help="with --matrix: stop runs expected to hang after at most S seconds")
    o = sub.add_parser("outputs", help="store (--update) or verify (--check) the outputs the pages show")
    mode = o.add_mutually_exclusive_group(required=True)
    mode.add_argument("--update", action="store_true")
    mode.add_argument("--check", action="store_true")
    o.add_argument("names", nargs="*", metavar="NAME")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return p


def main(argv: Optional[List[str]] = None) -> int:
    args = _parser().parse_args(argv)
    try:
        for name in getattr(args, "names", None) or ([args.name] if hasattr(args, "name") else []):
            catalog.get(name)
        for method in getattr(args, "methods", None) or [getattr(args, "start_method", None)]:
            check_start_method(method)
        if getattr(args, "jobs", None) is not None and args.jobs < 1:
            raise RunnerError(f"--jobs must be at least 1, not {args.jobs}")
        handler = getattr(args, "handler", None) or _COMMANDS[args.command]
        return handler(args)
    except (catalog.UnknownSnippet, RunnerError) as exc:
        print(f"ipcsnippets: error: {exc.args[0]}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("ipcsnippets: interrupted; every process it started was stopped", file=sys.stderr)
        return EXIT_INTERRUPTED


def _list(args) -> int:
    width = max(map(len, catalog.names()))
    for name in catalog.names():
        s = catalog.get(name)
        expects = sorted({s.expect_for(m).describe() for m in s.methods()})
        print(f"{name:<{width}}  {s.page:<20}  {' / '.join(expects):<28}  {s.title}")
    return 0


def _run(args) -> int:
    result = run(args.name, args.start_method, args.timeout)
    sys.stdout.write(result.output)
    sys.stdout.flush()
    print(f"[{args.name} under {result.start_method}: {result.describe()} in {result.duration:.2f} s]", file=sys.stderr)
    if result.outcome == HANGS:
        print("Where each process was blocked:", file=sys.stderr)
        print(result.stack_report(), file=sys.stderr)
        return EXIT_HUNG
    if result.leftovers:
        print(f"left processes behind (killed): {', '.join(result.leftovers)}", file=sys.stderr)
    if result.exit_code == 0 and result.leftovers:
        return EXIT_MISMATCH
    return result.exit_code if result.exit_code and result.exit_code > 0 else (0 if result.exit_code == 0 else EXIT_MISMATCH)


def _check(args) -> int:
    if args.matrix:
        return matrix.main(args)
    if args.pythons or args.hang_limit:
        raise RunnerError("--python and --hang-limit need --matrix")
    names = args.names or list(catalog.names())
    checked = check(cases(names, args.methods), args.jobs)
    failures = 0
    width = max(len(n) for n in names)
    for c in checked:
        r = c.result
        failures += bool(c.problems)
        mark = "ok  " if not c.problems else "FAIL"
        print(f"{mark}  {r.name:<{width}}  {r.start_method:<10}  {r.describe():<34}  expected: {c.expect.describe()}")
        for p in c.problems:
            print(f"      {p}")
    print(f"{len(checked) - failures} passed, {failures} failed")
    return EXIT_MISMATCH if failures else 0


def _outputs(args) -> int:
    names = args.names or None
    if args.update:
        problems = outputs.update(names)
    else:
        problems = outputs.check(names) + fragments.differences(outputs.rendered(names), "outputs")
    for line in problems:
        print(line, file=sys.stderr)
    if not problems:
        what = "stored" if args.update else "current"
        print(f"outputs {what}: {len(args.names or catalog.names())} snippets")
    return EXIT_MISMATCH if problems else 0


_COMMANDS = {"list": _list, "run": _run, "check": _check, "outputs": _outputs}
