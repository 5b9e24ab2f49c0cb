"""The version by start-method matrix: every snippet on every CPython found here.

``python -m ipcsnippets check --matrix`` finds the interpreters
([discover][ipcsnippets.matrix.discover]), runs every snippet of the catalog
under every start method on each of them ([run_matrix][ipcsnippets.matrix.run_matrix]),
compares each run with the catalog's expectation *for that Python version*
(``Snippet.expect_for(method, version)``) and stores the result for the
"Verified on" page: ``docs/measured/matrix.json`` and the Markdown that the
page includes, ``docs/measured/matrix.md`` ([render][ipcsnippets.matrix.render]).

The cells are [cases][ipcsnippets.cases.cases], run and compared by
[check][ipcsnippets.cases.check], like every other run of the catalog.
"""
from __future__ import annotations

import dataclasses
import datetime
import functools
import glob
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from . import catalog, outputs
from .cases import Case, cases, check
from .fragments import Rendered, write_atomic
from .catalog import DEFAULT, HANGS, OWN, START_METHODS
from .runner import RunnerError, RunResult, python_version
from .runner import can_import as runner_can_import

MEASURED_DIR = catalog.MEASURED_DIR
MATRIX_JSON = MEASURED_DIR / "matrix.json"
MATRIX_MD = MEASURED_DIR / "matrix.md"
COMMAND = "python -m ipcsnippets check --matrix"

OLDEST = (3, 9)
"""The oldest Python the snippets support; older interpreters are not looked at."""

REQUIRED_IN_CI = ((3, 9), (3, 11), (3, 13), (3, 14), (3, 15))
"""The versions CI must have (CI=true): the oldest, the one that runs the tools,
the last with fork as Linux's default, and the current releases (``make pythons``)."""

NOT_VERIFIED: Dict[Tuple[int, int], str] = {}
"""Versions the page names although no interpreter here could run them: version -> its known change."""

# DEFAULT, the column of runs with no start method imposed, is the
# interpreter's own default (fork on Linux up to 3.13, forkserver from
# 3.14), as a reader who runs ``python3 snippets/NAME.py`` gets it.


def methods_of(snippet: catalog.Snippet, version: Tuple[int, ...]) -> Tuple[str, ...]:
    """The matrix's columns for one snippet on one Python version: each
    imposed start method and the interpreter's default (when the snippet is
    meant for that method), or ``own`` for a snippet that chooses."""
    methods = snippet.methods()
    if methods == (OWN,) or catalog.default_method(version) not in methods:
        return methods
    return (*methods, DEFAULT)
AGREE, DIFFER = "✅", "❌"
NOT_RUN = "⚪"


# --- interpreters -------------------------------------------------------------

@dataclass(frozen=True)
class Interpreter:
    """One Python interpreter the matrix runs on.

    Attributes:
        path: the interpreter's own executable (``sys.executable``, resolved).
        version: ``(major, minor, micro)``.
        implementation: ``cpython``, ``pypy``, ...
        found: where it was found: ``pyenv``, ``PATH``, ``this``, ``--python``,
            or ``venv`` for this project's virtual environment
            ([environment][ipcsnippets.matrix.environment]).
        modules: the modules snippets may need (``catalog.NEEDS``) that
            it can import.
    """

    path: str
    version: Tuple[int, int, int]
    implementation: str = "cpython"
    found: str = ""
    modules: Tuple[str, ...] = ()

    @property
    def minor(self) -> Tuple[int, int]:
        return self.version[:2]

    @property
    def label(self) -> str:
        """``3.11.7`` (``3.11.7 venv`` for a virtual environment)."""
        return ".".join(map(str, self.version)) + (" venv" if self.found == VENV else "")


VENV = "venv"


def runs_on(snippet: catalog.Snippet, interpreter: Interpreter) -> bool:
    """Whether the matrix runs ``snippet`` on ``interpreter``: only where it
    can import what the snippet needs; and a virtual environment, which
    only adds packages to an interpreter the matrix runs anyway, runs only
    the snippets that need one."""
    if not set(snippet.modules) <= set(interpreter.modules):
        return False
    return interpreter.found != VENV or bool(snippet.modules)


