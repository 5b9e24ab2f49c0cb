"""A consumer that dies mid-item: what is lost, who notices, who hangs."""
import multiprocessing
import os
import queue
import re
import signal
import threading
import time

import pytest

from ipcsnippets import load
from _children import _get_untimed, _sleep_and_return, put_and_report

METHODS = multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("method", METHODS)
def test_the_parent_notices_the_crash_and_names_the_lost_item(method, snippet_run):
    """crashes.md: "Item 13 is always missing." and "The parent collects
    results with a timeout and a deadline, so it always ends"; an exit code
    -15 comes only with a run that reached the deadline (the survivor was
    terminated)."""
    result = snippet_run("consumer_dies", method)
    assert result.outcome == "completes"
    received, missing = re.search(r"received (\d+) of 20 results; missing: \[([\d, ]*)\]", result.output).groups()
    missing = [int(n) for n in missing.split(", ")] if missing else []
    assert 13 in missing and int(received) + len(missing) == 20
    codes = re.search(r"worker exit codes: (\[.*\])", result.output).group(1)
    if codes == "[-15, -9]":
        # The crash left the results queue's write lock held: the survivor
        # could not flush, and the parent ended it at its deadline.
        assert result.duration >= load("consumer_dies").DEADLINE
    else:
        assert codes == "[-9, 0]"
    assert result.duration < 9  # the snippet's deadline is 5 s


class PicklesOnlyInItsCreator:
    """Pickles in the process that made it; in any other process its
    __reduce__ blocks: the worker's feeder thread can never write it."""

    def __init__(self):
        self.creator = os.getpid()

    def __reduce__(self):
        if os.getpid() != self.creator:
            threading.Event().wait()  # the feeder thread is stuck here for ever
        return (PicklesOnlyInItsCreator._remake, (self.creator,))

    @staticmethod
    def _remake(creator):
        item = PicklesOnlyInItsCreator.__new__(PicklesOnlyInItsCreator)
        item.creator = creator
        return item


@pytest.mark.parametrize("method", METHODS)
def test_a_result_whose_put_returned_dies_with_its_unflushed_putter(method):
    dies = load("consumer_dies")
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.Queue(), ctx.Queue()
    try:
        tasks.put(PicklesOnlyInItsCreator())  # the worker's put() of it returns...
        tasks.put(dies.CRASH_ON)              # ...then the worker crashes
        worker = ctx.Process(target=dies.worker, args=(tasks, results))
        worker.start()
        worker.join(10)
        assert worker.exitcode == -9
        with pytest.raises(queue.Empty):      # ...and the result never arrives
            results.get(timeout=0.5)
    finally:
        for q in (tasks, results):
            q.close()
            q.join_thread()


@pytest.mark.parametrize("method", METHODS)
def test_joinable_join_hangs_for_ever_after_a_consumer_dies(method, snippet_run):
    result = snippet_run("joinable_consumer_dies", method)
    assert result.outcome == "hangs"
    assert "done with item 3" not in result.output
    main = next(s.stack for s in result.stacks if s.name == "MainProcess")
    assert re.search(r"queues\.py\", line \d+ in join", main)


@pytest.mark.parametrize("method", METHODS)
def test_a_crash_while_writing_leaves_the_queue_locked_for_everyone(method):
    """The case the snippet's deadline is for: a process killed while its
    feeder thread holds the queue's write lock (here: mid-way through an item
    larger than the pipe) blocks every other writer of that queue for ever."""
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    # Keep a reference to every Event: after start() the parent drops a
    # Process's args, and under spawn a collected Event's semaphore can be
    # unlinked before the child has opened it.
    big_put, small_put = ctx.Event(), ctx.Event()
    big = ctx.Process(target=put_and_report, args=(q, b"x" * 1_000_000, big_put))
    small = ctx.Process(target=put_and_report, args=(q, "small", small_put))
    try:
        big.start()
        # Nobody reads, so the 1 MB write stalls with the write lock held.
        # Wait until the writer is stuck: the pipe shows data but the item is not complete.
        deadline = time.monotonic() + 10
        while q.empty() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not q.empty()
        big.kill()
        big.join(10)
        small.start()
        assert small_put.wait(10)  # its put() returned...
        small.join(1)
        assert small.is_alive()  # ...but it cannot exit: its feeder waits for the dead writer's lock
    finally:
        for p in (big, small):
            if p.is_alive():
                p.kill()
            p.join(10)
        q.close()
        q.join_thread()


class _Results:
    """A results queue whose first wait times out just as the worker
    flushes its last result and exits: the order the page warns about."""

    def __init__(self, worker):
        self.worker, self.pipe, self.waits = worker, [], 0

    def get(self, timeout):
        self.waits += 1
        if self.waits == 1:  # during this wait the worker flushes, then exits
            self.pipe.append("last result")
            self.worker.alive = False
            raise queue.Empty
        if self.pipe:
            return self.pipe.pop(0)
        raise queue.Empty


class _Worker:
    alive = True

    def is_alive(self):
        return self.alive


