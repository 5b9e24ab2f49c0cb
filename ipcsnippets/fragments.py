"""Every generated fragment of the site, in one registry.

A fragment is a file under ``docs/`` that the pages include and nobody
edits: stored outputs, the matrix, the stress tables, the bench figures and
the diagrams. Each comes from stored data through a renderer, and goes
stale when that data's inputs (a snippet, its catalog entry) change.

Two jobs are kept apart. *Measuring* makes the stored data, with the
command each [Fragment][ipcsnippets.fragments.Fragment] names (``outputs
--update``, ``check --matrix``, ``stress --pages``, ``bench``,
``diagrams``). *Rendering* turns stored data into the files the pages
include: ``python -m ipcsnippets regen`` ([regen][ipcsnippets.fragments.regen])
does only that, and ``regen --check`` ([check][ipcsnippets.fragments.check])
writes nothing and names every fragment that is stale or was edited by
hand, one line each. The registry is ``_registry()``: a new kind of
fragment is one entry there.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, List, NamedTuple, Optional, Sequence

from .catalog import shown

REGEN = "python -m ipcsnippets regen"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` whole or not at all: an interrupted run or
    a reader at the same moment never sees half a file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


class Rendered(NamedTuple):
    """One generated file: where it goes, the stored data it is rendered
    from, and the text that data renders to."""

    path: Path
    source: Path
    text: str


def differences(rendered: Iterable[Rendered], name: str) -> List[str]:
    """One line per file that is missing or differs from what its data
    renders to; ``name`` is the fragment that ``regen`` renders again."""
    problems = []
    for r in rendered:
        if not r.path.is_file():
            problems.append(f"{shown(r.path)} is missing (run: {REGEN} {name})")
        elif r.path.read_text(encoding="utf-8") != r.text:
            problems.append(f"{shown(r.path)} does not match {r.source.name} (edited by hand? run: {REGEN} {name})")
    return problems


@dataclass(frozen=True)
class Fragment:
    """One kind of generated fragment.

    Attributes:
        name: what ``regen`` calls it.
        measure: the command that measures its stored data again.
        stale: every way the stored data is missing, out of date with its
            inputs, or disagrees with the catalog, one line each.
        rendered: every file with the text its stored data renders to.
        redraw: for a fragment that renders itself (the diagrams): write
            what differs, return the files written. ``rendered`` is then
            empty and ``stale`` names the files that differ.
    """

    name: str
    measure: str
    stale: Callable[[], List[str]]
    rendered: Callable[[], List[Rendered]] = list
    redraw: Optional[Callable[[], List[Path]]] = None

    def check(self) -> List[str]:
        """Every problem, one line each; nothing is written."""
        return self.stale() + differences(self.rendered(), self.name)

    def write(self) -> List[Path]:
        """Render every file whose text differs; return those written."""
        if self.redraw is not None:
            return self.redraw()
        written = []
        for r in self.rendered():
            if not r.path.is_file() or r.path.read_text(encoding="utf-8") != r.text:
                write_atomic(r.path, r.text)
                written.append(r.path)
        return written


def _registry() -> List[Fragment]:
    # Imported here: each of these modules imports write_atomic from this one.
    from . import matrix, outputs
    from .commands import bench, diagrams, redis_bench, stress

    return [
        Fragment("outputs", "python -m ipcsnippets outputs --update", outputs.check, outputs.rendered),
        Fragment("matrix", matrix.COMMAND, matrix.check_stored, matrix.rendered),
        Fragment("stress", stress.PAGES_COMMAND, stress.check_stored, stress.rendered),
        Fragment("bench", bench.COMMAND, bench.check_stored, bench.rendered),
        Fragment("redis-bench", redis_bench.COMMAND, redis_bench.check_stored, redis_bench.rendered),
        Fragment("diagrams", "python -m ipcsnippets diagrams", diagrams.check, redraw=diagrams.redraw),
    ]


class UnknownFragment(ValueError):
    """A name that is not in the registry."""


def chosen(names: Sequence[str] = ()) -> List[Fragment]:
    """The fragments called ``names`` (default: all); raises
    [UnknownFragment][ipcsnippets.fragments.UnknownFragment] for any other name."""
    registry = _registry()
    known = [f.name for f in registry]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UnknownFragment(f"unknown fragment {unknown[0]!r} (known: {', '.join(known)})")
    return [f for f in registry if not names or f.name in names]


def check(names: Sequence[str] = ()) -> List[str]:
    """Every stale or hand-edited fragment (or of ``names``), one line each."""
    return [line for f in chosen(names) for line in f.check()]


def regen(names: Sequence[str] = ()) -> List[Path]:
    """Render every fragment (or ``names``) from its stored data; measure
    nothing. Returns the files written."""
    return [path for f in chosen(names) for path in f.write()]
