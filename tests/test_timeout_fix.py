"""The taught timeout fix is flawed in each way the page says; the sentinel fix is not."""
import inspect
import multiprocessing
import queue
import re
import threading
import time

import pytest

from ipcsnippets import load

METHODS = multiprocessing.get_all_start_methods()


def test_get_with_block_false_ignores_the_timeout():
    """fixes.md: "With `block=False`, `get()` ignores `timeout` and raises `queue.Empty`
    at once." """
    q = multiprocessing.Queue()
    try:
        started = time.monotonic()
        with pytest.raises(queue.Empty):
            q.get(block=False, timeout=5)
        assert time.monotonic() - started < 2.5  # half the timeout: a busy machine may stall it
    finally:
        q.close()
        q.join_thread()


_feeder_may_go = threading.Event()


class HeldByTheFeeder:
    """An item the parent's feeder thread cannot pickle until the test says so:
    "put() returned, but the item is not in the pipe yet", made certain."""

    def __reduce__(self):
        assert _feeder_may_go.wait(10), "the test never released the feeder"
        return (int, (7,))


@pytest.mark.parametrize("method", METHODS)
def test_taught_consumers_stop_while_put_items_are_still_unconsumed(method):
    """fixes.md: "`empty()` looks at the pipe, so it can be `True` while the producer is
    still working or its feeder still holds items. The consumers stop, and
    those items are never consumed." """
    taught = load("timeout_fix_taught")
    ctx = multiprocessing.get_context(method)
    q, counts = ctx.Queue(), ctx.Queue()
    _feeder_may_go.clear()
    try:
        for _ in range(3):
            q.put(HeldByTheFeeder())  # put() returns at once
        consumers = [ctx.Process(target=taught.consumer, args=(q, counts)) for _ in range(2)]
        for p in consumers:
            p.start()
        taken = [counts.get(timeout=10) for _ in consumers]
        for p in consumers:
            p.join(10)
            assert p.exitcode == 0
        # Both consumers saw empty() and stopped; all three items were put and
        # none was consumed.
        assert taken == [0, 0]
    finally:
        _feeder_may_go.set()
        # Now the feeder flushes; read the items back so nothing is left.
        assert [q.get(timeout=10) for _ in range(3)] == [7, 7, 7]
        for c in (q, counts):
            c.close()
            c.join_thread()


@pytest.mark.parametrize("method", METHODS)
def test_taught_fix_loses_items_then_the_parent_hangs_at_exit(method, snippet_run):
    """fixes.md: "The consumers stopped long before the producer was done, and the parent
    then hung at exit with the rest of the items in its feeder thread." """
    result = snippet_run("timeout_fix_taught", method)
    assert result.outcome == "hangs"
    consumed, lost = map(int, re.search(r"consumed (\d+) of 200 items; never consumed: (\d+)", result.output).groups())
    assert consumed + lost == 200 and lost > 0
    main = next(s.stack for s in result.stacks if s.name == "MainProcess")
    # The main thread waits for the feeder thread, which waits to write into a full pipe.
    assert "_feed" in main and "join" in main


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.slow
def test_sentinel_fix_consumes_every_item_exactly_once_in_20_runs(method, snippet_run, main_runs):
    """fixes.md: "The test suite runs this program 20 times under each start method and
    checks that every item is consumed exactly once each time."

    The catalog's run of the program (shared with test_snippets), then its
    main() 19 more times in one run (_runs.py's main_runs)."""
    first = snippet_run("sentinel_fix", method)
    assert first.outcome == "completes" and first.leftovers == [], first.output
    more, outputs = main_runs("sentinel_fix", method, 19)
    assert more.outcome == "completes" and more.leftovers == [], more.output[-3000:]
    outputs = [first.output] + outputs
    assert len(outputs) == 20
    for output in outputs:
        assert "consumed 200 of 200 items; never consumed: 0" in output, output
        assert "every item exactly once: True" in output, output


