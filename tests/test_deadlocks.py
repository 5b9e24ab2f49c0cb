"""Join deadlocks and exit hangs: what docs/queues/deadlocks.md claims, proved.

A process that put data joins its queue's feeder thread when it exits; the
feeder cannot finish while the pipe is full and unread.
"""
import multiprocessing
import queue
import sys
import time
from multiprocessing.reduction import ForkingPickler

import pytest

from ipcsnippets import catalog, load
from ipcsnippets.runner import run_path
from _children import put_an_item_that_cannot_leave_then_cancel, put_then_exit

METHODS = multiprocessing.get_all_start_methods()
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="pipe sizes differ by OS")


def _stop(*processes):
    for p in processes:
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join(5)


def _close(*queues):
    for q in queues:
        q.close()
        q.join_thread()


def _wait_until_in_the_pipe(q, seconds=10):
    """Until the child's feeder has written something (empty() polls the pipe)."""
    deadline = time.monotonic() + seconds
    while q.empty():
        assert time.monotonic() < deadline, "the child never wrote into the pipe"
        time.sleep(0.01)


def _stacks(result):
    return {s.name: s.stack for s in result.stacks}


# --- joining before draining ---------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_join_before_drain_deadlocks_parent_in_join_child_joining_its_feeder(method, snippet_run):
    """deadlocks.md: "The child waits for its feeder, the feeder waits for a reader, and the
    only reader is waiting in `join()` for the child." and the three stacks
    the page lists."""
    result = snippet_run("join_before_drain", method)
    assert result.outcome == "hangs"
    assert result.duration <= 3.0
    assert "producer: put() returned; now exiting" in result.output
    assert "got " not in result.output
    stacks = _stacks(result)
    assert "process.py\", line" in stacks["MainProcess"] and " in join" in stacks["MainProcess"]
    child = stacks["producer"]
    # The child's main thread is in its exit path, joining the feeder thread...
    for frame in ("in _exit_function", "in _run_finalizers", "in _finalize_join"):
        assert frame in child, frame
    # ...and the feeder thread is writing into the full pipe.
    assert "in _feed" in child and "in _send" in child


@pytest.mark.parametrize("method", METHODS)
def test_drain_then_join_completes_and_the_child_exits_cleanly(method, snippet_run):
    """deadlocks.md: "The fix is to swap two lines: read first, then join." """
    result = snippet_run("drain_then_join", method)
    assert result.outcome == "completes", result.output
    assert result.output.splitlines()[-2:] == ["got 100000 bytes", "producer exit code: 0"]
    assert result.leftovers == []


# --- the exit hang: 65,600 bytes hang, 65,000 do not ---------------------------

def test_exit_hang_main_process_waits_for_its_feeder_at_exit(snippet_run):
    """deadlocks.md: "`main()` returned, yet the program never ended." (the exit handler
    joins the feeder: `_exit_function` -> `_run_finalizers` ->
    `_finalize_join`)."""
    result = snippet_run("exit_hang", "fork")  # no child: the start method plays no part
    assert result.outcome == "hangs"
    assert result.output.splitlines() == [
        "put 65600 bytes that nobody will read",
        "main() returns; Python now exits (or tries to)",
    ]
    main = _stacks(result)["MainProcess"]
    for frame in ("in _exit_function", "in _finalize_join", "in _feed", "in _send"):
        assert frame in main, frame


def test_the_same_program_with_65000_bytes_exits(tmp_path):
    """deadlocks.md: "With 65,000 bytes the same program exits at once"."""
    source = catalog.get("exit_hang").path.read_text()
    assert source.count("SIZE = 65_600") == 1
    smaller = tmp_path / "exit_hang_65000.py"
    smaller.write_text(source.replace("SIZE = 65_600", "SIZE = 65_000"))
    result = run_path(smaller, "fork", timeout=5)
    assert result.outcome == "completes", result.output
    assert "put 65000 bytes that nobody will read" in result.output
    assert result.duration < 3


@pytest.mark.parametrize("method", METHODS)
def test_a_child_that_put_65000_unread_bytes_exits(method):
    """deadlocks.md: "On Linux, a child that put 65,000 bytes exits"."""
    hang = load("exit_hang")
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    p = ctx.Process(target=hang.put_unread, args=(q, 65_000))
    try:
        p.start()
        p.join(10)
        assert p.exitcode == 0  # exited with its item still unread in the pipe
        assert len(q.get(timeout=5)) == 65_000
    finally:
        _stop(p)
        _close(q)


@pytest.mark.parametrize("method", METHODS)
def test_a_child_that_put_65600_unread_bytes_cannot_exit_until_someone_reads(method):
    """deadlocks.md: "one that put 65,600 bytes does not" and "Every process that put data
    behaves this way, the main process as well as a child." """
    hang = load("exit_hang")
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    p = ctx.Process(target=hang.put_unread, args=(q, 65_600))
    try:
        p.start()
        _wait_until_in_the_pipe(q)  # put() is done; all that is left is to exit
        p.join(1.0)
        assert p.is_alive() and p.exitcode is None
        assert len(q.get(timeout=5)) == 65_600  # reading it lets the feeder finish...
        p.join(10)
        assert p.exitcode == 0  # ...and the child exits
    finally:
        _stop(p)
        _close(q)