def columns(snippet: catalog.Snippet, interpreter: Interpreter) -> Tuple[str, ...]:
    """The matrix's columns for one snippet on one interpreter (none where it does not run)."""
    return methods_of(snippet, interpreter.version) if runs_on(snippet, interpreter) else ()


def environment() -> List[Interpreter]:
    """This interpreter as its virtual environment, when it is one and can
    import a module some snippet needs (``make`` installs redis-py in
    ``.venv``): the matrix runs those snippets there. Empty otherwise."""
    wanted = sorted({m for s in catalog.CATALOG.values() for m in s.modules})
    have = tuple(m for m in wanted if runner_can_import(None, m))
    if sys.prefix == sys.base_prefix or not have:
        return []
    return [Interpreter(path=os.path.abspath(sys.executable), version=tuple(sys.version_info[:3]),
                        found=VENV, modules=have)]


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


_PROBE = ("import os, sys, importlib.util; print(os.path.realpath(sys.executable)); print(sys.implementation.name); "
          "print(*sys.version_info[:3]); print(*[m for m in sys.argv[1:] if importlib.util.find_spec(m)])")


def probe(path: str, found: str = "--python") -> Interpreter:
    """Ask ``path`` what it is; raise [RunnerError][ipcsnippets.runner.RunnerError]
    (one line) unless it is a Python interpreter of version 3.9 or newer."""
    if not os.path.isfile(path) or not os.access(path, os.X_OK):
        raise RunnerError(f"{path} is not a Python interpreter (no such executable file)")
    major_minor = python_version(path)  # raises RunnerError for anything else
    if major_minor < OLDEST:
        raise RunnerError(f"{path} is Python {major_minor[0]}.{major_minor[1]}; the snippets need 3.9 or newer")
    try:
        needed = sorted(set(catalog.NEEDS.values()))
        done = subprocess.run([path, "-I", "-c", _PROBE, *needed], capture_output=True, text=True, timeout=30)
        real, implementation, version, modules = (done.stdout.splitlines() + [""])[:4]
        triple = tuple(int(x) for x in version.split())
    except (OSError, ValueError, subprocess.TimeoutExpired):
        raise RunnerError(f"{path} is not a Python interpreter") from None
    return Interpreter(path=real, version=triple, implementation=implementation, found=found,
                       modules=tuple(modules.split()))


def pyenv_root() -> Optional[Path]:
    """``$PYENV_ROOT``, else what ``pyenv root`` says, else ``~/.pyenv`` if it exists."""
    root = os.environ.get("PYENV_ROOT")
    if not root and shutil.which("pyenv"):
        try:
            root = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=10).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            root = None
    path = Path(root) if root else Path.home() / ".pyenv"
    return path if path.is_dir() else None


_VERSIONED = re.compile(r"python3\.(\d+)$")


PROJECT_PYTHONS = catalog.ROOT / ".cache" / "pythons" / "root" / "usr" / "bin"
"""Where ``make pythons`` installs CPython 3.14 and 3.15 (``tools/pythons.sh``)."""


def candidates() -> List[Tuple[str, str]]:
    """``(path, where)`` of every ``python3.N`` (N >= 9) installed by ``make
    pythons``, under pyenv and on PATH, plus the interpreter running this code.
    Shims and links are resolved later."""
    found: List[Tuple[str, str]] = [
        (path, "make pythons") for path in sorted(glob.glob(str(PROJECT_PYTHONS / "python3.*")))
    ]
    root = pyenv_root()
    if root:
        for path in sorted(glob.glob(str(root / "versions" / "*" / "bin" / "python3.*"))):
            found.append((path, "pyenv"))
    shims = str(root / "shims") if root else None
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        # pyenv's shims only lead to the versions listed above (slowly).
        if folder and os.path.isdir(folder) and folder.rstrip(os.sep) != shims:
            for entry in sorted(os.listdir(folder)):
                found.append((os.path.join(folder, entry), "PATH"))
    found = [(p, w) for p, w in found if (m := _VERSIONED.search(os.path.basename(p))) and (3, int(m.group(1))) >= OLDEST]
    found.append((sys.executable, "this"))
    return found


