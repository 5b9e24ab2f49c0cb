"""The three queues: what each is built from, and how each behaves.

Proves the claims of docs/queues/kinds.md, section by section.
"""
import inspect
import multiprocessing
import multiprocessing.connection
import multiprocessing.managers
import multiprocessing.queues
import multiprocessing.synchronize
import queue
import re
import subprocess
import threading

import pytest

from ipcsnippets import catalog, load
from ipcsnippets.runner import python_version
from _children import _put_numbered, _put_type_name, _report_one

METHODS = multiprocessing.get_all_start_methods()
DEFAULT = multiprocessing.get_start_method()  # for claims that no start method changes
NAMES = [s.name for s in catalog.CATALOG.values() if s.page == "queues/kinds.md"]
SHARING = "Queue objects should only be shared between processes through inheritance"
TIMEOUT = 10


def _close(*queues):
    for q in queues:
        q.close()
        if hasattr(q, "join_thread"):
            q.join_thread()


def _stop(*processes):
    for p in processes:
        p.join(TIMEOUT)
        if p.is_alive():
            p.kill()
            p.join(TIMEOUT)


def feeder_threads():
    return sum(t.name == "QueueFeederThread" for t in threading.enumerate())


_feeder_may_go = threading.Event()


class HeldByTheFeeder:
    """An item the feeder thread cannot pickle until the test says so:
    "put() returned, but the item is not in the pipe yet", made certain."""

    def __reduce__(self):
        assert _feeder_may_go.wait(TIMEOUT), "the test never released the feeder"
        return (int, (7,))


def _lines(result):
    return result.output.splitlines()


# --- what each queue is built from -------------------------------------------

def test_queue_is_a_one_way_pipe_two_locks_a_bounded_semaphore_and_no_queue_queue():
    """kinds.md: "None of them is built on `queue.Queue`. `Queue` is modelled on it [...]
    but it is not a subclass and holds no `queue.Queue` inside", and the
    table: "one `Pipe(duplex=False)`, a reader lock and a writer lock [...] a
    `BoundedSemaphore(maxsize)`"."""
    q = multiprocessing.Queue(5)
    try:
        assert not isinstance(q, queue.Queue)
        assert not issubclass(multiprocessing.queues.Queue, queue.Queue)
        assert isinstance(q._reader, multiprocessing.connection.Connection)
        assert q._reader.readable and not q._reader.writable  # Pipe(duplex=False)
        assert q._writer.writable and not q._writer.readable
        assert isinstance(q._rlock, multiprocessing.synchronize.Lock)
        assert isinstance(q._wlock, multiprocessing.synchronize.Lock)  # None on Windows
        assert isinstance(q._sem, multiprocessing.synchronize.BoundedSemaphore)
        assert q._maxsize == 5
        assert not any(isinstance(part, queue.Queue) for part in vars(q).values())
        # It borrows queue.Queue's exceptions, not its code.
        assert multiprocessing.queues.Empty is queue.Empty and multiprocessing.queues.Full is queue.Full
    finally:
        _close(q)


def test_simple_queue_is_a_locked_pipe_with_no_thread_and_no_semaphore():
    """kinds.md: "`SimpleQueue` | one `Pipe(duplex=False)`, a reader lock and a writer
    lock" and "no `qsize()`, `full()`, `maxsize`"."""
    sq = multiprocessing.SimpleQueue()
    try:
        assert sq._reader.readable and not sq._reader.writable
        assert isinstance(sq._rlock, multiprocessing.synchronize.Lock)
        assert isinstance(sq._wlock, multiprocessing.synchronize.Lock)
        assert not hasattr(sq, "_sem") and not hasattr(sq, "_thread") and not hasattr(sq, "_buffer")
        with pytest.raises(TypeError):
            multiprocessing.SimpleQueue(5)  # no maxsize
    finally:
        sq.close()