def test_collect_looks_before_the_wait_so_a_result_flushed_during_it_is_kept():
    """crashes.md: "A worker that exits normally flushes everything it put
    before it exits. So if no worker was alive *before* a wait, and the wait
    times out, nothing more is coming." Looking after the wait instead would
    report the last result missing."""
    dies = load("consumer_dies")
    worker = _Worker()
    results = _Results(worker)
    assert dies.collect(results, [worker], 2) == ["last result"]
    assert results.waits == 3  # the empty wait after the worker had ended


def _bytes_items(n):
    return [b"x" * 1000 for _ in range(n)]


def _wait_until_held(lock, seconds=10):
    """True once `lock` has stayed held for half a second: a feeder that
    writes small items never holds it that long, one blocked on a full
    pipe does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not lock.acquire(timeout=0.5):
            return True
        lock.release()
        time.sleep(0.02)
    return False


@pytest.mark.parametrize("method", METHODS)
def test_a_crash_holding_the_write_lock_starves_the_survivor_which_gets_minus_15(method, monkeypatch):
    """crashes.md: "If the crash comes while the dead worker's feeder
    thread holds the results queue's write lock, that lock is never
    released. The other worker's results can then never be written, and
    it cannot exit: its feeder waits for the lock at exit. At the deadline
    the parent ends it with terminate(), which is the -15." Made certain
    with the snippet's own worker, collect() and stop(): the dead worker's
    feeder is blocked on a full pipe, holding the lock, when it dies."""
    dies = load("consumer_dies")
    monkeypatch.setattr(dies, "DEADLINE", 1)  # the wait is the point, not its length
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.Queue(), ctx.Queue()
    crasher = ctx.Process(target=dies.worker, args=(tasks, results))
    survivor = ctx.Process(target=dies.worker, args=(tasks, results))
    try:
        crasher.start()
        for item in _bytes_items(100):  # 100 results of 1 KB: more than the pipe holds
            tasks.put(item)
        assert _wait_until_held(results._wlock)  # its feeder is stuck mid-queue, lock held
        tasks.put(dies.CRASH_ON)
        crasher.join(10)
        assert crasher.exitcode == -9
        assert not results._wlock.acquire(timeout=0.5)  # held by a dead process, for ever
        survivor.start()
        for item in (0, 1, 2, dies.SENTINEL):
            tasks.put(item)
        done = dies.collect(results, [crasher, survivor], 103)
        dies.stop([crasher, survivor])
        assert done and all(r == b"x" * 1000 for r in done)  # what was in the pipe...
        assert len(done) < 100  # ...not every result of the dead worker, and none of the survivor's
        assert survivor.exitcode == -15  # SIGTERM: the parent's terminate()
    finally:
        for p in (crasher, survivor):
            if p.is_alive():
                p.kill()
            p.join(10)
        for q in (tasks, results):
            q.close()
            q.join_thread()


@pytest.mark.skipif("forkserver" not in METHODS, reason="no forkserver here")
def test_stop_waits_for_the_exit_code_of_a_worker_it_terminated_even_when_it_comes_late():
    """consumer_dies.py's stop() prints the -15 it caused: under forkserver
    the server, not the parent, reaps the worker and sends its exit code
    back. With the server paused for 0.5 s (as a loaded machine can pause
    it), a join of 0.1 s after terminate() left exitcode None, and main()'s
    sorted() of the exit codes raised TypeError (seen once under load)."""
    from multiprocessing import forkserver

    dies = load("consumer_dies")
    ctx = multiprocessing.get_context("forkserver")
    stuck = ctx.Process(target=_sleep_and_return, args=(60,))
    stuck.start()
    server = forkserver._forkserver._forkserver_pid
    os.kill(server, signal.SIGSTOP)
    resume = threading.Timer(0.5, os.kill, (server, signal.SIGCONT))
    resume.start()
    try:
        dies.stop([stuck])
        assert stuck.exitcode == -15
    finally:
        resume.cancel()  # when stop() failed early: resume the server now
        resume.join(5)
        os.kill(server, signal.SIGCONT)
        if stuck.is_alive():
            stuck.kill()
        stuck.join(10)


@pytest.mark.parametrize("method", METHODS)
def test_a_consumer_killed_while_waiting_in_get_leaves_the_read_lock_held(method):
    """crashes.md: "A consumer killed while it waits in get() holds the
    queue's read lock, and after its death no one else can take an item"
    (get() holds the read lock while it waits; a killed process never
    releases it)."""
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    victim = ctx.Process(target=_get_untimed, args=(q,))
    try:
        victim.start()
        assert _wait_until_held(q._rlock)  # the victim waits in get(), holding it
        victim.kill()
        victim.join(10)
        q.put("an item")
        assert q._reader.poll(10)  # the item is in the pipe...
        with pytest.raises(queue.Empty):
            q.get(timeout=0.5)  # ...and nobody can take it
    finally:
        if victim.is_alive():
            victim.kill()
        victim.join(10)
        q.close()
        q.join_thread()