def discover(extra: Iterable[str] = ()) -> List[Interpreter]:
    """Every CPython 3.9+ on this machine (pyenv versions, ``python3.N`` on PATH,
    the running one), deduplicated by the real path of the executable, sorted by
    version; plus each path in ``extra``, which must be a Python interpreter
    (else [RunnerError][ipcsnippets.runner.RunnerError])."""
    wanted = [probe(path) for path in extra]  # bad input fails first, in order
    seen = {i.path: i for i in wanted}
    found, real = [], set(seen)
    for path, where in candidates():  # one probe per real file
        if os.path.realpath(path) not in real:
            real.add(os.path.realpath(path))
            found.append((path, where))
    with ThreadPoolExecutor(max_workers=8) as pool:
        probed = list(pool.map(lambda c: _try_probe(*c), found))
    for interpreter in probed:
        if interpreter and interpreter.implementation == "cpython" and interpreter.path not in seen:
            seen[interpreter.path] = interpreter
    return sorted(seen.values(), key=lambda i: (i.version, i.path))


def _try_probe(path: str, where: str) -> Optional[Interpreter]:
    try:
        return probe(path, where)
    except RunnerError:
        return None  # a pyenv shim for a version that is not active, a broken link...


# --- the matrix ---------------------------------------------------------------

@dataclass
class Cell:
    """One run of the matrix: a snippet under one start method on one interpreter.

    ``expect_key`` is the catalog key whose expectation applied (``"*"``,
    ``"fork>=3.12"``...); ``output_tail`` keeps the last lines of a run that
    differed, to explain it.
    """

    python: str  # Interpreter.label
    path: str
    snippet: str
    method: str
    outcome: str
    result: str  # RunResult.describe()
    expected: str  # Expect.describe()
    expect_key: str
    problems: List[str]
    duration: float
    output_tail: str = ""

    @property
    def agrees(self) -> bool:
        return not self.problems


def cell_cases(
    interpreters: Sequence[Interpreter],
    names: Optional[Sequence[str]] = None,
    methods: Optional[Sequence[str]] = None,
    hang_limit: Optional[float] = None,
) -> List[Tuple[Interpreter, Case]]:
    """``(interpreter, case)`` for every cell.

    ``hang_limit`` shortens the time limit of the runs that are expected to
    (or may) hang, to at most that many seconds; every other run keeps the
    catalog's limit, so a slow run is never mistaken for a hang.
    """
    cells = []
    for interpreter in interpreters:
        for case in cases(names, methods, interpreter.path, functools.partial(columns, interpreter=interpreter)):
            if hang_limit is not None and HANGS in case.expect(interpreter.version).outcomes:
                case = dataclasses.replace(case, timeout=min(case.snippet.timeout, hang_limit))
            cells.append((interpreter, case))
    return cells


