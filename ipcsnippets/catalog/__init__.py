"""The catalog: every snippet, the page that shows it, and what it must do.

Entries live in one module per page (``ipcsnippets/catalog/<page>.py``);
this module gathers them and answers questions about them.
"""
from __future__ import annotations

import importlib
import multiprocessing
import pkgutil
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Mapping, Optional, Tuple

ROOT = Path(__file__).resolve().parents[2]
SNIPPETS_DIR = ROOT / "snippets"
DOCS_DIR = ROOT / "docs"
# Measured figures and generated tables (matrix, stress, bench, Redis rates).
MEASURED_DIR = DOCS_DIR / "measured"


def shown(path: Path) -> str:
    """``path`` relative to the project's root when it lies inside it (for messages)."""
    try:
        return str(Path(path).relative_to(ROOT))
    except ValueError:
        return str(path)


START_METHODS: Tuple[str, ...] = ("fork", "spawn", "forkserver")
"""Every start method the catalog knows, in the order pages show them."""
OWN = "own"
"""The method label of a snippet that picks its own start method."""
DEFAULT = "default"
"""The method label of a run with no start method imposed on a snippet that
takes one: the interpreter's default (the matrix's "default" column)."""


def imposed_method(method: Optional[str]) -> Optional[str]:
    """The start method to impose for a method label: None for ``own`` and
    ``default`` (and None). The one place where labels become methods."""
    return None if method in (OWN, DEFAULT, None) else method

def default_method(version: Optional[Tuple[int, ...]] = None, platform: str = sys.platform) -> str:
    """The start method a program gets when it chooses none, on ``platform``
    under Python ``version`` (default: the running one): ``spawn`` on Windows
    and macOS (since 3.8), ``fork`` elsewhere up to 3.13 and ``forkserver``
    from 3.14 (``Lib/multiprocessing/context.py`` of each version)."""
    version = tuple(version or sys.version_info[:2])
    if platform in ("win32", "darwin"):
        return "spawn"
    return "forkserver" if version >= (3, 14) else "fork"


COMPLETES, HANGS, RAISES = "completes", "hangs", "raises"
OUTCOMES = (COMPLETES, HANGS, RAISES)

REDIS = "redis"
"""What a snippet ``needs`` when it talks to a Redis server: redis-py (the
``redis`` package) importable, and a server, whose address the runner
passes in ``REDIS_URL``."""
NEEDS = {REDIS: "redis"}
"""Each known need and the module an interpreter must import for it."""

LOST_ITEMS = r"never consumed: [1-9]\d*"
"""What a snippet prints when items were put but never consumed."""


@dataclass(frozen=True)
class Expect:
    """What a run must do.

    Attributes:
        outcomes: the outcomes allowed (``completes``, ``hangs``, ``raises``);
            more than one when the snippet is a race whose result is luck.
        exception: for ``raises``, the name of the exception that ends the run,
            or names separated by ``|`` where which one comes is a race.
        shows: regular expressions that must each match the run's output.
        hides: regular expressions that must not match the run's output.
    """

    outcomes: FrozenSet[str]
    exception: Optional[str] = None
    shows: Tuple[str, ...] = ()
    hides: Tuple[str, ...] = ()

    def __post_init__(self):
        unknown = set(self.outcomes) - set(OUTCOMES)
        if not self.outcomes or unknown:
            raise ValueError(f"bad outcomes {sorted(self.outcomes)}")
        if (RAISES in self.outcomes) != (self.exception is not None):
            raise ValueError("name an exception exactly when the run may raise")

    @property
    def exceptions(self) -> Tuple[str, ...]:
        """The exception names a ``raises`` run may end with."""
        return tuple(self.exception.split("|")) if self.exception else ()

    def describe(self) -> str:
        """One short phrase, e.g. ``hangs`` or ``raises ValueError``."""
        words = []
        for outcome in OUTCOMES:
            if outcome in self.outcomes:
                words.append(f"raises {' or '.join(self.exceptions)}" if outcome == RAISES else outcome)
        text = " or ".join(words)
        if LOST_ITEMS in self.shows:
            text += ", loses items"
        return text


def completes(*shows: str, hides: Tuple[str, ...] = ()) -> Expect:
    """The run ends with exit status 0 and its output matches every pattern."""
    return Expect(frozenset({COMPLETES}), shows=shows, hides=hides)


def hangs(*shows: str, hides: Tuple[str, ...] = ()) -> Expect:
    """The run never ends by itself; the runner's timeout stops it."""
    return Expect(frozenset({HANGS}), shows=shows, hides=hides)


def raises(exception: str, *shows: str, hides: Tuple[str, ...] = ()) -> Expect:
    """The run ends with a traceback whose last line names ``exception``."""
    return Expect(frozenset({RAISES}), exception=exception, shows=shows, hides=hides)


def completes_or_hangs(*shows: str) -> Expect:
    """A race: most runs end, some hang for ever."""
    return Expect(frozenset({COMPLETES, HANGS}), shows=shows)


def loses_items(outcome: str = COMPLETES, *shows: str) -> Expect:
    """The run ends (or hangs) after reporting items that were never consumed."""
    return Expect(frozenset({outcome}), shows=(LOST_ITEMS, *shows))


