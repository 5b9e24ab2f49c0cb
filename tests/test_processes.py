"""processes.md: pools, noticing a dead process, why not terminate()."""
import multiprocessing
import os
import re
import time

import pytest

from ipcsnippets import catalog, load
from _children import _exit_with, _raise, _sleep_and_return, _start_a_child

METHODS = multiprocessing.get_all_start_methods()


def lines(result):
    return result.output.splitlines()


# --- pools ------------------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_both_pools_give_results_in_input_order_and_raise_the_workers_error_here(method, snippet_run):
    """processes.md: "It hands out the inputs and collects the results, in
    the order of the inputs" and "The worker's exception is [...] raised
    again where the result is read [...] Its __cause__ carries the worker's
    traceback as text"."""
    result = snippet_run("pool_map", method)
    assert result.outcome == "completes", result.output
    squares = str([n * n for n in range(10)])
    assert lines(result) == [
        f"executor: {squares}",
        "executor: ZeroDivisionError raised here; worker's traceback attached: True",
        f"Pool:     {squares}",
        "Pool: ZeroDivisionError raised here; worker's traceback attached: True",
    ]


def chunk_times(output):
    return {label.strip(): float(ms) for label, ms in re.findall(r"^(\w.*?)\s+([\d.]+) ms$", output, re.M)}


@pytest.mark.parametrize("method", METHODS)
def test_chunksize_1_takes_at_least_3_times_as_long_for_both_pools(method, snippet_run):
    """processes.md: "The tests run this program under every start method
    and check, on each run, that chunksize=1 took at least 3 times as long
    as the larger chunks for both pools." The program itself checks that
    every map() returned the right squares."""
    result = snippet_run("pool_chunksize", method)
    assert result.outcome == "completes", result.output
    times = chunk_times(result.output)
    assert len(times) == 4, result.output
    assert times["ProcessPoolExecutor, chunksize=1"] >= 3 * times["ProcessPoolExecutor, chunksize=100"]
    assert times["Pool, chunksize=1"] >= 3 * times["Pool, chunksize chosen by Pool.map()"]


def test_pool_map_chooses_about_four_chunks_per_worker_and_the_executor_one_input():
    """processes.md: "ProcessPoolExecutor.map() sends one input at a time
    (chunksize=1) [...] Pool.map() given no chunksize splits the inputs into
    about four chunks per worker" and "imap() and imap_unordered() [...]
    default to one input at a time"."""
    import concurrent.futures
    import inspect
    from multiprocessing import pool

    assert inspect.signature(concurrent.futures.ProcessPoolExecutor.map).parameters["chunksize"].default == 1
    assert inspect.signature(pool.Pool.imap).parameters["chunksize"].default == 1
    assert inspect.signature(pool.Pool.imap_unordered).parameters["chunksize"].default == 1
    assert "divmod(len(iterable), len(self._pool) * 4)" in inspect.getsource(pool.Pool._map_async)


def assert_executor_raises_and_pool_waits(result, label):
    assert result.outcome == "completes", (label, result.output)
    out = lines(result)
    assert re.fullmatch(r"executor: map\(\) raised BrokenProcessPool: .+", out[0]), (label, out)
    assert out[1:] == [
        "executor: submit() raises it too: the pool is done",
        "Pool: no result after 1 s, and none will come",
        "Pool: a new worker runs later tasks: work(4) = 16",
    ], (label, out)


@pytest.mark.parametrize("method", METHODS)
def test_a_killed_worker_breaks_the_executor_and_leaves_a_pool_result_missing(method, snippet_run):
    """processes.md: "ProcessPoolExecutor raises [...] BrokenProcessPool [...]
    submit() raises it too" and "Pool waits. It replaces the dead worker, so
    later tasks run, but [...] its result never comes"."""
    assert_executor_raises_and_pool_waits(snippet_run("pool_worker_killed", method), method)


@pytest.mark.slow
def test_a_killed_worker_does_the_same_on_every_python(interpreters, snippet_runs):
    """processes.md: "The tests run this program [...] with the default start
    method on every CPython found here (3.9 to 3.15): the result is the same
    on each." """
    results = snippet_runs([("pool_worker_killed", None, i.path) for i in interpreters])
    for interpreter, result in zip(interpreters, results):
        assert_executor_raises_and_pool_waits(result, interpreter.label)


