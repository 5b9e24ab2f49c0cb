"""A consumer that dies mid-item: what is lost, who notices, who hangs."""
import multiprocessing
import os
import queue
import re
import threading
import time

import pytest

from ipcsnippets import load

METHODS = multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("method", METHODS)
def test_the_parent_notices_the_crash_and_names_the_lost_item(method, snippet_run):
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


def put_and_report(q, item, done):
    q.put(item)
    done.set()  # put() returned; whether the item ever gets written is another matter


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
