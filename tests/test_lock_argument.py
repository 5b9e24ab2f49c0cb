"""A synchronisation object created inline as a Process argument.

start() drops the process's arguments; under spawn and forkserver the lock's
named semaphore is unlinked when the lock is collected, so a child that opens
it by name afterwards fails. Keeping a reference is the fix.
"""
import multiprocessing
import sys
import weakref
from pathlib import Path

import pytest

from ipcsnippets import catalog, load

LINUX = sys.platform.startswith("linux")

OPENED = "child: holding the lock\nparent: the child's exit code is 0\n"
GONE = "FileNotFoundError: [Errno 2] No such file or directory\nparent: the child's exit code is 1\n"


def shm_path(lock) -> Path:
    """Where Linux keeps a named POSIX semaphore (the name starts with '/')."""
    return Path("/dev/shm") / ("sem." + lock._semlock.name.lstrip("/"))


def stop(process):
    process.join(10)
    if process.is_alive():
        process.kill()
        process.join(10)
    process.close()


# --- the programs -------------------------------------------------------------

def test_under_spawn_the_child_cannot_rebuild_the_inline_lock(snippet_run):
    result = snippet_run("lock_argument_collected", "spawn")
    assert result.outcome == "completes" and result.exit_code == 0  # the parent carries on
    assert result.output.endswith(GONE), result.output
    # It dies while unpickling its arguments, before work() runs.
    assert "in __setstate__\n    self._semlock = _multiprocessing.SemLock._rebuild(*state)" in result.output
    assert "holding the lock" not in result.output
    assert result.leftovers == []


def test_under_fork_the_inline_lock_works(snippet_run):
    result = snippet_run("lock_argument_collected", "fork")
    assert result.outcome == "completes"
    assert result.output == OPENED


@pytest.mark.parametrize("method", catalog.get("lock_argument_kept").methods())
def test_keeping_a_reference_works_under_every_method(method, snippet_run):
    result = snippet_run("lock_argument_kept", method)
    assert result.outcome == "completes"
    assert result.output == OPENED
    assert result.leftovers == []


@pytest.mark.parametrize("version", [(3, 9), (3, 10), (3, 11), (3, 12), (3, 13), (3, 14), (3, 15)],
                         ids=lambda v: f"{v[0]}.{v[1]}")
@pytest.mark.slow
def test_every_python_from_3_9_to_3_15_behaves_the_same(version, python_of, snippet_runs):
    """One run of each program per interpreter: the inline lock fails under
    spawn, works under fork; the kept lock works under spawn."""
    python = python_of(version)
    jobs = [("lock_argument_collected", "spawn", python), ("lock_argument_collected", "fork", python),
            ("lock_argument_kept", "spawn", python)]
    bug_spawn, bug_fork, kept_spawn = snippet_runs(jobs)
    assert bug_spawn.output.endswith(GONE), bug_spawn.output
    assert bug_fork.output == OPENED
    assert kept_spawn.output == OPENED


# --- the mechanism, in this process ---------------------------------------------

@pytest.mark.skipif(not LINUX, reason="named semaphores live in /dev/shm on Linux")
def test_start_drops_the_last_reference_and_the_name_is_unlinked_before_it_returns():
    ctx = multiprocessing.get_context("spawn")
    work = load("lock_argument_collected").work
    child = ctx.Process(target=work, args=(ctx.Lock(),))
    lock = weakref.ref(child._args[0])
    name = shm_path(child._args[0])
    assert name.exists()  # a spawn-context lock has a name while it lives
    try:
        child.start()
        assert lock() is None, "something still holds the lock after start()"
        assert not name.exists(), "the semaphore's name outlived the lock"
        child.join(10)
        assert child.exitcode == 1  # the child could not open it
    finally:
        stop(child)


@pytest.mark.skipif(not LINUX, reason="named semaphores live in /dev/shm on Linux")
def test_a_kept_lock_keeps_its_name_until_it_is_collected():
    ctx = multiprocessing.get_context("spawn")
    work = load("lock_argument_kept").work
    lock = ctx.Lock()
    name = shm_path(lock)
    child = ctx.Process(target=work, args=(lock,))
    try:
        child.start()
        assert name.exists()
        child.join(10)
        assert child.exitcode == 0
    finally:
        stop(child)
    del lock
    assert not name.exists()  # collected: the name goes with it


def test_a_fork_context_lock_has_no_name_to_lose():
    """Under fork the semaphore is unlinked at once and the child inherits it."""
    assert multiprocessing.get_context("fork").Lock()._semlock.name is None


@pytest.mark.parametrize("kind", ["RLock", "Semaphore", "Condition", "Event"])
def test_every_synchronisation_object_fails_the_same_way_under_spawn(kind, capfd):
    """The target, id(), does nothing with its argument: the child fails only if
    it cannot rebuild the object (exit code 1, FileNotFoundError on stderr)."""
    ctx = multiprocessing.get_context("spawn")
    kept = getattr(ctx, kind)()
    inline = ctx.Process(target=id, args=(getattr(ctx, kind)(),))
    control = ctx.Process(target=id, args=(kept,))
    try:
        inline.start()
        control.start()
        inline.join(10)
        control.join(10)
        assert (inline.exitcode, control.exitcode) == (1, 0)
    finally:
        stop(inline)
        stop(control)
    assert capfd.readouterr().err.count("FileNotFoundError: [Errno 2] No such file or directory") == 1


def start_with_event(ctx):
    """The same mistake in a more usual shape: the Event lives in a local
    variable of a helper that returns once the child is started."""
    ready = ctx.Event()
    child = ctx.Process(target=id, args=(ready,))
    child.start()
    return child


def test_a_helper_that_returns_after_start_loses_its_event_too(capfd):
    child = start_with_event(multiprocessing.get_context("spawn"))
    try:
        child.join(10)
        assert child.exitcode == 1
    finally:
        stop(child)
    assert "FileNotFoundError: [Errno 2] No such file or directory" in capfd.readouterr().err