@pytest.mark.parametrize("method", METHODS)
def test_a_pool_with_block_ends_with_terminate_and_the_result_never_comes(method):
    """processes.md (exercise): "a Pool's with block ends with terminate():
    the workers are stopped in the middle of the first tasks, and the pool's
    thread that collects results stops too. No answer can come"; and "A
    ProcessPoolExecutor would have worked: its with block waits for the
    submitted work"."""
    import concurrent.futures

    ctx = multiprocessing.get_context(method)
    with ctx.Pool(1) as pool:
        pending = pool.apply_async(_sleep_and_return, (0.2,))
        assert pool.apply_async(_sleep_and_return, (0,)).get(10) == 0  # the worker runs
        pending = pool.apply_async(_sleep_and_return, (0.2,))
    pending.wait(1)  # five times what the task needs
    assert not pending.ready()
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx) as executor:
        future = executor.submit(_sleep_and_return, 0.2)
    assert future.done() and future.result() == 0.2


def test_pool_exit_bug_raises_timeout_error_after_submitting_and_the_fix_answers(snippet_run):
    """processes.md (exercise): the bug fails "after its timeout [...]
    without a single" answer; the fix reads them inside the block."""
    bug = snippet_run("exercise_pool_exit_bug", "fork" if "fork" in METHODS else METHODS[0])
    assert bug.outcome == "raises" and bug.exception == "TimeoutError", bug.output
    assert "\nsquares:" not in bug.output
    assert bug.duration >= 3  # it waited its whole timeout: no answer ever came


# --- noticing a dead process ------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_the_sentinel_shows_the_crash_while_the_other_worker_runs_and_its_result_survives(method, snippet_run):
    """processes.md: "one call waits for whichever comes first: a message, or
    an end"; exitcode "is None while the process runs [...] minus the
    signal's number"; "worker-2's one result arrived although worker-2 is
    dead"."""
    result = snippet_run("process_sentinel", method)
    assert lines(result) == [
        "worker-2 ended, exit code -9",
        "worker-1 is still running: exit code None",
        "worker-1 ended, exit code 0",
        "results from worker-2: 1",
    ], result.output
    assert result.duration < 5  # it noticed at once; it did not wait out TIMEOUT


@pytest.mark.parametrize("method", METHODS)
def test_exitcode_is_0_then_the_sys_exit_number_then_1_after_an_exception(method):
    """processes.md: exitcode is "0 after a normal end, the number it gave
    sys.exit(), 1 after an uncaught exception"."""
    ctx = multiprocessing.get_context(method)
    codes = []
    for target, args in ((_sleep_and_return, (0,)), (_exit_with, (3,)), (_raise, ())):
        p = ctx.Process(target=target, args=args)
        p.start()
        p.join(10)
        codes.append(p.exitcode)
    assert codes == [0, 3, 1]  # the traceback goes to the child's stderr


@pytest.mark.parametrize("method", METHODS)
def test_at_exit_the_daemon_is_terminated_and_the_other_child_joined(method, snippet_run):
    """processes.md: "It first calls terminate() on every child that is still
    running and has daemon=True, then calls join() on every child"; "The
    daemon child never prints [...] The non-daemon child finished, because
    the parent's exit waited for it." """
    daemon = load("daemon_at_exit")
    result = snippet_run("daemon_at_exit", method)
    assert lines(result) == ["main() returns without join()", "non-daemon child: finished its work"]
    assert daemon.SHORT <= result.duration < daemon.LONG


@pytest.mark.parametrize("method", METHODS)
def test_a_daemon_process_cannot_start_children(method):
    """processes.md: "A daemon process cannot start children of its own." """
    ctx = multiprocessing.get_context(method)
    done = ctx.SimpleQueue()
    p = ctx.Process(target=_start_a_child, args=(done,), daemon=True)
    p.start()
    p.join(10)
    assert done.get() == "daemonic processes are not allowed to have children"


@pytest.mark.parametrize("method", METHODS)
def test_without_join_the_exit_handler_joins_the_child_and_hangs(method, snippet_run):
    """processes.md: "The parent's stack shows it in _exit_function, in
    join(). The child's shows its own exit waiting in _finalize_join for its
    queue's feeder thread, and the feeder in send_bytes"."""
    result = snippet_run("no_join_still_hangs", method)
    assert result.outcome == "hangs"
    stacks = {s.name: s.stack for s in result.stacks}
    assert re.search(r"in join\n.*util\.py\", line \d+ in _exit_function", stacks["MainProcess"])
    assert "in _finalize_join" in stacks["Process-1"] and "in send_bytes" in stacks["Process-1"]


