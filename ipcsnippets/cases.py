"""Cases: one snippet under one method on one interpreter, and checking them.

Everything that runs the catalog builds its cases with [cases][ipcsnippets.cases.cases]
and runs them with [check][ipcsnippets.cases.check]: ``check``, ``outputs
--update``, the matrix, ``stress`` and the test suite. A case's ``method`` is
a label: a start method, ``own`` (the snippet picks its own) or ``default``
(the matrix's column of runs with none imposed); ``start_method`` is what
the runner imposes, ``None`` for the last two (``catalog.imposed_method``
is the one place that converts).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, List, Optional, Sequence, Tuple

from . import catalog
from .catalog import OWN, Expect, Snippet, imposed_method
from .runner import RunResult, python_version, run_many


@dataclass(frozen=True)
class Case:
    """One run to make and the expectation it must meet.

    Attributes:
        name: the snippet.
        method: a start method, ``own`` or ``default`` (see the module).
        python: the interpreter (default: the one running this code).
        timeout: seconds before the run counts as hung (default: the catalog's).
    """

    name: str
    method: str
    python: Optional[str] = None
    timeout: Optional[float] = None

    @property
    def snippet(self) -> Snippet:
        return catalog.get(self.name)

    @property
    def start_method(self) -> Optional[str]:
        return imposed_method(self.method)

    @property
    def version(self) -> Tuple[int, ...]:
        """The interpreter's version: (major, minor), or longer where the caller knows it."""
        return python_version(self.python)

    def expect(self, version: Optional[Tuple[int, ...]] = None) -> Expect:
        """What the run must do on ``version`` (default: the interpreter's (major, minor))."""
        return self.snippet.expect_for(self.method, version or self.version)

    def run_args(self) -> dict:
        """The keyword arguments of [run][ipcsnippets.runner.run] for this case."""
        return dict(name=self.name, start_method=self.start_method, timeout=self.timeout, python=self.python)


def cases(
    names: Optional[Iterable[str]] = None,
    methods: Optional[Sequence[str]] = None,
    python: Optional[str] = None,
    columns: Optional[Callable[[Snippet], Sequence[str]]] = None,
) -> List[Case]:
    """Every case of the snippets ``names`` (default: the whole catalog) on
    ``python``: each method ``columns(snippet)`` gives (default: the snippet's
    own ``methods()``), kept when ``methods`` names it; ``own`` is always
    kept (such a snippet runs no other way)."""
    found = []
    for name in names or catalog.names():
        snippet = catalog.get(name)
        for method in (columns or Snippet.methods)(snippet):
            if methods and method != OWN and method not in methods:
                continue
            found.append(Case(name, method, python))
    return found


@dataclass
class Checked:
    """A case, its run, the expectation it was held to, and how they differ."""

    case: Case
    result: RunResult
    expect: Expect
    problems: List[str]


def check(
    todo: Sequence[Case],
    workers: Optional[int] = None,
    progress: Optional[Callable[[int, int], None]] = None,
    versions: Optional[Callable[[Case], Tuple[int, ...]]] = None,
    runs: Optional[Callable[[List[dict], int], List[RunResult]]] = None,
) -> List[Checked]:
    """Run every case (``workers`` at a time, see
    [run_many][ipcsnippets.runner.run_many]) and compare each run with its
    expectation; in the order of ``todo``. ``versions(case)`` gives the
    version to hold a run to (default: the interpreter's major and minor);
    ``runs(run_args, workers)`` replaces the pool (the tests share their runs)."""
    args = [case.run_args() for case in todo]
    results = runs(args, workers) if runs else run_many(args, workers, progress)
    return [judge(case, result, versions(case) if versions else None) for case, result in zip(todo, results)]


def judge(case: Case, result: RunResult, version: Optional[Tuple[int, ...]] = None) -> Checked:
    """Hold one run of ``case`` to its expectation on ``version`` (default: the interpreter's)."""
    expect = case.expect(version)
    return Checked(case, result, expect, result.problems(expect))
