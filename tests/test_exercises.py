"""The "spot the bug" exercises: each bug shows its own symptom, each fix is correct.

Each exercise is a pair of snippets, ``exercise_<topic>_bug`` and
``exercise_<topic>_fixed``, shown in the "Exercises" section at the end of its
topic's page. tests/test_snippets.py already runs both under every start
method against the catalog; this module checks the specific symptom of each
bug (where each process was blocked, which answer is missing, which call
raised) and what each fix gets right, under every start method.

The three bugs that hang are run under the default start method only here
(5 s each, plus the stack dumps); test_snippets.py runs them under all three.
"""
import multiprocessing
import queue
import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from ipcsnippets import catalog, run
from _children import _put_then_return

DEFAULT = multiprocessing.get_start_method()
METHODS = multiprocessing.get_all_start_methods()
TIMEOUT = 10
# Every exercise in the catalog, whichever page's module holds it.
EXERCISES = tuple(re.fullmatch(r"exercise_(.+)_bug", n).group(1) for n in catalog.names()
                  if re.fullmatch(r"exercise_(.+)_bug", n))


_shared_run = run  # the run cache shared with test_snippets.py, set below


@pytest.fixture(autouse=True)
def _use_the_shared_runs(snippet_run, monkeypatch):
    monkeypatch.setitem(globals(), "_shared_run", snippet_run)


def runs(name, methods=METHODS):
    """One run of a snippet under each of several start methods, started at
    once; {method: result}. Runs are shared with every test that asks."""
    methods = list(methods)
    with ThreadPoolExecutor(len(methods)) as pool:
        results = pool.map(lambda m: _shared_run(name, m), methods)
        return dict(zip(methods, results))


def lines(result):
    return result.output.splitlines()


def stack(result, name):
    """The stack of the one process called ``name`` (or starting with it)."""
    found = [s.stack for s in result.stacks if s.name.startswith(name)]
    assert len(found) == 1, [s.name for s in result.stacks]
    return found[0]


def fixed_runs(topic):
    """The fixed program under every method it runs under; each must end cleanly."""
    name = f"exercise_{topic}_fixed"
    results = runs(name, catalog.get(name).methods())
    for method, r in results.items():
        assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, []), (method, r.output[-2000:])
    return results


# --- the catalog and the pages ------------------------------------------------

def test_at_least_eight_exercises_each_a_bug_and_its_fix_on_the_same_page():
    assert len(EXERCISES) >= 8
    for topic in EXERCISES:
        bug, fixed = catalog.get(f"exercise_{topic}_bug"), catalog.get(f"exercise_{topic}_fixed")
        assert bug.page == fixed.page
        assert bug.start_methods == fixed.start_methods
    files = sorted(p.stem for p in catalog.SNIPPETS_DIR.glob("exercise_*.py"))
    assert files == sorted(f"exercise_{t}_{k}" for t in EXERCISES for k in ("bug", "fixed"))


def test_at_most_three_bugs_hang_each_stopped_after_5_s():
    hanging = [s for s in map(catalog.get, catalog.names()) if s.name.startswith("exercise_")
               and any(catalog.HANGS in e.outcomes for e in s.expect.values())]
    assert len(hanging) <= 3
    assert all(s.name.endswith("_bug") and s.timeout == 5 for s in hanging)


@pytest.mark.parametrize("topic", EXERCISES)
def test_page_shows_the_bug_then_the_fix_inside_a_collapsed_answer(topic):
    page = catalog.DOCS_DIR / catalog.get(f"exercise_{topic}_bug").page
    text = page.read_text()
    section = text[text.index("\n## Exercises\n"):]
    assert "\n## " not in section[1:], f"the Exercises section must be the last of {page.name}"
    bug, fixed = f"exercise_{topic}_bug", f"exercise_{topic}_fixed"
    assert re.search(rf'^--8<-- "snippets/{bug}\.py"$', section, re.M)
    assert re.search(rf'^--8<-- "docs/outputs/{bug}\.md"$', section, re.M)
    answer = re.search(
        rf'^--8<-- "docs/outputs/{bug}\.md"\n\n\?\?\? question "Answer"\n((?:    .*\n|\n)+)', section, re.M)
    assert answer, f"no collapsed answer right after the output of {bug}"
    assert f'    --8<-- "snippets/{fixed}.py"' in answer.group(1)
    assert f'    --8<-- "docs/outputs/{fixed}.md"' in answer.group(1)


# --- kinds.md: a job that cannot be pickled -------------------------------------

def test_generator_job_is_dropped_by_the_feeder_with_a_traceback_and_the_rest_arrives():
    for method, r in runs("exercise_generator_result_bug").items():
        out = lines(r)
        assert r.exit_code == 0, method
        # The parent's own feeder thread prints it, before the parent's answer line.
        end = out.index("TypeError: cannot pickle 'generator' object")
        assert any("in _feed" in line for line in out[:end])
        assert out[end + 1:] == ["answers for 2 of 3 jobs: {'small': 14, 'evens': 120}"], method