def test_joinable_queue_is_a_queue_plus_a_semaphore_and_a_condition():
    """kinds.md: "`JoinableQueue` | a `Queue`, plus a semaphore (unfinished tasks) and a
    condition"."""
    jq = multiprocessing.JoinableQueue()
    try:
        assert isinstance(jq, multiprocessing.queues.Queue)
        assert isinstance(jq._unfinished_tasks, multiprocessing.synchronize.Semaphore)
        assert isinstance(jq._cond, multiprocessing.synchronize.Condition)
    finally:
        _close(jq)


def test_only_a_manager_queue_is_a_real_queue_queue_in_the_server_process():
    """kinds.md: "Only a Manager queue is a real `queue.Queue`, and it lives in another
    process." """
    typeid_callable = multiprocessing.managers.SyncManager._registry["Queue"][0]
    assert typeid_callable is queue.Queue


def test_kinds_snippet_prints_exactly_this(snippet_run):
    """kinds.md: "`SimpleQueue.put()` has written to the pipe when it returns, and no
    thread exists. The first `put()` on a `Queue` or `JoinableQueue` starts a
    thread named `QueueFeederThread`; `close()` and `join_thread()` stop it."
    and "a child that puts on a queue it received starts its own, and a
    process that only reads never has one." """
    # tests/test_snippets.py checks the key lines under every start method.
    result = snippet_run("queue_kinds", DEFAULT)
    assert result.outcome == "completes" and result.leftovers == []
    assert _lines(result) == [
        "SimpleQueue:   item in the pipe when put() returned: True; feeder threads: 0",
        "Queue:         feeder threads after put(): 1; after close() and join_thread(): 0",
        "JoinableQueue: feeder threads after put(): 1; after close() and join_thread(): 0",
        "hello from the child",
        "the child's feeder threads: 0 before its first put(), 1 after",
        "this process only read from that queue: feeder threads here: 0",
        "SimpleQueue has: close, empty, get, put",
        "Queue adds: cancel_join_thread, full, get_nowait, join_thread, put_nowait, qsize",
        "JoinableQueue adds to those: join, task_done",
    ]


def test_one_feeder_thread_per_queue_in_each_process_that_puts():
    """kinds.md: "Each process that puts on a queue runs its own feeder for it" (one per
    queue, however many puts)."""
    first, second = multiprocessing.Queue(), multiprocessing.Queue()
    try:
        assert feeder_threads() == 0
        first.put(1)
        first.put(2)
        assert feeder_threads() == 1  # a second put() on the same queue adds none
        second.put(3)
        assert feeder_threads() == 2  # another queue, another feeder
        assert [first.get(timeout=TIMEOUT), first.get(timeout=TIMEOUT), second.get(timeout=TIMEOUT)] == [1, 2, 3]
    finally:
        _close(first, second)
    assert feeder_threads() == 0


def test_simple_queue_put_has_written_the_pipe_when_it_returns_in_500_tries():
    """kinds.md: "A `SimpleQueue` has no such gap: its `put()` has written to the pipe when
    it returns, so `empty()` is `False` right after it"."""
    sq = multiprocessing.SimpleQueue()
    try:
        for n in range(500):
            sq.put(n)
            assert not sq.empty()
            assert sq.get() == n
    finally:
        sq.close()


def test_simple_queue_put_blocks_in_the_caller_when_the_pipe_is_full_queue_put_does_not():
    """kinds.md: "`put()` blocks once the pipe is full" (SimpleQueue) and "`put()`
    returns without waiting for the pipe" (Queue)."""
    big = b"x" * 300_000  # more than a pipe holds
    sq, q = multiprocessing.SimpleQueue(), multiprocessing.Queue()
    simple_returned, queue_returned = threading.Event(), threading.Event()
    writers = [
        threading.Thread(target=lambda: (sq.put(big), simple_returned.set())),
        threading.Thread(target=lambda: (q.put(big), queue_returned.set())),
    ]
    for w in writers:
        w.start()
    try:
        # Nobody reads either queue. Queue.put() only appends to the feeder's buffer...
        assert queue_returned.wait(TIMEOUT)
        # ...while SimpleQueue.put() is stuck writing to the full pipe.
        assert not simple_returned.wait(0.5)
        assert sq.get() == big  # reading frees it
        assert simple_returned.wait(TIMEOUT)
        assert q.get(timeout=TIMEOUT) == big
    finally:
        if not simple_returned.is_set():
            sq.get()
        for w in writers:
            w.join(TIMEOUT)
        sq.close()
        _close(q)


