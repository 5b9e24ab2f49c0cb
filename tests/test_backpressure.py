"""queues/backpressure.md: bounded queues, and a producer's memory without one."""
import multiprocessing
import queue
import re
import threading
import time

import pytest

from ipcsnippets import load

METHODS = multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("method", METHODS)
def test_a_full_queue_raises_at_once_after_the_timeout_or_waits_for_a_consumer(method, snippet_run):
    """backpressure.md: "put(item, timeout=t) waits up to t seconds, then
    raises queue.Full"; "put(item, block=False) [...] raises queue.Full at
    once"; "put(item) waits until a consumer takes one"; "full() is right at
    once after put()"."""
    result = snippet_run("queue_backpressure", method)
    assert result.output.splitlines() == [
        "3 items put; full: True",
        "put(block=False) on a full queue: queue.Full at once",
        "put(timeout=0.2) on a full queue: queue.Full; waited the whole timeout: True",
        "put() waited for the slow consumer: True",
    ], result.output


def test_put_with_no_timeout_waits_until_a_get_and_block_false_ignores_the_timeout():
    """backpressure.md: "With no consumer left, it waits for ever" (here: it
    is still waiting after a second, and returns at the first get()); "a
    timeout given with block=False is ignored"."""
    q = multiprocessing.Queue(maxsize=1)
    q.put(1)
    putter = threading.Thread(target=q.put, args=(2,), daemon=True)
    putter.start()
    putter.join(1)
    assert putter.is_alive()  # waiting for room
    assert q.get(timeout=10) == 1
    putter.join(10)
    assert not putter.is_alive() and q.get(timeout=10) == 2
    q.put(3)
    started = time.monotonic()
    with pytest.raises(queue.Full):
        q.put(4, block=False, timeout=5)
    assert time.monotonic() - started < 1
    assert q.get(timeout=10) == 3
    q.close()
    q.join_thread()


def memory_table(output):
    """[(items put, unbounded MB, bounded MB), ...] from the program's table."""
    return [(int(n), float(a), float(b)) for n, a, b in re.findall(r"^ +(\d+) +([\d.]+) +([\d.]+)$", output, re.M)]


@pytest.mark.parametrize("method", METHODS)
def test_the_unbounded_producer_holds_most_of_what_it_put_and_the_bounded_one_little(method, snippet_run):
    """backpressure.md: "the unbounded producer held at least half of the
    bytes it put, [...] its memory grew at each measurement, and [...] the
    bounded one held less than a tenth of what the unbounded one did"."""
    growth = load("queue_memory_growth")
    table = memory_table(snippet_run("queue_memory_growth", method).output)
    assert [n for n, _, _ in table] == list(range(growth.EVERY, growth.ITEMS + 1, growth.EVERY))
    unbounded = [a for _, a, _ in table]
    assert unbounded == sorted(unbounded) and len(set(unbounded)) == len(unbounded)
    assert unbounded[-1] >= 0.5 * growth.ITEMS * growth.SIZE / 1e6
    assert all(b < a / 10 for _, a, b in table)
    # About maxsize items, whatever the number put.
    assert max(b for _, _, b in table) <= 10 * growth.MAXSIZE * growth.SIZE / 1e6
