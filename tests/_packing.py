"""The order in which pytest-xdist's workers take the tests.

With ``--dist worksteal`` the first W workers each get a contiguous share of
the collected tests (as many as ``pending // workers_left``), run it from the
front, and an idle worker later takes the back half of the longest queue. So
the order decides the packing: with the file order, the runs that wait for a
hang (five seconds each) fell at the end of some shares, and the last seconds
of a run had one core idle.

``pack`` puts each test in a share so that the shares' measured durations
(``tests/durations.json``) are even, the longest tests first within a share:
what is left at the end, and what gets stolen, are the short ones. Tests that
share an expensive module fixture (a Chromium tab, the parsed site) stay
together in their file's order. ``--store-durations`` writes the file anew.
"""
from __future__ import annotations

import json
import os
import statistics
from pathlib import Path
from typing import Callable, Dict, List, Sequence, TypeVar

import pytest

DURATIONS = Path(__file__).with_name("durations.json")

T = TypeVar("T")


def shares(count: int, workers: int) -> List[int]:
    """How many tests each worker gets first: xdist's split of ``count``."""
    sizes = []
    for left in range(workers, 0, -1):
        sizes.append(count // left)
        count -= sizes[-1]
    return sizes


def pack(items: Sequence[T], workers: int, seconds: Callable[[T], float],
         unit: Callable[[T], str]) -> List[T]:
    """``items`` reordered so that each of xdist's first shares holds about
    the same number of seconds. Items with the same ``unit`` stay together,
    in their order."""
    units: Dict[str, List[T]] = {}
    for item in items:
        units.setdefault(unit(item), []).append(item)
    cost = {key: sum(seconds(i) for i in group) for key, group in units.items()}
    sizes = shares(len(items), workers)
    room = list(sizes)
    load = [0.0] * workers
    chosen: List[List[str]] = [[] for _ in range(workers)]
    # Longest first, each into the least loaded share that has room for it.
    for key in sorted(units, key=lambda k: (-cost[k], k)):
        fits = [w for w in range(workers) if room[w] >= len(units[key])]
        if not fits:  # only when a unit is larger than a share: keep the order valid
            fits = [max(range(workers), key=lambda w: room[w])]
        w = min(fits, key=lambda w: (load[w], w))
        chosen[w].append(key)
        room[w] -= len(units[key])
        load[w] += cost[key]
    ordered = [item for share in chosen for key in share for item in units[key]]
    assert sorted(map(id, ordered)) == sorted(map(id, items))
    return ordered


class BadDurations(ValueError):
    """tests/durations.json cannot be read as {test id: seconds}."""


def load_durations(path: Path = DURATIONS) -> Dict[str, float]:
    """The stored durations; none if the file is missing (the file order is
    kept). A file that is there but unreadable is an error, not a silent
    fallback."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
        return {str(k): float(v) for k, v in data.items()}
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise BadDurations(f"{path.name} is not a JSON object of test id -> seconds ({exc}); "
                           "rewrite it with: pytest --store-durations") from None


def estimate(durations: Dict[str, float]) -> Callable[[str], float]:
    """Seconds for a test id; a test not measured yet counts as a typical one."""
    typical = statistics.median(durations.values()) if durations else 0.1
    return lambda nodeid: durations.get(nodeid, typical)


def store_durations(measured: Dict[str, float], path: Path = DURATIONS) -> None:
    text = json.dumps({k: round(v, 2) for k, v in sorted(measured.items())}, indent=0)
    path.write_text(text + "\n")


# --- the hooks (a plugin of tests/conftest.py) ----------------------------------

# Tests that share an expensive module fixture: one Chromium tab, the parsed site.
# The axe-core checks are a unit of their own, with their own Chromium: on
# the same worker as the other browser tests, that worker would run alone
# for the last part of the suite.
_KEEP_TOGETHER = ("tests/browser/test_browser_axe.py", "tests/browser/", "tests/test_links.py")
_measured: Dict[str, float] = {}  # in the controller: seconds per test, from every worker's reports


def pytest_addoption(parser):
    parser.addoption("--store-durations", action="store_true",
                     help="write each test's duration to tests/durations.json, "
                          "which orders the tests for the xdist workers")


def _unit(item) -> str:
    return next((group for group in _KEEP_TOGETHER if item.nodeid.startswith(group)), item.nodeid)


def pytest_collection_modifyitems(session, config, items):
    # In a worker (xdist resets the worker's own --dist to "no"); the split
    # mirrors --dist worksteal, the one in addopts.
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers < 2:
        return
    try:
        durations = load_durations()
    except BadDurations as exc:
        raise pytest.UsageError(str(exc)) from None
    if durations:
        seconds = estimate(durations)
        items[:] = pack(items, workers, lambda item: seconds(item.nodeid), _unit)


def pytest_runtest_logreport(report):
    _measured[report.nodeid] = _measured.get(report.nodeid, 0.0) + report.duration


def pytest_sessionfinish(session, exitstatus):
    if session.config.getoption("store_durations") and not hasattr(session.config, "workerinput") and _measured:
        store_durations(_measured)