def test_simple_queue_get_and_joinable_queue_join_take_no_timeout():
    """kinds.md: "`get()` takes no timeout" (SimpleQueue) and "`join()` takes no
    timeout" (JoinableQueue)."""
    assert list(inspect.signature(multiprocessing.queues.SimpleQueue.get).parameters) == ["self"]
    assert list(inspect.signature(multiprocessing.queues.JoinableQueue.join).parameters) == ["self"]
    assert "timeout" in inspect.signature(multiprocessing.queues.Queue.get).parameters


# --- unpicklable items --------------------------------------------------------

def test_queue_put_of_unpicklable_items_returns_and_the_later_items_arrive(capfd):
    """kinds.md: "`Queue.put()` does not pickle the item. [...] when that fails, the thread
    prints the traceback to stderr, drops the item, gives its place back
    (`qsize()` goes down again) and carries on with the next one." """
    q = multiprocessing.Queue()
    try:
        for item in (1, threading.Lock(), lambda: 0, 2):
            q.put(item)  # none of these raises
        assert [q.get(timeout=TIMEOUT), q.get(timeout=TIMEOUT)] == [1, 2]
        err = capfd.readouterr().err
        # Two tracebacks from the feeder thread of this process, one per dropped item.
        assert err.count("Traceback (most recent call last)") == 2
        assert err.count("in _feed") == 2
        assert "TypeError: cannot pickle '_thread.lock' object" in err
        assert q.qsize() == 0  # the feeder gave back the dropped items' places
    finally:
        _close(q)


def test_simple_queue_put_and_connection_send_raise_in_the_caller():
    """kinds.md: "`SimpleQueue.put()` pickles in the caller, before it writes, so the error
    comes where it belongs. `Connection.send()` does the same." """
    sq = multiprocessing.SimpleQueue()
    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        with pytest.raises(TypeError, match=r"^cannot pickle '_thread\.lock' object$"):
            sq.put(threading.Lock())
        with pytest.raises(TypeError, match=r"^cannot pickle '_thread\.lock' object$"):
            sender.send(threading.Lock())
        with pytest.raises(Exception):  # the exception type for a lambda varies by version
            sq.put(lambda: 0)
        assert sq.empty() and not receiver.poll()  # nothing half-written
    finally:
        for c in (sq, receiver, sender):
            c.close()


def test_unpicklable_snippet_prints_the_feeder_traceback_before_its_own_lines(snippet_run):
    """kinds.md: "The traceback comes first: the feeder printed it before it sent
    `"third"`"."""
    result = snippet_run("queue_unpicklable", DEFAULT)
    lines = _lines(result)
    traceback_end = lines.index("TypeError: cannot pickle '_thread.lock' object")
    assert lines[0] == "Traceback (most recent call last):"
    assert lines[traceback_end + 1:] == [
        "Queue.put(a lock) returned normally",
        "put 3 items, received ['first', 'third']; the lock was dropped",
        "SimpleQueue.put(a lock) raised TypeError: cannot pickle '_thread.lock' object",
        "Connection.send(a lock) raised TypeError: cannot pickle '_thread.lock' object",
    ]


# --- ordering ----------------------------------------------------------------