def test_generator_fix_answers_all_three_jobs_under_every_method():
    for r in fixed_runs("generator_result").values():
        assert lines(r) == ["answers for 3 of 3 jobs: {'small': 14, 'evens': 120, 'odds': 165}"]


def test_a_feeder_that_fails_while_its_process_exits_drops_the_rest_and_prints_nothing(capfd):
    """The warning in the answer on kinds.md: forced, not left to timing."""
    ctx = multiprocessing.get_context(DEFAULT)
    q = ctx.Queue()
    p = ctx.Process(target=_put_then_return, args=(q,))
    p.start()
    try:
        assert q.get(timeout=TIMEOUT) == "before"
        p.join(TIMEOUT)
        assert p.exitcode == 0  # the child exited: its feeder stopped at the failure
        with pytest.raises(queue.Empty):
            q.get(timeout=0.5)  # "after" was put, and is lost with the failed item
        assert "Traceback" not in capfd.readouterr().err  # and nobody was told
    finally:
        if p.is_alive():
            p.kill()
        p.join(TIMEOUT)
        q.close()
        q.join_thread()


# --- fixes.md: one sentinel, a swallowed error, task_done() ----------------------

def test_one_sentinel_leaves_exactly_one_consumer_waiting_in_get_and_the_parent_in_join(snippet_run):
    r = snippet_run("exercise_one_sentinel_bug", DEFAULT)
    assert r.outcome == "hangs"
    assert lines(r) == ["sum of the squares: 285"]
    consumers = [s for s in r.stacks if s.name.startswith("consumer-")]
    assert len(consumers) == 1  # the other one took the sentinel and ended
    assert re.search(r'queues\.py", line \d+ in get', consumers[0].stack)
    assert "in join" in stack(r, "MainProcess")


def test_one_sentinel_per_consumer_stops_both_under_every_method():
    for r in fixed_runs("one_sentinel").values():
        assert lines(r) == ["sum of the squares: 285", "both consumers have finished: True"]


def test_swallowed_error_loses_the_answer_for_0_without_a_word():
    for method, r in runs("exercise_swallowed_error_bug").items():
        assert r.exit_code == 0, method
        assert lines(r) == ["answers: {1: 60, 2: 30, 3: 20, 4: 15}", "no answer for: [0]"], method


def test_error_sent_back_gives_every_number_an_answer_under_every_method():
    for r in fixed_runs("swallowed_error").values():
        assert lines(r) == [
            """answers: {1: 60, 2: 30, 0: "failed: ZeroDivisionError('integer division or modulo by zero')","""
            """ 3: 20, 4: 15}""",
            "no answer for: []",
        ]


def test_sentinels_without_task_done_leave_join_waiting_although_every_worker_finished():
    for method, r in runs("exercise_task_done_bug").items():
        assert lines(r) == ["squares received: 6 of 6", "both workers have finished: True",
                            "tasks.join() returned: False"], method
        assert r.duration >= 1.0  # the helper thread gave up after JOIN_TIMEOUT


def test_task_done_for_the_sentinel_lets_join_return_under_every_method():
    for r in fixed_runs("task_done").values():
        assert lines(r) == ["squares received: 6 of 6", "both workers have finished: True",
                            "tasks.join() returned: True"]


# --- deadlocks.md: results that outgrow the pipe --------------------------------

def test_joining_before_collecting_5000_results_deadlocks_in_a_circle(snippet_run):
    r = snippet_run("exercise_results_grow_bug", DEFAULT)
    assert r.outcome == "hangs"
    assert lines(r) == ["2 workers started for 5000 numbers"]
    assert "in join" in stack(r, "MainProcess")
    workers = [s.stack for s in r.stacks if s.name.startswith("worker-")]
    assert workers, "at least one worker cannot exit"
    for w in workers:  # each is in its exit path, joining its feeder thread
        assert "_exit_function" in w and "_finalize_join" in w
    # One feeder writes into the full pipe; the other, if any, waits for its lock.
    assert any(re.search(r'connection\.py", line \d+ in _send', w) for w in workers)


def test_results_of_100_numbers_fit_the_pipe_and_5000_do_not():
    """deadlocks.md: "Each result is small, but 5,000 of them pickle to about 129 KB,
    nearly twice what the pipe holds; 100 of them are about 2 KB, which is why
    the tests passed." """
    import pickle

    def unread(count):  # a queue sends a 4-byte length, then the pickle
        return sum(len(pickle.dumps((n, n * n))) + 4 for n in range(count))

    assert unread(100) < 2_500  # about 2 KB: fits in a 64 KiB pipe
    assert 1.9 * 65_536 < unread(5000) < 130_000  # about 129 KB: nearly twice what it holds


def test_collecting_first_receives_all_5000_squares_under_every_method():
    for r in fixed_runs("results_grow").values():
        assert lines(r)[1:] == ["received 5000 squares", "both workers have finished: True"]


# --- crashes.md: a worker that fails -------------------------------------------