@linux_only
@pytest.mark.parametrize("size, exits", [(65_514, True), (65_515, False)])
def test_the_exact_limit_is_the_64_kib_pipe_minus_the_message_framing(size, exits):
    """deadlocks.md: "The exact limit on Linux is the pipe's capacity, 65,536 bytes. [...]
    `b"x" * 65514` pickles to 65,532 bytes [...] A process that put that
    item and nothing else exits; one byte more and it hangs."

    65,514 bytes pickle to 65,532; with the 4-byte length header that is
    exactly 65,536 bytes, a Linux pipe's default capacity. One byte more hangs."""
    assert len(ForkingPickler.dumps(b"x" * size)) + 4 == 65_536 + (0 if exits else 1)
    hang = load("exit_hang")
    ctx = multiprocessing.get_context("fork")  # the limit is the pipe's, not the start method's
    q = ctx.Queue()
    p = ctx.Process(target=hang.put_unread, args=(q, size))
    try:
        p.start()
        _wait_until_in_the_pipe(q)
        p.join(1.0 if not exits else 10)
        assert (p.exitcode == 0) is exits
        assert len(q.get(timeout=5)) == size
    finally:
        _stop(p)
        _close(q)


# --- cancel_join_thread(): exits at once, loses data ---------------------------

@pytest.mark.parametrize("method", METHODS)
def test_cancel_join_thread_child_exits_before_anything_is_read_and_items_are_lost(method, snippet_run):
    """deadlocks.md: "The child exited before the parent read anything." and "from none to
    64 (a Linux pipe holds 64 of these 1,022-byte messages). At least 136 of
    the 200 are lost on every run." """
    result = snippet_run("cancel_join_thread", method)
    assert result.outcome == "completes", result.output
    assert "producer exited before anything was read: True" in result.output
    received = int(result.output.split("received ")[1].split()[0])
    assert len(ForkingPickler.dumps(bytes([7]) * 1_000)) + 4 == 1_022  # pickle + length header
    # Each item is a 1,022-byte message; a Linux pipe holds 64 of them.
    assert received <= 64 if sys.platform.startswith("linux") else received < 200
    assert f"never consumed: {200 - received}" in result.output
    assert result.duration < 3


@pytest.mark.parametrize("method", METHODS)
def test_without_cancel_join_thread_the_same_child_waits_until_everything_is_read(method):
    """deadlocks.md: "a child that put 200 items of 1,000 bytes hangs the same way until
    someone reads them." """
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    p = ctx.Process(target=put_then_exit, args=(q, 200, False))
    try:
        p.start()
        _wait_until_in_the_pipe(q)
        p.join(1.0)
        assert p.is_alive()  # stuck at exit: 200 KB cannot fit in the pipe
        assert len([q.get(timeout=5) for _ in range(200)]) == 200  # nothing lost
        p.join(10)
        assert p.exitcode == 0
    finally:
        _stop(p)
        _close(q)


@pytest.mark.parametrize("method", METHODS)
def test_cancel_join_thread_an_item_still_in_the_feeder_is_lost_the_reader_gets_empty(method):
    """deadlocks.md: "An item that is still in the feeder thread when the process ends is
    lost entirely [...] the reader gets nothing but `queue.Empty`." """
    ctx = multiprocessing.get_context(method)
    q = ctx.Queue()
    p = ctx.Process(target=put_an_item_that_cannot_leave_then_cancel, args=(q,))
    try:
        p.start()
        started = time.monotonic()
        p.join(10)
        assert p.exitcode == 0
        assert time.monotonic() - started < 5  # not the 60 s the feeder would need
        with pytest.raises(queue.Empty):
            q.get(timeout=0.5)
    finally:
        _stop(p)
        _close(q)


HALF_SENT = '''
import multiprocessing
import time


def producer(q):
    q.put(b"x" * 100_000)
    while q.empty():  # until the feeder has started writing the item
        time.sleep(0.001)
    q.cancel_join_thread()


def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,))
    p.start()
    p.join(10)
    print("producer exit code", p.exitcode)
    q.get(timeout=1)
    print("not reached")


if __name__ == "__main__":
    main()
'''


@pytest.mark.parametrize("method", METHODS)
def test_cancel_join_thread_can_cut_a_large_item_and_then_get_blocks_despite_its_timeout(method, write_script):
    """deadlocks.md: "An item larger than the pipe can be cut in two. [...] The reader's
    `get(timeout=1)` then finds data at once, starts reading, and waits for
    the rest for ever: the timeout only covers the wait for the first
    byte."

    The pipe holds the first 64 KiB of a 100,000-byte item, the rest died
    with the child: get() finds data at once, then waits for the rest for ever
    (its timeout only covers the wait for the first byte)."""
    result = run_path(write_script(HALF_SENT), method, timeout=2)
    assert result.outcome == "hangs"
    assert "producer exit code 0" in result.output
    assert "not reached" not in result.output
    main = _stacks(result)["MainProcess"]
    assert "in get" in main and "in _recv_bytes" in main


def _sleep(seconds):
    time.sleep(seconds)


def test_join_with_a_timeout_does_not_raise_and_exitcode_none_means_still_running():
    """deadlocks.md: "`join(timeout)` does not raise. Check `p.exitcode`
    afterwards: `None` means the child is still running." """
    p = multiprocessing.Process(target=_sleep, args=(30,))
    p.start()
    try:
        assert p.join(0.2) is None  # returns after the timeout, raises nothing
        assert p.exitcode is None and p.is_alive()
    finally:
        p.kill()
        p.join(10)
    assert p.exitcode == -9