def test_ordering_no_producer_can_run_ahead_of_the_round():
    """The interleaving is certain: until the consumer joins the barrier, the
    queue holds exactly one item of each producer, and no more comes."""
    ordering = load("queue_ordering")
    ctx = multiprocessing.get_context(DEFAULT)
    q = ctx.Queue()
    rounds = ctx.Barrier(len(ordering.PRODUCERS) + 1)
    producers = [ctx.Process(target=ordering.producer, args=(name, q, rounds)) for name in ordering.PRODUCERS]
    for p in producers:
        p.start()
    try:
        first = sorted(q.get(timeout=TIMEOUT) for _ in producers)
        assert first == ["A0", "B0", "C0"]
        with pytest.raises(queue.Empty):
            q.get(timeout=0.3)  # every producer waits at the barrier
        for n in range(1, ordering.ROUNDS):
            rounds.wait(TIMEOUT)
            assert sorted(q.get(timeout=TIMEOUT) for _ in producers) == [f"A{n}", f"B{n}", f"C{n}"]
        rounds.wait(TIMEOUT)
    finally:
        rounds.abort()
        _stop(*producers)
        _close(q)


def test_each_producers_items_arrive_in_its_order_3_producers_2000_items_each_no_barrier():
    """kinds.md: "the items of one producer arrive in that producer's order" and "The
    tests also check a free run without the barrier: three producers, 2000
    items each, every producer's items in its own order." """
    ctx = multiprocessing.get_context(DEFAULT)
    q = ctx.Queue()
    count = 2000
    producers = [ctx.Process(target=_put_numbered, args=(name, q, count)) for name in "ABC"]
    for p in producers:
        p.start()
    try:
        arrived = [q.get(timeout=TIMEOUT) for _ in range(3 * count)]
        for name in "ABC":
            assert [n for who, n in arrived if who == name] == list(range(count))
    finally:
        _stop(*producers)
        _close(q)


# --- empty() and qsize() -------------------------------------------------------

def test_empty_is_true_after_put_returned_while_qsize_is_already_1():
    """kinds.md: "The tests make the case certain: a feeder thread that is held while it
    pickles the item gives `qsize() == 1` and `empty() == True` after `put()`
    has returned, every time." """
    q = multiprocessing.Queue()
    _feeder_may_go.clear()
    try:
        q.put(HeldByTheFeeder())  # returns; the feeder is stuck pickling it
        assert q.qsize() == 1  # put() acquired the semaphore itself
        assert q.empty() is True  # nothing is in the pipe yet
        _feeder_may_go.set()
        assert q.get(timeout=TIMEOUT) == 7
        assert q.qsize() == 0 and q.empty() is True
    finally:
        _feeder_may_go.set()
        _close(q)


def test_empty_vs_qsize_snippet_counts_every_try(snippet_run):
    """kinds.md: "`qsize()` reads the semaphore that `put()` acquired before it returned,
    so it counts the item at once." (1000 of 1000)."""
    result = snippet_run("queue_empty_vs_qsize", DEFAULT)
    counts = re.findall(r"^  (qsize\(\) == 1|empty\(\) is True) in (\d+) of 1000$", result.output, re.M)
    assert [what for what, _ in counts] == ["qsize() == 1", "empty() is True"] * 2
    assert [int(n) for what, n in counts if what.startswith("qsize")] == [1000, 1000]
    assert all(0 <= int(n) <= 1000 for _, n in counts)


# --- a Queue inside a queue or a pipe ------------------------------------------

def test_queue_put_of_a_queue_returns_and_the_feeder_thread_raises_the_runtime_error(capfd):
    """kinds.md: "`Queue.put(q)` returns normally. The feeder thread pickles the item; that
    calls `Queue.__getstate__`, which calls `context.assert_spawning()`, which
    raises." """
    q, inner = multiprocessing.Queue(), multiprocessing.Queue()
    try:
        q.put(inner)  # returns normally
        q.put("next")
        assert q.get(timeout=TIMEOUT) == "next"
        err = capfd.readouterr().err
        # Raised while the feeder thread pickles the item: _feed -> Queue.__getstate__ -> assert_spawning.
        assert re.search(r"in _feed\n(.*\n)*.*in __getstate__\n(.*\n)*.*in assert_spawning\n", err)
        assert err.rstrip().endswith("RuntimeError: " + SHARING)
    finally:
        _close(q, inner)


