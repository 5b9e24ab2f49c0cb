"""Stopping consumers: an idle timeout with get(timeout=...), and JoinableQueue.

Proves the claims of the sections "get(timeout=...) and queue.Empty" and
"JoinableQueue: task_done() and join()" of docs/queues/fixes.md.
"""
import inspect
import json
import multiprocessing
import queue
import threading
import time

import pytest

from ipcsnippets import catalog, load
from _children import take_one_and_die

METHODS = multiprocessing.get_all_start_methods()


def _close(*queues):
    for q in queues:
        q.close()
        q.join_thread()


def _stop(*processes):
    for p in processes:
        p.join(5)
        if p.is_alive():
            p.kill()
            p.join(5)


# --- get(timeout=...) and queue.Empty ----------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.slow
def test_get_timeout_fix_consumes_every_item_exactly_once_in_3_runs(method, main_runs):
    """fixes.md: "The test suite runs this program 3 times under each start
    method, on top of the catalog's own run; every run consumes every item
    exactly once, and both consumers stop by themselves." Every item is put before any consumer starts, so no run depends on
    timing; three runs of main() per method (_runs.py's main_runs), on top
    of the catalog's, check that it stays so."""
    result, outputs = main_runs("get_timeout_fix", method, 3)
    assert result.outcome == "completes" and result.leftovers == [], result.output[-3000:]
    assert len(outputs) == 3
    for output in outputs:
        assert "consumed 200 of 200 items; never consumed: 0" in output, output
        assert "every item exactly once: True" in output, output
        assert "every consumer stopped by itself: True" in output, output


@pytest.mark.parametrize("method", METHODS)
def test_get_timeout_consumers_quit_while_a_slow_producer_still_has_an_item(method):
    """fixes.md: "If the producer ever pauses for longer than the timeout [...] the
    consumers conclude that the work is over and stop. The items that come
    later are never consumed".

    The limit, made certain: the producer pauses (here: until the consumers
    are gone, so longer than the idle timeout), and its next item is never consumed."""
    fix = load("get_timeout_fix")
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.Queue(), ctx.Queue()
    consumers = [ctx.Process(target=fix.consumer, args=(tasks, results)) for _ in range(2)]
    try:
        for p in consumers:
            p.start()
        tasks.put(3)
        assert results.get(timeout=10) == 9
        # The producer is "thinking" about its next item; the consumers time out.
        for p in consumers:
            p.join(10)
            assert p.exitcode == 0, "a consumer did not stop by itself"
        tasks.put(4)  # the producer's next item: nobody is left to take it
        assert tasks.get(timeout=10) == 4
        with pytest.raises(queue.Empty):
            results.get(timeout=0.2)
    finally:
        _stop(*consumers)
        _close(tasks, results)


def test_get_timeout_consumer_waits_about_the_idle_timeout_before_it_stops():
    """fixes.md: "each consumer lingers for `IDLE_TIMEOUT` seconds after the
    last item before it stops." """
    fix = load("get_timeout_fix")
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    try:
        started = time.monotonic()
        fix.consumer(tasks, results)  # nothing ever arrives
        waited = time.monotonic() - started
        assert fix.IDLE_TIMEOUT <= waited < fix.IDLE_TIMEOUT + 1.0
    finally:
        _close(tasks, results)


@pytest.mark.parametrize("method", METHODS)
def test_get_timeout_consumer_catches_only_empty_so_a_real_error_still_kills_it(method):
    """fixes.md: "The consumer catches `queue.Empty` and nothing else: an error in the
    work still ends the consumer with a traceback instead of being
    swallowed." """
    fix = load("get_timeout_fix")
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.Queue(), ctx.Queue()
    p = ctx.Process(target=fix.consumer, args=(tasks, results))
    try:
        tasks.put("not a number")  # item * item raises TypeError in the consumer
        p.start()
        p.join(10)
        assert p.exitcode == 1  # the error ended the process; it was not swallowed
    finally:
        _stop(p)
        _close(tasks, results)


# --- JoinableQueue ------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.slow
def test_joinable_queue_consumes_every_item_exactly_once_in_3_runs(method, main_runs):
    """fixes.md: "The test suite runs this program 3 times under each start
    method on top of the catalog's own run; every run consumes every item
    exactly once." """
    # Sentinels stop these workers, so nothing races at the end; three runs
    # of main() on top of the catalog's own run check the counts.
    result, outputs = main_runs("joinable_queue", method, 3)
    assert result.outcome == "completes" and result.leftovers == [], result.output[-3000:]
    assert len(outputs) == 3
    for output in outputs:
        lines = output.splitlines()[1:]  # after the run's number
        assert lines == [
            "tasks.join() returned: every item has been processed",
            "consumed 200 of 200 items; never consumed: 0",
            "every item exactly once: True",
            "every worker stopped at its sentinel: True",
        ], output