@dataclass(frozen=True)
class Snippet:
    """One program in ``snippets/``.

    Attributes:
        name: the file's stem: ``snippets/<name>.py``.
        title: what the program shows, in a few words.
        page: the page that embeds it, relative to ``docs/``.
        expect: what a run must do under each start method; a key ``"*"``
            applies to every method not named. A key may end in ``">=3.12"``
            (``"fork>=3.12"``, ``"*>=3.12"``) for Python versions from that
            one on, where a version really behaves differently.
        timeout: seconds a run may take before the runner calls it hung.
        start_methods: the methods the runner imposes on it; empty when the
            snippet chooses its own (then it runs once, under ``"own"``).
        deterministic: False when two runs may print different things, so
            the page labels the output as one possible run.
        outputs_also_on: Python versions (``(3, 13)``) whose output the page
            shows too, beside the reader's Python, where the version changes
            what the program does.
        needs: what a run needs beyond the standard library (``REDIS``);
            such a snippet runs only on an interpreter that can import it.
    """

    name: str
    title: str
    page: str
    expect: Mapping[str, Expect]
    timeout: float
    start_methods: Tuple[str, ...] = START_METHODS
    deterministic: bool = True
    outputs_also_on: Tuple[Tuple[int, int], ...] = ()
    needs: Tuple[str, ...] = ()

    def __post_init__(self):
        unknown = set(self.needs) - set(NEEDS)
        if unknown:
            raise ValueError(f"{self.name}: unknown needs {sorted(unknown)} (known: {sorted(NEEDS)})")

    @property
    def modules(self) -> Tuple[str, ...]:
        """The modules beyond the standard library that the snippet imports."""
        return tuple(NEEDS[need] for need in self.needs)

    @property
    def path(self) -> Path:
        """The snippet's file."""
        return SNIPPETS_DIR / f"{self.name}.py"

    def methods(self) -> Tuple[str, ...]:
        """The start methods to run it under on this platform (``("own",)``
        for a snippet that picks its own)."""
        if not self.start_methods:
            return (OWN,)
        available = multiprocessing.get_all_start_methods()
        return tuple(m for m in self.start_methods if m in available)

    def expect_for(self, start_method: Optional[str], version: Optional[Tuple[int, int]] = None) -> Expect:
        """The expectation for one start method or method label (``None``,
        ``own`` or ``default``: none imposed) on one Python version (default:
        the running one)."""
        version = tuple(version or sys.version_info[:2])
        method = imposed_method(start_method) or (
            OWN if not self.start_methods else default_method(version))
        best: Optional[Tuple[Tuple[int, ...], int, Expect]] = None
        for key, expect in self.expect.items():
            who, _, since = key.partition(">=")
            if who not in (method, "*"):
                continue
            since_v = tuple(int(x) for x in since.split(".")) if since else (0,)
            if since_v > version:
                continue
            rank = (since_v, 1 if who == method else 0)
            if best is None or rank > best[:2]:
                best = (since_v, rank[1], expect)
        if best is None:
            raise KeyError(f"{self.name}: no expectation for {method} on Python {version}")
        return best[2]


class UnknownSnippet(LookupError):
    """Raised for a name that is not in the catalog; the message lists the known ones."""

    def __init__(self, name: str, known: Tuple[str, ...]):
        super().__init__(f"unknown snippet {name!r} (known: {', '.join(known)})")
        self.name = name


def _gather() -> Dict[str, Snippet]:
    entries: Dict[str, Snippet] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for snippet in getattr(module, "SNIPPETS", ()):
            if snippet.name in entries:
                raise ValueError(f"snippet {snippet.name!r} is in the catalog twice")
            if not re.fullmatch(r"[a-z][a-z0-9_]*", snippet.name):
                raise ValueError(f"snippet name {snippet.name!r} is not a module name")
            entries[snippet.name] = snippet
    return entries


CATALOG: Mapping[str, Snippet] = _gather()
"""Every snippet, by name."""


def names() -> Tuple[str, ...]:
    """The names of every snippet in the catalog, sorted."""
    return tuple(sorted(CATALOG))


_EXCLUDE_DOCS = re.compile(r"^exclude_docs: \|\n((?:[ \t]+.*\n)+)", re.M)


def site_pages() -> Tuple[str, ...]:
    """Every page the site is built from, relative to ``docs/``, sorted: the
    Markdown files that are not in a dot folder nor under a folder that
    ``exclude_docs`` in ``mkdocs.yml`` leaves out (included fragments such as
    ``outputs/``)."""
    block = _EXCLUDE_DOCS.search((ROOT / "mkdocs.yml").read_text())
    excluded = {line.strip().strip("/") for line in block.group(1).splitlines()} if block else set()
    pages = []
    for md in sorted(DOCS_DIR.rglob("*.md")):
        parts = md.relative_to(DOCS_DIR).parts
        if not any(part.startswith(".") for part in parts) and parts[0] not in excluded:
            pages.append(md.relative_to(DOCS_DIR).as_posix())
    return tuple(pages)


def get(name: str) -> Snippet:
    """The catalog entry for ``name``; raises [UnknownSnippet][ipcsnippets.catalog.UnknownSnippet]."""
    try:
        return CATALOG[name]
    except KeyError:
        raise UnknownSnippet(name, names()) from None