def test_simple_queue_put_and_send_of_a_queue_raise_in_the_caller_naming_the_class():
    """kinds.md: "`SimpleQueue.put(q)` and `Connection.send(q)` pickle in the caller, so
    they raise there." and "the message names the class"."""
    sq, other = multiprocessing.SimpleQueue(), multiprocessing.SimpleQueue()
    jq = multiprocessing.JoinableQueue()
    q = multiprocessing.Queue()
    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        with pytest.raises(RuntimeError, match="^" + SHARING + "$"):
            sq.put(q)
        with pytest.raises(RuntimeError, match="^" + SHARING + "$"):
            sender.send(q)
        with pytest.raises(RuntimeError, match="^JoinableQueue objects should only be shared"):
            sender.send(jq)
        with pytest.raises(RuntimeError, match="^SimpleQueue objects should only be shared"):
            sender.send(other)
    finally:
        for c in (sq, other, receiver, sender):
            c.close()
        _close(jq, q)


@pytest.mark.parametrize("method", METHODS)
def test_a_queue_passed_as_a_process_argument_works(method):
    """kinds.md: "The way that works: give the queue to the child as a `Process`
    argument." """
    in_queue = load("queue_in_queue")
    ctx = multiprocessing.get_context(method)
    replies = ctx.Queue()
    p = ctx.Process(target=in_queue.worker, args=(replies,))
    p.start()
    try:
        assert replies.get(timeout=TIMEOUT) == "hello through a Queue passed as a Process argument"
    finally:
        _stop(p)
        _close(replies)
    assert p.exitcode == 0


def test_process_arguments_are_inherited_under_fork_and_pickled_under_spawn():
    """kinds.md: "Under spawn and forkserver it is pickled while the child is being
    started, which is allowed; under fork the child inherits it and nothing
    is pickled." """
    if "fork" in METHODS:
        ctx = multiprocessing.get_context("fork")
        q = ctx.Queue()
        p = ctx.Process(target=_put_type_name, args=(q, threading.Lock()))  # cannot be pickled
        p.start()
        try:
            assert q.get(timeout=TIMEOUT) == "lock"  # the child got it anyway: nothing was pickled
        finally:
            _stop(p)
            _close(q)
    ctx = multiprocessing.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_put_type_name, args=(q, threading.Lock()))
    try:
        with pytest.raises(TypeError, match="cannot pickle '_thread.lock' object"):
            p.start()
    finally:
        _close(q)


# --- close(), join_thread() and no shutdown() ------------------------------------

def test_put_and_get_after_close_raise_value_error_naming_the_queue():
    """kinds.md: "If this process has put something, it has a feeder thread:
    the feeder writes what is still in its buffer, stops, and closes this
    process's ends of the pipe." and "After `close()`, `put()` and `get()`
    raise `ValueError` in that process" """
    q = multiprocessing.Queue()
    q.put(1)  # starts the feeder
    q.close()
    q.join_thread()
    # The feeder, once done, closed both ends of the pipe in this process.
    assert q._reader.closed and q._writer.closed
    message = "^" + re.escape(f"Queue {q!r} is closed") + "$"
    with pytest.raises(ValueError, match=message):
        q.put(1)
    with pytest.raises(ValueError, match=message):
        q.get(timeout=TIMEOUT)
    with pytest.raises(ValueError, match=message):
        q.get_nowait()


def test_close_in_a_process_that_never_put_leaves_the_pipe_ends_open():
    """kinds.md: "In a process that never put, there is no feeder, and
    `close()` only marks the queue closed; the ends of the pipe stay open
    until the queue is collected." """
    q = multiprocessing.Queue()
    q.close()
    assert not q._reader.closed and not q._writer.closed
    with pytest.raises(ValueError, match="is closed$"):
        q.put(1)
    q.join_thread()  # allowed, and returns at once: there is no feeder to wait for