@pytest.mark.parametrize("method", METHODS)
def test_an_ended_child_keeps_its_pid_until_joined_except_under_forkserver(method, snippet_run):
    """processes.md: "Under forkserver the first line says False [...] Under
    fork and spawn [...] it stays a zombie until the join()"; close() raises
    ValueError while the process runs, and every use after it raises."""
    result = snippet_run("zombie_close", method)
    assert lines(result)[0] == f"ended, not yet joined; its pid still in use: {method != 'forkserver'}"
    assert lines(result)[1:3] == ["joined; exit code 0 ; pid in use: False",
                                  "after close(): process object is closed"]
    assert lines(result)[3].startswith("close() on a running process: Cannot close a process while it is still running")


def _state(pid):
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().rsplit(")", 1)[1].split()[0]


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")
@pytest.mark.parametrize("method", [m for m in ("fork", "spawn") if m in METHODS])
def test_the_ended_child_is_a_zombie_and_starting_another_process_collects_it(method):
    """processes.md: "until then it is a zombie [...] and so does starting
    another Process, which first collects the children that have ended"."""
    from multiprocessing.connection import wait

    ctx = multiprocessing.get_context(method)
    ended = ctx.Process(target=_sleep_and_return, args=(0,))
    ended.start()
    assert wait([ended.sentinel], 10)
    deadline = time.monotonic() + 10
    while _state(ended.pid) != "Z" and time.monotonic() < deadline:
        time.sleep(0.01)  # the sentinel closes a moment before the exit completes
    assert _state(ended.pid) == "Z"
    other = ctx.Process(target=_sleep_and_return, args=(0,))
    other.start()  # collects `ended` first
    try:
        assert not os.path.exists(f"/proc/{ended.pid}")
    finally:
        other.join(10)
        ended.join(10)


# --- why not terminate() ----------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_terminate_leaves_the_lock_held_the_queue_locked_and_the_message_cut(method, snippet_run):
    """processes.md: "A lock taken in a with block is never released";
    "any other process's put() returns but the item is never written, and
    that process cannot exit"; "The reader gets OSError: got end of file
    during message"."""
    result = snippet_run("terminate_breaks", method)
    assert lines(result) == [
        "lock: free after terminate(): False; exit code -15",
        "queue: another writer can exit: False",
        "pipe: the reader gets OSError: got end of file during message",
    ], result.output


@pytest.mark.parametrize("method", METHODS)
def test_the_cooperative_stop_ends_every_worker_with_0(method, snippet_run):
    """processes.md: "Each worker finishes the item in hand, puts a last
    DONE, and returns: its feeder flushes, its locks are free, its exit code
    is 0." """
    result = snippet_run("cooperative_stop", method)
    assert lines(result) == ["every worker said it was done: True", "exit codes: [0, 0]"], result.output


@pytest.mark.parametrize("method", METHODS)
def test_after_a_cooperative_stop_every_result_put_arrives(method):
    """processes.md: "its feeder flushes": each worker's results 0, 1, 2...
    all arrive, none missing in the middle, then its DONE."""
    stopping = load("cooperative_stop")
    ctx = multiprocessing.get_context(method)
    stop, results = ctx.Event(), ctx.Queue()
    workers = [ctx.Process(target=stopping.worker, args=(stop, results)) for _ in range(2)]
    try:
        for p in workers:
            p.start()
        first = [results.get(timeout=10) for _ in range(4)]  # both are working
        stop.set()
        got, done = first, 0
        while done < 2:
            item = results.get(timeout=10)
            done += item == stopping.DONE
            if item != stopping.DONE:
                got.append(item)
        for p in workers:
            p.join(10)
        assert [p.exitcode for p in workers] == [0, 0]
        counts = [got.count(n) for n in range(max(got) + 1)]
        # two workers counting from 0: each number twice, then once; no gap
        assert all(c in (1, 2) for c in counts) and counts == sorted(counts, reverse=True)
    finally:
        for p in workers:
            if p.is_alive():
                p.kill()
            p.join(10)
        results.close()
        results.join_thread()


def test_every_snippet_that_calls_terminate_is_in_the_pages_table():
    """processes.md: "Where this site calls terminate(), and why it is safe
    there": every snippet that calls it is in that table."""
    page = (catalog.DOCS_DIR / "processes.md").read_text()
    table = page[page.index("### Where this site calls `terminate()`"):page.index("## Exercises")]
    callers = sorted(p.name for p in catalog.SNIPPETS_DIR.glob("*.py") if ".terminate()" in p.read_text())
    assert len(callers) >= 5
    assert [name for name in callers if name not in table] == []