def run_matrix(
    interpreters: Sequence[Interpreter],
    names: Optional[Sequence[str]] = None,
    methods: Optional[Sequence[str]] = None,
    jobs: Optional[int] = None,
    hang_limit: Optional[float] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    runs: Optional[Callable[[List[dict], int], List[RunResult]]] = None,
) -> List[Cell]:
    """Run every snippet (or ``names``) under every start method (or ``methods``)
    on every interpreter; compare each run with the catalog's expectation for
    that interpreter's version. Runs go ``jobs`` at a time (default: four per
    CPU: most runs wait rather than compute). ``runs(run_args, jobs)``
    replaces the pool that makes the runs (the test suite shares its runs)."""
    planned = cell_cases(interpreters, names, methods, hang_limit)
    # Longest first (the runs that must hang wait out their limit), so that
    # no long run starts last and keeps the others waiting.
    order = sorted(range(len(planned)), key=lambda k: -_expected_seconds(*planned[k]))
    version = {interpreter.path: interpreter.version for interpreter in interpreters}
    # The whole version (3.11.7, not 3.11): behaviour can change in a
    # bug-fix release, and a catalog key may say ">=3.11.5".
    done = check([planned[k][1] for k in order], jobs or 4 * (os.cpu_count() or 1), progress,
                 versions=lambda case: version[case.python], runs=runs)
    checked = dict(zip(order, done))
    cells = []
    for k, (interpreter, case) in enumerate(planned):
        c = checked[k]
        result, snippet = c.result, case.snippet
        cells.append(Cell(
            python=interpreter.label, path=interpreter.path, snippet=case.name, method=case.method,
            outcome=result.outcome, result=result.describe(), expected=c.expect.describe(),
            expect_key=next(key for key, e in snippet.expect.items() if e is c.expect),
            problems=c.problems, duration=round(result.duration, 2),
            output_tail="\n".join(outputs.normalise(result.output).splitlines()[-12:]) if c.problems else "",
        ))
    return cells


def _expected_seconds(interpreter: Interpreter, case: Case) -> float:
    if HANGS in case.expect(interpreter.version).outcomes:
        return case.timeout or case.snippet.timeout
    return 0.2 if case.method == "fork" else 0.5


def record(interpreters: Sequence[Interpreter], cells: Sequence[Cell], seconds: float,
           hang_limit: Optional[float], jobs: int, load_before: Optional[Tuple[float, ...]]) -> dict:
    """The stored form of a full matrix (``docs/measured/matrix.json``)."""
    names = sorted({c.snippet for c in cells})
    return {
        "command": COMMAND + (f" --hang-limit {hang_limit:g}" if hang_limit else ""),
        "date": datetime.date.today().isoformat(),
        "platform": platform.system(),
        "cpu_count": os.cpu_count(),
        "load_average_before": load_before,
        "jobs": jobs,
        "hang_limit_s": hang_limit,
        "wall_seconds": round(seconds, 1),
        "interpreters": [asdict(i) for i in interpreters],
        "snippets": {
            n: {
                "page": catalog.get(n).page,
                "title": catalog.get(n).title,
                "source_sha256": outputs.source_hash(catalog.get(n)),
                "expect": expectations(catalog.get(n)),
                **({"needs": list(catalog.get(n).needs)} if catalog.get(n).needs else {}),
            }
            for n in names
        },
        "cells": [asdict(c) for c in cells],
    }


def expectations(snippet: catalog.Snippet) -> Dict[str, dict]:
    """The catalog entry's expectations in stored form, by key."""
    return {
        key: {"describe": e.describe(), "shows": list(e.shows), "hides": list(e.hides)}
        for key, e in snippet.expect.items()
    }


def load_average() -> Optional[Tuple[float, float, float]]:
    """The 1, 5 and 15 minute load averages, or None where the OS has none."""
    try:
        return tuple(round(x, 2) for x in os.getloadavg())
    except (AttributeError, OSError):
        return None


# --- the page -----------------------------------------------------------------

def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|")


def _code(pattern: str) -> str:
    fence = "`` " if "`" in pattern else "`"
    return f"{fence}{pattern}{fence[::-1]}"


def _version_sort(label: str) -> Tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", label))


def _key_words(key: str, keys: Sequence[str]) -> str:
    who, _, since = key.partition(">=")
    where = "every start method" if who == "*" else (f"start method {who}" if who != OWN else "its own start method")
    if since:
        return f"{where}, Python {since} and newer"
    versioned = sorted((k.partition(">=")[2] for k in keys if ">=" in k), key=_version_sort)
    return f"{where}, before Python {versioned[0]}" if versioned else where


BY_SNIPPET = "by-snippet"
"""The anchor of the table of every snippet by interpreter."""