def test_joinable_queue_join_waits_for_task_done_not_for_get():
    """fixes.md: "Each `put()` adds one, each `task_done()` takes one away, and `join()`
    blocks until the count is zero. `get()` alone does not change the
    count"."""
    tasks = multiprocessing.JoinableQueue()
    waiter = threading.Thread(target=tasks.join, daemon=True)
    try:
        tasks.put("item")
        waiter.start()
        assert tasks.get(timeout=5) == "item"
        waiter.join(0.3)
        assert waiter.is_alive(), "join() returned after get(), before task_done()"
        tasks.task_done()
        waiter.join(5)
        assert not waiter.is_alive()
    finally:
        _close(tasks)


def test_joinable_queue_join_takes_no_timeout():
    """fixes.md: "`JoinableQueue.join()` takes no timeout argument." """
    tasks = multiprocessing.JoinableQueue()
    try:
        assert list(inspect.signature(tasks.join).parameters) == []
    finally:
        _close(tasks)


def test_join_with_timeout_gives_up_on_an_item_never_marked_done_then_succeeds():
    """fixes.md: "`join_with_timeout()` returns `False` after its timeout instead of
    hanging." """
    jq = load("joinable_queue")
    tasks = multiprocessing.JoinableQueue()
    try:
        tasks.put(1)
        started = time.monotonic()
        assert jq.join_with_timeout(tasks, 0.3) is False
        assert 0.3 <= time.monotonic() - started < 2
        tasks.get(timeout=5)
        tasks.task_done()  # also releases the helper thread still in join()
        assert jq.join_with_timeout(tasks, 5) is True
    finally:
        _close(tasks)


@pytest.mark.parametrize("method", METHODS)
def test_a_worker_that_dies_before_task_done_leaves_join_waiting(method):
    """fixes.md: "If a worker dies after `get()` and before its `task_done()`, the count
    never reaches zero and `join()` waits for ever." """
    jq = load("joinable_queue")
    ctx = multiprocessing.get_context(method)
    tasks = ctx.JoinableQueue()
    p = ctx.Process(target=take_one_and_die, args=(tasks,))
    try:
        tasks.put(1)
        p.start()
        p.join(10)
        assert p.exitcode == 1
        # Nobody will ever call task_done() for that item: join() would wait for ever.
        assert jq.join_with_timeout(tasks, 0.5) is False
    finally:
        _stop(p)
        tasks.task_done()  # balance the count so the helper thread ends
        _close(tasks)


@pytest.mark.parametrize("method", METHODS)
def test_joinable_worker_calls_task_done_once_per_item_including_its_sentinel(method):
    """fixes.md: "Each worker calls `task_done()` exactly once for every item it took, in
    a `finally` block [...] The sentinel is an item too"."""
    jq = load("joinable_queue")
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.JoinableQueue(), ctx.Queue()
    p = ctx.Process(target=jq.worker, args=(tasks, results))
    try:
        for item in (2, 3, jq.SENTINEL):
            tasks.put(item)
        p.start()
        assert [results.get(timeout=10), results.get(timeout=10)] == [4, 9]
        p.join(10)
        assert p.exitcode == 0
        # Three put(), three task_done(): the count is back to zero...
        assert jq.join_with_timeout(tasks, 5) is True
        # ...so one more is one too many.
        with pytest.raises(ValueError):
            tasks.task_done()
    finally:
        _stop(p)
        _close(tasks, results)


# --- one task_done() too many -------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_one_task_done_too_many_raises_value_error_with_this_message(method, snippet_run):
    """fixes.md: "One `task_done()` more than there were `put()` calls raises `ValueError`
    at once"."""
    result = snippet_run("task_done_too_many", method)
    assert result.outcome == "raises" and result.exception == "ValueError"
    assert result.output.rstrip().splitlines()[-1] == "ValueError: task_done() called too many times"
    assert "first task_done(): fine" in result.output
    assert "not reached" not in result.output


def test_task_done_without_any_put_raises_the_same_value_error():
    """fixes.md: "The count cannot go below zero." """
    tasks = multiprocessing.JoinableQueue()
    try:
        with pytest.raises(ValueError, match=r"^task_done\(\) called too many times$"):
            tasks.task_done()
    finally:
        _close(tasks)


# --- the comparison table: a sentinel too few --------------------------------

