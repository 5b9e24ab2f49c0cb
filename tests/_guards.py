"""The leak guards (a plugin of tests/conftest.py): every test fails if it
leaves a process or an open pipe behind, and the run fails if it leaves a
semaphore or shared-memory segment in /dev/shm or a snippet run alive."""
from __future__ import annotations

import gc
import multiprocessing
import os
import time
from pathlib import Path

import psutil
import pytest

from ipcsnippets import runner
from _processes import now, open_channels, runs_alive, stray_processes


@pytest.fixture(scope="session", autouse=True)
def long_lived_helpers():
    """Start the helpers that live for the whole session before any test, so
    that their pipes are not taken for a test's leak."""
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    runner._RUNNING.ensure_watchdog()
    yield


def _opened_since(before: dict) -> dict:
    return {fd: t for fd, t in open_channels().items() if before.get(fd) != t}


@pytest.fixture(autouse=True)
def no_pipe_outlives_the_test():
    before = open_channels()
    yield
    leaked = _opened_since(before)
    if leaked:
        # A queue nobody references any more closes its pipe once collected.
        # Only then: a full collection costs about 25 ms in a worker, a
        # quarter of the suite's CPU if done after every test.
        gc.collect()
        leaked = _opened_since(before)
    # The forkserver's pipe appears with the first in-process forkserver test
    # and lives for the session, like the server.
    if leaked and os.path.isdir("/proc") and not _is_forkserver_pipe(leaked):
        pytest.fail(f"the test left {len(leaked)} pipe(s) or socket(s) open: "
                    + ", ".join(f"fd {fd} -> {t}" for fd, t in sorted(leaked.items())), pytrace=False)


def _is_forkserver_pipe(leaked: dict) -> bool:
    from multiprocessing import forkserver

    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    return alive is not None and set(leaked) <= {alive}


@pytest.fixture(autouse=True)
def no_process_outlives_the_test():
    # Start times have a resolution of 1/CLK_TCK (10 ms): a margin of 0.1 s.
    since = now() - 0.1
    first_pid = runner.last_pid()
    yield
    # Children of in-process tests may take a moment to be reaped after join().
    deadline = time.monotonic() + 2
    while True:
        multiprocessing.active_children()  # reaps finished children
        stray = stray_processes(since, first_pid)
        if not stray or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if stray:
        # Killed as the runner kills a tree: the resource trackers last, so
        # they unlink what they know of; then what the rest had mapped or
        # open in /dev/shm. A plain SIGKILL to all left semaphores behind.
        from ipcsnippets import _reaper

        _reaper.kill_and_clean(
            lambda: {int(line.split()[1]): line for line in stray_processes(since, first_pid)}, grace=3.0)
        pytest.fail("the test left processes behind: " + "; ".join(stray), pytrace=False)


# --- shared memory, semaphores and runs: checked once for the whole run ------

SHM = Path("/dev/shm")


def _shm_entries() -> set:
    if not SHM.is_dir():
        return set()
    # "sem." and not only "sem.mp-": glibc makes a semaphore under a temporary
    # name (sem.XXXXXX) first, and a kill at that moment leaves that name.
    return {p.name for p in SHM.iterdir() if p.name.startswith(("sem.", "psm_", "mp-"))}


# A pytest that a test of this suite starts (tests/redis/ runs one) would take
# the outer suite's runs and /dev/shm entries, made meanwhile by the other
# workers, for its own leaks. The outermost session checks the whole run,
# what the nested ones left included; a nested one names it as an ancestor.
OUTERMOST = "IPCSNIPPETS_OUTERMOST_PYTEST"


def _nested() -> bool:
    outer = os.environ.get(OUTERMOST, "")
    return outer.isdigit() and int(outer) in {p.pid for p in psutil.Process().parents()}


def pytest_configure(config):
    # Before xdist starts its workers (in pytest_sessionstart), so they inherit it.
    if not hasattr(config, "workerinput") and not _nested():
        os.environ[OUTERMOST] = str(os.getpid())


def pytest_sessionstart(session):
    # The controller, not an xdist worker, and not a pytest started by a test.
    if not hasattr(session.config, "workerinput") and not _nested():
        session.config._shm_before = _shm_entries()
        session.config._started = now() - 0.1  # start times are to 1/CLK_TCK


@pytest.hookimpl(trylast=True)  # after the controller's runs have ended (_runs.py)
def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_shm_before", None)
    if before is None:
        return
    deadline = time.monotonic() + 3  # resource trackers unlink as they exit; watchdogs kill
    while True:
        left = _shm_entries() - before
        alive = runs_alive(session.config._started, (OUTERMOST, os.environ[OUTERMOST]))
        if not (left or alive) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if left:
        print(f"\nLEAK: the suite left {len(left)} semaphore or shared-memory segment(s) in /dev/shm: "
              + ", ".join(sorted(left)))
        session.exitstatus = 1
    if alive:
        print(f"\nLEAK: the suite left {len(alive)} process(es) of snippet runs: " + "; ".join(alive))
        session.exitstatus = 1