def render(stored: dict) -> str:
    """The Markdown fragment the "Verified on" page includes: the grid (Python
    versions by start method), the cells that differ from the catalog with the
    reason, the snippets whose behaviour depends on the version, and one table
    of every snippet by interpreter. ``_context`` decides what it says;
    ``templates/matrix.md.j2`` lays it out."""
    return _template().render(_context(stored))


@functools.lru_cache(maxsize=None)
def _template():
    import jinja2  # here, not at the top: no other command of the package needs it

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
                             autoescape=False, undefined=jinja2.StrictUndefined)
    env.filters.update(md=_md, code=_code)
    env.globals.update(AGREE=AGREE, DIFFER=DIFFER, NOT_RUN=NOT_RUN, BY_SNIPPET=BY_SNIPPET)
    return env.get_template("matrix.md.j2")


def _context(stored: dict) -> dict:
    """What the page says, as plain strings, numbers, lists and dicts: which
    runs differ and their anchors, the versions not verified, what each
    snippet expects on each version and what it did."""
    interpreters = _interpreters(stored)
    cells = [Cell(**c) for c in stored["cells"]]
    snippets = stored["snippets"]
    methods = [m for m in (*START_METHODS, DEFAULT, OWN) if any(c.method == m for c in cells)]
    head = {OWN: "own choice", DEFAULT: "default"}
    labels = [i.label for i in interpreters]
    slug = {i.path: _slug(i.label if labels.count(i.label) == 1 else f"{i.label} {i.path}") for i in interpreters}

    def anchor(c: Cell) -> str:
        return f"differs-{slug[c.path]}-{c.method}-{_slug(c.snippet)}"

    def count(runs: List[Cell]) -> dict:
        """A table cell: how many runs it counts, and those that differ."""
        return {"runs": len(runs), "differ": [{"snippet": c.snippet, "column": head.get(c.method, c.method),
                                               "anchor": anchor(c)} for c in runs if not c.agrees]}

    by_snippet = []
    for name in sorted({c.snippet for c in cells}):
        mine = [c for c in cells if c.snippet == name]
        newest = max((i for i in interpreters if any(c.path == i.path for c in mine)), key=lambda i: i.version)
        did: Dict[str, List[str]] = {}
        for m in methods:
            c = next((c for c in mine if c.path == newest.path and c.method == m), None)
            if c is not None:
                did.setdefault(_short_result(c), []).append(head.get(m, m))
        what = next(iter(did)) if len(did) == 1 and OWN not in {c.method for c in mine} \
            else "; ".join(f"{', '.join(ms)}: {result}" for result, ms in did.items())
        by_snippet.append({"name": name, "page": snippets[name]["page"], "did": what,
                           "on": [count([c for c in mine if c.path == i.path]) for i in interpreters]})

    found_minors = {i.minor for i in interpreters}
    needing = sorted(n for n, s in snippets.items() if s.get("needs"))
    return {
        **{k: stored[k] for k in ("command", "date", "platform", "cpu_count", "jobs")},
        "wall_seconds": f"{stored['wall_seconds']:g}",
        "hang_limit": f"{stored['hang_limit_s']:g}" if stored.get("hang_limit_s") else "",
        "snippets": len(snippets),
        "interpreters": labels,
        "runs": len(cells),
        "columns": [head.get(m, m) for m in methods],
        "grid": [{"python": i.label, "where": _where(i),
                  "cells": [count([c for c in cells if c.path == i.path and c.method == m]) for m in methods]}
                 for i in interpreters],
        "missing": [{"version": ".".join(map(str, v)), "change": change}
                    for v, change in sorted(NOT_VERIFIED.items()) if v not in found_minors],
        "needing": needing,
        "needing_ran": sorted({c.python for c in cells if c.snippet in needing}, key=_version_sort),
        "differ": [{**asdict(c), "anchor": anchor(c), "page": snippets[c.snippet]["page"],
                    "tail": c.output_tail.splitlines()} for c in cells if not c.agrees],
        "versioned": [{"name": name, "page": s["page"], "title": s["title"],
                       "expectations": _by_version(s["expect"], [c for c in cells if c.snippet == name])}
                      for name, s in sorted(snippets.items()) if any(">=" in k for k in s["expect"])],
        "by_snippet": by_snippet,
    }