def test_a_sentinel_consumer_without_its_sentinel_keeps_waiting_until_it_comes():
    """fixes.md's table: "a sentinel too few: a consumer waits" (here, for
    less than its timeout, until the sentinel comes)."""
    fix = load("sentinel_fix")
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    p = multiprocessing.Process(target=fix.consumer, args=(tasks, results))
    try:
        tasks.put(3)
        p.start()
        assert results.get(timeout=10) == 9
        p.join(0.5)
        assert p.is_alive()  # no sentinel: it waits in get(), with no end in sight
        tasks.put(fix.SENTINEL)
        p.join(10)
        assert p.exitcode == 0
    finally:
        _stop(p)
        _close(tasks, results)


def test_an_unpicklable_item_stays_unfinished_so_join_waits_until_one_more_task_done(capfd):
    """fixes.md: "If the feeder thread then fails to pickle it, the feeder
    drops it and gives its place in the queue back [...] but nothing takes
    it off the count of unfinished tasks. [...] `join()` waits for ever" and
    "after the drop, `qsize()` is back to 0, `join()` still waits, and one
    extra `task_done()` lets it return"."""
    unpicklable = load("joinable_unpicklable")
    tasks = multiprocessing.JoinableQueue()
    try:
        tasks.put(threading.Lock())  # returns: the feeder fails later
        tasks.put("next")
        assert tasks.get(timeout=5) == "next"  # the feeder has dealt with the lock by now
        assert "TypeError: cannot pickle '_thread.lock' object" in capfd.readouterr().err
        assert tasks.qsize() == 0  # the semaphore was given back...
        tasks.task_done()
        assert unpicklable.join_with_timeout(tasks, 0.5) is False  # ...the unfinished count was not
        tasks.task_done()  # the one no consumer could ever call
        assert unpicklable.join_with_timeout(tasks, 5) is True
    finally:
        _close(tasks)


def test_joinable_unpicklable_snippet_marks_both_arrivals_done_and_join_still_waits(snippet_run):
    """fixes.md: "Both items that arrived were marked done, and `join()` was
    still waiting when its helper thread gave up." """
    result = snippet_run("joinable_unpicklable", multiprocessing.get_start_method())
    assert result.outcome == "completes"
    assert result.output.splitlines()[-3:] == [
        "TypeError: cannot pickle '_thread.lock' object",
        "arrived and marked done: ['first', 'third']",
        "every item that arrived is done; join() returned: False",
    ]


def test_a_sentinel_consumer_whose_sentinel_never_comes_ends_with_empty(monkeypatch):
    """fixes.md: "if the sentinel never comes [...] the consumer ends with
    `queue.Empty` and a traceback after `TIMEOUT` seconds instead of waiting
    for ever." Run in this process, with a shorter TIMEOUT."""
    fix = load("sentinel_fix")
    monkeypatch.setattr(fix, "TIMEOUT", 0.3)
    tasks, results = multiprocessing.Queue(), multiprocessing.Queue()
    try:
        tasks.put(3)
        started = time.monotonic()
        with pytest.raises(queue.Empty):
            fix.consumer(tasks, results)
        assert time.monotonic() - started >= 0.3
        assert results.get(timeout=5) == 9  # the item before the silence was done
    finally:
        _close(tasks, results)


def _small_item_rates():
    stored = json.loads((catalog.DOCS_DIR / "measured" / "bench.json").read_text())
    return {
        (r["method"], r["channel"]): r["per_s"]
        for r in stored["rows"]
        if r["kind"] == "throughput" and r["payload"] == "small int" and r["batch"] == 1
    }


def test_joinable_queue_with_task_done_within_10_percent_of_queue_in_the_bench():
    """fixes.md: "in this site's benchmark, small items went through it, with
    `task_done()`, within 10% of the rate of a plain `Queue`, under fork and
    under spawn" (docs/measured/bench.json; re-measuring may change this)."""
    rates = _small_item_rates()
    for method in ("fork", "spawn"):
        ratio = rates[method, "JoinableQueue"] / rates[method, "Queue"]
        assert 0.9 <= ratio <= 1.1, (method, ratio)


def test_a_blocking_get_with_a_timeout_returns_as_soon_as_an_item_arrives():
    """fixes.md: "`get(timeout=...)` keeps the default `block=True`, so it
    really waits, up to `IDLE_TIMEOUT` seconds, and returns as soon as an
    item arrives." """
    q = multiprocessing.Queue()
    putter = threading.Timer(0.2, q.put, args=("late",))
    try:
        started = time.monotonic()
        putter.start()
        assert q.get(timeout=30) == "late"
        assert time.monotonic() - started < 5  # far from the 30 s it may wait
    finally:
        putter.join(5)
        _close(q)
