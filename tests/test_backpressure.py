"""queues/backpressure.md: bounded queues, and a producer's memory without one."""
import multiprocessing
import queue
import re
import threading
import time

import pytest

from _waits import untimed_waits
from ipcsnippets import catalog, load

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


# --- the exercise ---------------------------------------------------------------

BUG, FIXED = "exercise_put_all_first_bug", "exercise_put_all_first_fixed"


@pytest.mark.parametrize("method", METHODS)
def test_putting_every_number_first_fills_both_queues_after_exactly_ten(method, snippet_run):
    """backpressure.md's exercise: "They are alive, and the task queue stays
    full"; "The count is the same on every run: MAXSIZE squares in the
    results queue, one square in each worker's hand and MAXSIZE numbers in
    the task queue make the ten numbers put"; "the parent's timeout turns
    [the deadlock] into queue.Full instead of a hang"; the daemon workers are
    terminated at exit."""
    bug = load(BUG)
    r = snippet_run(BUG, method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, []), r.output
    workers = 2
    put = 2 * bug.MAXSIZE + workers
    assert put == 10 < len(bug.NUMBERS)
    assert r.output.splitlines() == [
        f"queue.Full after {put} of {len(bug.NUMBERS)} numbers; workers alive: {workers} of {workers}"]
    assert r.duration >= bug.PATIENCE  # it waited out its patience in tasks.put()
    assert r.duration < bug.TIMEOUT  # and the workers did not wait out theirs


@pytest.mark.parametrize("method", METHODS)
def test_with_no_get_two_maxsize_plus_two_numbers_fit_and_one_get_makes_room(method):
    """The mechanism behind the exercise, with its own worker: both queues
    end full with both workers alive; the eleventh number cannot go in
    whatever the timing; one square taken out lets the parent put again."""
    bug = load(BUG)
    ctx = multiprocessing.get_context(method)
    tasks, results = ctx.Queue(bug.MAXSIZE), ctx.Queue(bug.MAXSIZE)
    workers = [ctx.Process(target=bug.worker, args=(tasks, results), daemon=True) for _ in range(2)]
    for p in workers:
        p.start()
    try:
        fits = 2 * bug.MAXSIZE + len(workers)
        for n in range(fits):
            tasks.put(n, timeout=bug.TIMEOUT)
        # Six numbers taken: the squares of four in the results queue.
        assert results.full()
        with pytest.raises(queue.Full):
            tasks.put(fits, timeout=0.5)
        assert tasks.full() and results.full()
        assert all(p.is_alive() for p in workers)
        squares = [results.get(timeout=bug.TIMEOUT)]
        tasks.put(fits, timeout=bug.TIMEOUT)  # a worker took the next number
        squares += [results.get(timeout=bug.TIMEOUT) for _ in range(fits)]
        assert sorted(squares) == [n * n for n in range(fits + 1)]
        for _ in workers:
            tasks.put(bug.SENTINEL, timeout=bug.TIMEOUT)
        for p in workers:
            p.join(bug.TIMEOUT)
        assert [p.exitcode for p in workers] == [0, 0]
    finally:
        for p in workers:
            if p.is_alive():
                p.terminate()
            p.join(bug.TIMEOUT)
            p.close()
        for q in (tasks, results):
            q.close()
            q.join_thread()


@pytest.mark.parametrize("count, says", [
    (8, ["sum of the squares: 140", "both workers have finished: True"]),
    (9, ["queue.Full after 9 of 9 numbers; workers alive: 2 of 2"]),
])
def test_the_buggy_parent_works_with_eight_numbers_and_not_with_nine(count, says, monkeypatch, capsys):
    """backpressure.md's exercise: "With eight numbers or fewer, the numbers
    and the two sentinels all fit, and the program works"."""
    bug = load(BUG)
    monkeypatch.setattr(bug, "NUMBERS", range(count))
    monkeypatch.setattr(bug, "PATIENCE", 2)  # shorter: the nine wait it out
    before = set(multiprocessing.active_children())
    try:
        bug.main()
    finally:
        for p in set(multiprocessing.active_children()) - before:
            p.terminate()  # the daemons the exit handler would terminate
            p.join(bug.TIMEOUT)
    assert capsys.readouterr().out.splitlines() == says


@pytest.mark.parametrize("name", [BUG, FIXED])
def test_every_wait_in_both_programs_has_a_timeout_so_the_bug_is_not_a_missing_one(name):
    assert untimed_waits(catalog.get(name).path.read_text(), bounded_queues=True) == []


@pytest.mark.parametrize("method", METHODS)
def test_reading_while_putting_gets_every_square_and_ends_both_workers(method, snippet_run):
    """backpressure.md's exercise, the fix: "no worker waits to hand [a
    square] in, and the parent's put() waits only for workers that are busy":
    no put() waited out its timeout (that would print queue.Full), every
    square arrives, and both workers end by their sentinel."""
    fixed = load(FIXED)
    r = snippet_run(FIXED, method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, []), r.output
    assert r.output.splitlines() == [
        f"sum of the squares: {sum(n * n for n in fixed.NUMBERS)}",
        "both workers have finished: True",
    ]