def _by_version(expect: Dict[str, dict], cells: Sequence[Cell]) -> List[dict]:
    """One snippet's expectations, oldest Python first: what each says beyond
    what they all say, and on which interpreters it was checked."""
    keys = list(expect)
    common_shows = set.intersection(*(set(e["shows"]) for e in expect.values()))
    common_hides = set.intersection(*(set(e["hides"]) for e in expect.values()))
    rows = []
    for key in sorted(keys, key=lambda k: _version_sort(k.partition(">=")[2] or "0")):
        e = expect[key]
        mine = [c for c in cells if c.expect_key == key]
        rows.append({
            "words": _key_words(key, keys), "describe": e["describe"],
            "shows": [p for p in e["shows"] if p not in common_shows and p != catalog.LOST_ITEMS],
            "hides": [p for p in e["hides"] if p not in common_hides],
            "checked_on": sorted({c.python for c in mine}, key=_version_sort),
            "differs_on": sorted({c.python for c in mine if not c.agrees}, key=_version_sort),
        })
    return rows


def _interpreters(stored: dict) -> List[Interpreter]:
    return [Interpreter(**{**i, "version": tuple(i["version"]), "modules": tuple(i.get("modules", ()))})
            for i in stored["interpreters"]]


def _short_result(c: Cell) -> str:
    if c.outcome == HANGS:
        return "hangs"
    if c.outcome == "raises":
        return c.result.split(" (")[0]
    return "completes" if c.result.startswith("completed") else c.result


# What make pythons installs, under any clone of the project.
_MADE_HERE = os.sep + os.path.relpath(PROJECT_PYTHONS, catalog.ROOT)


def _where(i: Interpreter) -> str:
    if i.found == VENV:
        return "the project's .venv, with " + ", ".join(i.modules)
    root = pyenv_root()
    if root and i.path.startswith(str(root) + os.sep):
        return "pyenv"
    if _MADE_HERE + os.sep in i.path:
        return "Debian unstable, make pythons"
    return i.path


def write(stored: dict) -> None:
    """Store ``matrix.json`` (one line per cell) and the fragment rendered from it."""
    head = {k: v for k, v in stored.items() if k != "cells"}
    text = json.dumps(head, indent=1, ensure_ascii=False)[:-2]
    text += ',\n "cells": [\n' + ",\n".join(
        "  " + json.dumps(c, ensure_ascii=False) for c in stored["cells"]) + "\n ]\n}\n"
    write_atomic(MATRIX_JSON, text)
    write_atomic(MATRIX_MD, render(stored))


def rendered() -> List[Rendered]:
    """``matrix.md`` as the stored ``matrix.json`` renders it (none when
    there is no readable matrix: ``check_stored()`` names that)."""
    try:
        stored = json.loads(MATRIX_JSON.read_text(encoding="utf-8"))
        _check_stored(stored)  # raises on a matrix of another shape
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return []
    # Not inside the try: an error of render() itself must not pass as "current".
    return [Rendered(MATRIX_MD, MATRIX_JSON, render(stored))]