def test_join_thread_is_only_allowed_after_close():
    """kinds.md: "`join_thread()`, allowed only after `close()`"."""
    q = multiprocessing.Queue()
    try:
        with pytest.raises(AssertionError, match="not closed"):
            q.join_thread()
    finally:
        _close(q)


def test_join_thread_waits_until_the_feeder_has_written_every_item():
    """kinds.md: "[`join_thread()`] waits until the feeder has stopped, so when it returns
    every item this process put is in the pipe"."""
    ctx = multiprocessing.get_context(DEFAULT)
    q, report = ctx.Queue(), ctx.Queue()
    consumer = ctx.Process(target=_report_one, args=(q, report))
    consumer.start()
    _feeder_may_go.clear()
    joined = threading.Event()
    joiner = threading.Thread(target=lambda: (q.join_thread(), joined.set()))
    try:
        q.put(HeldByTheFeeder())
        q.close()  # returns at once
        joiner.start()
        assert not joined.wait(0.3)  # the feeder still holds the item
        _feeder_may_go.set()
        assert joined.wait(TIMEOUT)
        assert feeder_threads() == 0
        assert report.get(timeout=TIMEOUT) == 7  # it reached the other process
    finally:
        _feeder_may_go.set()
        joiner.join(TIMEOUT)
        _stop(consumer)
        _close(report)


PROBE = """
import multiprocessing, queue, threading
print(*(hasattr(q, "shutdown") for q in (multiprocessing.Queue(), multiprocessing.SimpleQueue(),
                                         multiprocessing.JoinableQueue(), queue.Queue())))
def local():
    return lambda: 0
for item in (threading.Lock(), local()):
    try:
        multiprocessing.SimpleQueue().put(item)
    except Exception as exc:
        print(type(exc).__name__, exc)
q = multiprocessing.Queue()
q.close()
for call in (lambda: q.put(1), lambda: q.get(timeout=1)):
    try:
        call()
    except ValueError as exc:
        print(str(exc) == "Queue %r is closed" % q)
"""


