"""processes.md: pools, noticing a dead process, why not terminate()."""
import multiprocessing
import re
import time

import pytest

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


def test_a_killed_worker_does_the_same_on_every_python(interpreters, snippet_runs):
    """processes.md: "The tests run this program [...] with the default start
    method on every CPython found here (3.9 to 3.15): the result is the same
    on each." """
    results = snippet_runs([("pool_worker_killed", None, i.path) for i in interpreters])
    for interpreter, result in zip(interpreters, results):
        assert_executor_raises_and_pool_waits(result, interpreter.label)


def _sleep_and_return(seconds):
    time.sleep(seconds)
    return seconds


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