def test_parent_waits_in_get_for_ever_after_its_only_worker_died(snippet_run):
    """crashes.md: "A process whose target raises prints the traceback and exits
    with code 1 [...] It waits in `get()` for a third answer that no one will
    send, for ever: the stacks show the parent in `Queue.get()` and no worker
    left." """
    r = snippet_run("exercise_worker_fails_bug", DEFAULT)
    assert r.outcome == "hangs"
    assert "ValueError: invalid literal for int() with base 10: 'three'" in r.output
    assert "doubled" not in r.output
    assert not [s for s in r.stacks if s.name == "worker"]  # it is gone
    assert re.search(r'queues\.py", line \d+ in get', stack(r, "MainProcess"))


def test_parent_that_watches_the_worker_reports_what_is_missing_under_every_method():
    """crashes.md: "A worker that exits, even after an exception, has flushed
    what it put, so once it is gone, an empty wait means nothing more is
    coming. The worker's exit code then says how it ended." """
    for r in fixed_runs("worker_fails").values():
        assert lines(r)[-2:] == ["doubled: [2, 4]", "2 of 4 lines got no answer; the worker's exit code: 1"]
        assert r.duration < 5  # it noticed; it did not wait out a long timeout


# --- managers.md: a manager that is gone, a Queue in a Pool task -----------------

def test_proxy_of_a_shut_down_manager_cannot_reach_its_server():
    for method, r in runs("exercise_manager_closed_bug").items():
        assert (r.outcome, r.exception) == ("raises", "FileNotFoundError"), method
        assert re.search(r"managers\.py\", line \d+, in _callmethod", r.output)
        assert re.search(r"in SocketClient\n\s+s\.connect\(address\)", r.output)  # the server's socket file
        assert "got" not in r.output


def test_manager_kept_running_serves_the_queue_under_every_method():
    for r in fixed_runs("manager_closed").values():
        assert lines(r) == ["got 'hello'"]


def test_queue_in_a_pool_task_raises_in_the_parent_before_any_report():
    for method, r in runs("exercise_queue_to_pool_bug").items():
        assert (r.outcome, r.exception) == ("raises", "RuntimeError"), method
        assert lines(r)[-1] == ("RuntimeError: Queue objects should only be shared between processes "
                                "through inheritance")
        assert re.search(r"in main\n\s+pool\.map_async\(.*\)\.get\(TIMEOUT\)", r.output)
        assert "reported" not in r.output


def test_manager_queue_in_pool_tasks_carries_every_report_under_every_method():
    for r in fixed_runs("queue_to_pool").values():
        assert lines(r) == ["reported: [1, 4, 9]"]


# --- start-methods.md: set_start_method() twice, a lambda target ------------------

def test_second_set_start_method_raises_after_the_first_batch_worked(snippet_run):
    r = snippet_run("exercise_start_method_twice_bug")
    assert (r.outcome, r.exception) == ("raises", "RuntimeError")
    assert lines(r)[0] == "first batch: [1, 4, 9]"
    assert lines(r)[-1] == "RuntimeError: context has already been set"
    assert not any(line.startswith("second batch:") for line in lines(r))


def test_get_context_can_be_asked_for_twice():
    (r,) = fixed_runs("start_method_twice").values()
    assert lines(r) == ["first batch: [1, 4, 9]", "second batch: [16, 25, 36]"]


def test_lambda_target_works_under_fork_only():
    for method, r in runs("exercise_lambda_target_bug").items():
        if method == "fork":
            assert lines(r) == ["hello, Ada", "hello, Grace"]
        else:  # start() pickles the target: a lambda has no importable name
            assert (r.outcome, r.exception) == ("raises", "AttributeError"), method
            assert re.search(r"AttributeError: Can't (pickle|get) local object 'main\.<locals>\.<lambda>'$",
                             r.output, re.M)
            assert re.search(r'line \d+, in main\n\s+p\.start\(\)', r.output)
            assert "hello" not in r.output


@pytest.mark.parametrize("version, says", [("3.12", "pickle"), ("3.13", "get")])
@pytest.mark.slow
def test_lambda_error_message_by_version(version, says, snippet_run, python_of):
    python = python_of(tuple(int(part) for part in version.split(".")))
    r = snippet_run("exercise_lambda_target_bug", "spawn", python=python)
    assert r.output.splitlines()[-1] == f"AttributeError: Can't {says} local object 'main.<locals>.<lambda>'"


@pytest.mark.parametrize("version", [(3, 14), (3, 15)], ids=lambda v: "%d.%d" % v)
@pytest.mark.slow
def test_lambda_error_is_a_pickling_error_with_notes_from_3_14(version, snippet_run, python_of):
    """'from 3.14, PicklingError: Can't pickle local object <function
    main.<locals>.<lambda> at 0x...>, with notes on which attribute held it'"""
    r = snippet_run("exercise_lambda_target_bug", "spawn", python=python_of(version))
    assert (r.outcome, r.exception) == ("raises", "PicklingError")
    assert re.search(r"^_pickle\.PicklingError: Can't pickle local object "
                     r"<function main\.<locals>\.<lambda> at 0x[0-9a-f]+>\n"
                     r"when serializing dict item '_target'$", r.output, re.M), r.output


def test_top_level_target_greets_both_names_under_every_method():
    for r in fixed_runs("lambda_target").values():
        assert lines(r) == ["hello, Ada", "hello, Grace"]