def test_sentinel_consumer_stops_at_its_sentinel_and_leaves_the_rest():
    """fixes.md: "Each consumer takes items until it takes a sentinel." (and stops
    there: the item after it is left for others)."""
    fix = load("sentinel_fix")
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    try:
        for item in (2, 3, fix.SENTINEL, 5):
            tasks.put(item)
        p = multiprocessing.Process(target=fix.consumer, args=(tasks, results))
        p.start()
        got = [results.get(timeout=10), results.get(timeout=10)]
        p.join(10)
        assert p.exitcode == 0 and got == [4, 9]
        assert tasks.get(timeout=10) == 5  # the item after the sentinel is untouched
    finally:
        for c in (tasks, results):
            c.close()
            c.join_thread()


def test_the_taught_programs_hang_is_built_into_its_sizes():
    """fixes.md: "Its producer sleeps 2 ms per item [...] its 200 items of
    10 KB are far more than a pipe holds: unless the consumers take nearly
    all of them, what they leave makes the parent hang." Six items (60 KB)
    fit in Linux's 64 KiB pipe; seven do not."""
    taught = load("timeout_fix_taught")
    source = inspect.getsource(taught.produce)
    assert "time.sleep(0.002)" in source
    assert taught.ITEMS == 200 and len(taught.produce(0)) == 10_000
    assert taught.ITEMS * len(taught.produce(0)) > 30 * 65_536  # Linux's pipe
    assert 6 * 10_000 < 65_536 < 7 * 10_000


def test_a_bare_except_swallows_keyboard_interrupt_and_real_errors():
    """fixes.md: "The bare `except:` also swallows real errors and
    `KeyboardInterrupt`." """
    swallowed = []
    for error in (KeyboardInterrupt, ZeroDivisionError, SystemExit):
        try:
            raise error
        except:  # noqa: E722 (the point of the test)
            swallowed.append(error)
    assert swallowed == [KeyboardInterrupt, ZeroDivisionError, SystemExit]


# Snippets that show the right way on fixes.md, crashes.md and deadlocks.md.
CORRECT = ("sentinel_fix", "get_timeout_fix", "joinable_queue", "consumer_dies", "drain_then_join",
           "exercise_one_sentinel_fixed", "exercise_worker_fails_fixed", "exercise_results_grow_fixed",
           "exercise_task_done_fixed", "exercise_swallowed_error_fixed")


def _untimed_waits(name):
    from _waits import untimed_waits
    from ipcsnippets import catalog

    return [f"{name}.py:{found}" for found in untimed_waits(catalog.get(name).path.read_text())]


@pytest.mark.parametrize("name", CORRECT)
def test_every_wait_in_a_correct_pattern_snippet_has_a_timeout(name):
    """fixes.md's rule: "Give every blocking call a timeout", and of the
    sentinel fix: "Every blocking call has a timeout". Each call of get(),
    join(), poll() or wait() passes a timeout, and none is passed on
    uncalled (recv() has none: a snippet that used it would be listed; put()
    on an unbounded queue never waits)."""
    assert _untimed_waits(name) == []


def test_the_timeout_check_finds_an_untimed_wait():
    from _waits import untimed_waits

    assert _untimed_waits("joinable_consumer_dies")  # tasks.get(), tasks.join()
    source = ("for n in iter(tasks.get, None):\n"
              "    results.put(n, timeout=1)\n"
              "tasks.put(None)\n"
              "results.get(True, 1)\n"
              "results.get(True)\n"
              "p.join(1)\n"
              "p.join()\n"
              "conn.poll(1)\n"
              "conn.recv()\n"
              "threading.Thread(target=tasks.join)\n"
              "for n in iter(lambda: tasks.get(timeout=1), None):\n"
              "    pass\n")
    assert untimed_waits(source) == [
        "line 1: .get called by iter() without a timeout", "line 5: .get() without a timeout",
        "line 7: .join() without a timeout", "line 9: .recv() without a timeout"]
    assert untimed_waits(source, bounded_queues=True) == [
        "line 1: .get called by iter() without a timeout", "line 3: .put() without a timeout",
        "line 5: .get() without a timeout", "line 7: .join() without a timeout",
        "line 9: .recv() without a timeout"]