def check_stored() -> List[str]:
    """Every way the stored matrix is out of date or disagrees, one line each:
    a snippet missing or changed since, a start method missing, a cell that
    differs from the catalog (its page fragment is compared by
    [fragments][ipcsnippets.fragments])."""
    if not MATRIX_JSON.is_file():
        return [f"no stored matrix (run: {COMMAND})"]
    try:
        return _check_stored(json.loads(MATRIX_JSON.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return [f"{MATRIX_JSON.name} is not a stored matrix of this version ({exc!r}; run: {COMMAND})"]


def _check_stored(stored: dict) -> List[str]:
    problems = []
    again = f" (run: {COMMAND})"
    interpreters = _interpreters(stored)
    for name in catalog.names():
        s = catalog.get(name)
        entry = stored["snippets"].get(name)
        if entry is None:
            problems.append(f"{name}: not in the stored matrix{again}")
            continue
        if entry["source_sha256"] != outputs.source_hash(s):
            problems.append(f"{name}: the snippet changed since the matrix was run{again}")
        if entry["expect"] != expectations(s):
            problems.append(f"{name}: its catalog entry changed since the matrix was run{again}")
        for interpreter in interpreters:
            path = interpreter.path
            ran = {c["method"] for c in stored["cells"] if c["snippet"] == name and c["path"] == path}
            wanted = set(columns(s, interpreter))
            if ran != wanted:
                problems.append(f"{name}: on {path} the matrix ran {sorted(ran)}, not {sorted(wanted)}{again}")
        if not any(runs_on(s, i) for i in interpreters):
            problems.append(f"{name}: no interpreter of the matrix could import {', '.join(s.modules)}{again}")
    for name in stored["snippets"]:
        if name not in catalog.CATALOG:
            problems.append(f"{name}: in the stored matrix but no longer in the catalog{again}")
    for c in stored["cells"]:
        if c["problems"]:
            problems.append(f"{c['snippet']} [{c['method']}] on Python {c['python']}: " + "; ".join(c["problems"]))
    return problems


# --- the command ----------------------------------------------------------------

def main(args) -> int:
    """``check --matrix``: run, print the grid, store it when the run was complete."""
    interpreters = discover(args.pythons or ()) + environment()
    methods = args.methods or None
    jobs = args.jobs or 4 * (os.cpu_count() or 1)
    partial = bool(args.names or methods)
    print(f"{len(interpreters)} interpreters: " + ", ".join(f"{i.label} ({_where(i)})" for i in interpreters))
    load_before = load_average()
    started = time.monotonic()
    cells = run_matrix(interpreters, args.names or None, methods, jobs, args.hang_limit,
                       _progress if sys.stderr.isatty() else None)
    seconds = time.monotonic() - started
    if sys.stderr.isatty():
        print(file=sys.stderr)
    _print_grid(interpreters, cells)
    differ = [c for c in cells if not c.agrees]
    for c in differ:
        print(f"FAIL  {c.python}  {c.method:<10}  {c.snippet}: {c.result}; expected: {c.expected}")
        for p in c.problems:
            print(f"      {p}")
    print(f"{len(cells) - len(differ)} agree, {len(differ)} differ; {len(cells)} runs in {seconds:.1f} s")
    if partial:
        print("a partial matrix (names or start methods chosen): the page data was not written")
    else:
        write(record(interpreters, cells, seconds, args.hang_limit, jobs, load_before))
        print(f"wrote {os.path.relpath(MATRIX_JSON, catalog.ROOT)} and {os.path.relpath(MATRIX_MD, catalog.ROOT)}")
    return 1 if differ else 0


def _progress(done: int, total: int) -> None:
    print(f"\r{done}/{total} runs", end="", file=sys.stderr, flush=True)


def _print_grid(interpreters: Sequence[Interpreter], cells: Sequence[Cell]) -> None:
    methods = [m for m in (*START_METHODS, DEFAULT, OWN) if any(c.method == m for c in cells)]
    labels = [f"{i.label} ({_where(i)})" for i in interpreters]
    width = max(map(len, labels))
    print(f"{'Python':<{width}}  " + "  ".join(f"{m:<14}" for m in methods))
    for i, label in zip(interpreters, labels):
        row = []
        for m in methods:
            group = [c for c in cells if c.path == i.path and c.method == m]
            ok = sum(c.agrees for c in group)
            row.append("-" if not group else f"{ok}/{len(group)} " + ("ok" if ok == len(group) else "DIFFER"))
        print(f"{label:<{width}}  " + "  ".join(f"{r:<14}" for r in row))