@pytest.mark.slow
def test_version_facts_on_every_python_here(interpreters, python_of):
    """kinds.md: "`multiprocessing.Queue` has no `shutdown()` method, in 3.13,
    3.14 or 3.15" and "Neither do `SimpleQueue` and `JoinableQueue`";
    `queue.Queue` has one from 3.13. "The error is the same on Python 3.9 to
    3.15: `TypeError: cannot pickle '_thread.lock' object`"; "a lambda
    defined inside a function gives `AttributeError` on 3.9 to 3.13 and
    `pickle.PicklingError` on 3.14 and 3.15"; the closed-queue `ValueError`
    has "the same message on Python 3.9 to 3.15". Run on every CPython found
    here (3.14 and 3.15 only where discovery finds them)."""
    python_of((3, 9)), python_of((3, 13))  # the oldest and the newest must be here
    for version, path in sorted({i.minor: i.path for i in interpreters}.items()):
        done = subprocess.run([path, "-c", PROBE], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        shutdown, lock, lam, put_closed, get_closed = done.stdout.splitlines()
        assert shutdown == f"False False False {version >= (3, 13)}", version
        assert lock == "TypeError cannot pickle '_thread.lock' object", version
        assert lam.startswith("AttributeError " if version < (3, 14) else "PicklingError "), (version, lam)
        assert (put_closed, get_closed) == ("True", "True"), version


# --- the same programs on the oldest and newest Python here ----------------------

@pytest.mark.slow
def test_every_snippet_of_the_page_does_what_the_catalog_says_on_3_9_and_3_13(python_of, snippet_runs):
    """tests/test_snippets.py covers this Python under every start method; the
    oldest and newest supported versions run every snippet of the page too."""
    jobs = [(name, method, python_of(v)) for v, method in (((3, 9), DEFAULT), ((3, 13), "spawn")) for name in NAMES]
    results = snippet_runs(jobs)
    for (name, method, python), result in zip(jobs, results):
        expect = catalog.get(name).expect_for(method, python_version(python))
        assert result.problems(expect) == [], (name, method, python, result.output[-2000:])


WARN_PROBE = """
import multiprocessing, threading
def work():
    pass
if __name__ == "__main__":
    q = multiprocessing.get_context("fork").Queue()
    q.put(1)  # the feeder thread: now this process has two threads
    p = multiprocessing.get_context("fork").Process(target=work)
    p.start()
    p.join(10)
    q.get(timeout=10)
"""


@pytest.mark.parametrize("version", [(3, 12), (3, 13), (3, 14), (3, 15)], ids=lambda v: f"{v[0]}.{v[1]}")
@pytest.mark.slow
def test_the_fork_with_threads_warning_is_hidden_unless_warnings_are_on(version, python_of, write_script):
    """kinds.md: "from 3.12 on, forking a process that has threads emits a
    `DeprecationWarning`, and a `Queue`'s feeder thread counts; Python hides
    that warning unless you turn warnings on, for example with `python -W
    default` or `-X dev`" """
    if "fork" not in METHODS:
        pytest.skip("no fork here")
    python, script = python_of(version), str(write_script(WARN_PROBE))
    outputs = {}
    for flags in ((), ("-W", "default"), ("-X", "dev")):
        done = subprocess.run([python, *flags, script], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        outputs[flags] = done.stderr
    assert "DeprecationWarning" not in outputs[()]
    assert "DeprecationWarning" in outputs["-W", "default"]
    assert "DeprecationWarning" in outputs["-X", "dev"]


def test_bench_pipe_based_channels_close_together_manager_many_times_slower():
    """kinds.md: "for small items a bare `Pipe`, `SimpleQueue`, `Queue` and
    `JoinableQueue` came out close together, and a Manager queue many times
    slower." Read from docs/measured/bench.json: within 25% of each other,
    and the Manager queue at most a fifth of the slowest of them."""
    import json

    stored = json.loads((catalog.DOCS_DIR / "measured" / "bench.json").read_text())
    rates = {(r["method"], r["channel"]): r["per_s"] for r in stored["rows"]
             if r["kind"] == "throughput" and r["payload"] == "small int" and r["batch"] == 1}
    for method in ("fork", "spawn"):
        four = [rates[method, c] for c in ("Pipe", "SimpleQueue", "Queue", "JoinableQueue")]
        assert max(four) <= 1.25 * min(four), (method, four)
        assert rates[method, "Manager().Queue"] * 5 <= min(four), method


@pytest.mark.slow
def test_qsize_relies_on_sem_getvalue_which_macos_lacks_on_every_version(interpreters):
    """kinds.md: "On macOS, `qsize()` raises `NotImplementedError`: it relies
    on `sem_getvalue()`, which macOS does not provide." Not runnable here:
    checked in the source of every CPython found, where qsize() reads the
    semaphore's value and CPython's own comment says it raises on macOS."""
    probe = ("import inspect, multiprocessing.queues as q, multiprocessing.synchronize as s;"
             "print(inspect.getsource(q.Queue.qsize)); print(inspect.getsource(s))")
    for interpreter in interpreters:
        done = subprocess.run([interpreter.path, "-c", probe], capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert "NotImplementedError on Mac OSX" in done.stdout, interpreter.path
        assert re.search(r"_sem\.(_semlock\._get_value|get_value)\(\)", done.stdout), interpreter.path


def test_the_order_inside_a_round_is_not_fixed_in_the_stored_output():
    """kinds.md: "Every round holds one item of each producer, and the order
    inside a round changes from run to run." Compared with the output the
    page shows (every start method's run): more than one order appears."""
    import json

    stored = json.loads((catalog.DOCS_DIR / "outputs" / "queue_ordering.json").read_text())
    orders = set()
    for run in stored["runs"].values():
        for line in re.findall(r"^round \d+: (.+)$", run["output"], re.M):
            orders.add(tuple(item[0] for item in line.split()))
    assert len(orders) > 1, orders
