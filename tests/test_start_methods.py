"""Start methods: what each does, choosing one, the main guard, fork and threads.

Several claims are about Python versions, so some tests run a snippet under
each CPython installed here (3.9 to 3.13), a few runs at a time in threads.
"""
import json
import os
import re
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from ipcsnippets import catalog
from ipcsnippets.runner import run_many, run_path

LINUX = sys.platform.startswith("linux")

ALREADY_SET = "RuntimeError: context has already been set"
BOOTSTRAPPING = (
    "An attempt has been made to start a new process before the "
    "current process has finished its bootstrapping phase."
)
FORK_WARNING = re.compile(
    r"DeprecationWarning: This process \(pid=\d+\) is multi-threaded, "
    r"use of fork\(\) may lead to deadlocks in the child\."
)
SEMLOCK = (
    "start() -> RuntimeError: A SemLock created in a fork context is being shared "
    "with a process in a spawn context. This is not supported."
)


def flat(text):
    return " ".join(text.split())


# --- start_methods.py: what each method does ---------------------------------

@pytest.mark.skipif(not LINUX, reason="the defaults checked here are Linux's")
@pytest.mark.slow
def test_linux_default_is_fork_through_3_13_and_forkserver_from_3_14(interpreters, snippet_runs):
    """'Linux used fork by default up to Python 3.13; Python 3.14 switches to
    forkserver' -- on every CPython found here, 3.9 to 3.15."""
    assert {(3, 13), (3, 14)} <= {i.minor for i in interpreters}, "both sides of the change must be here"
    results = snippet_runs([("start_methods", None, i.path) for i in interpreters])
    for interpreter, result in zip(interpreters, results):
        default = "forkserver" if interpreter.minor >= (3, 14) else "fork"
        assert default == catalog.default_method(interpreter.version)
        assert result.outcome == "completes", (interpreter.label, result.output)
        # 3.14 lists the default first.
        listed = ["forkserver", "fork", "spawn"] if default == "forkserver" else ["fork", "spawn", "forkserver"]
        assert f"start methods here: {listed}" in result.output, interpreter.label
        assert f"this run uses: {default}\n" in result.output, interpreter.label


@pytest.mark.parametrize("method", catalog.get("start_methods").methods())
def test_only_a_fork_child_sees_state_the_parent_set_after_import(method, snippet_run):
    result = snippet_run("start_methods", method)
    assert result.outcome == "completes" and result.leftovers == []
    assert "parent: SETTING = 'changed by main()'" in result.output
    if method == "fork":
        assert "report() runs in module '__main__'" in result.output
        assert "child:  SETTING = 'changed by main()'" in result.output
    else:  # the main module was imported again, under another name
        assert "report() runs in module '__mp_main__'" in result.output
        assert "child:  SETTING = 'as imported'" in result.output


def _start_up_times(output):
    first, second = re.search(r"answered (\d+) ms after start\(\), the second (\d+) ms", output).groups()
    return int(first), int(second)


@pytest.mark.slow
def test_start_up_cost_fork_is_cheapest_and_forkserver_pays_once_3_runs_each():
    """3 runs per method; the best of each is compared, so one slow run does not decide."""
    methods = ("fork", "spawn", "forkserver")
    results = run_many([("start_methods", m) for m in methods for _ in range(3)], workers=4)  # fresh runs
    times = {m: [_start_up_times(r.output) for r in results[i * 3:(i + 1) * 3]] for i, m in enumerate(methods)}
    fork_best = min(min(pair) for pair in times["fork"])
    spawn_best = min(min(pair) for pair in times["spawn"])
    # fork copies a running process; spawn starts and prepares an interpreter per child.
    assert fork_best * 3 < spawn_best, times
    # forkserver: the first child waits for the server to start; the next is forked from it.
    assert min(s for _, s in times["forkserver"]) < min(f for f, _ in times["forkserver"]), times
    # Every spawn child pays the full start-up, not just the first.
    assert min(s for _, s in times["spawn"]) > fork_best * 3, times


# --- get_context_vs_set_start_method.py: choosing ------------------------------

def test_set_start_method_raises_the_exact_message_in_each_case_and_get_context_works(snippet_run):
    result = snippet_run("get_context_vs_set_start_method")
    assert result.outcome == "completes" and result.exit_code == 0 and result.leftovers == []
    lines = result.output.splitlines()
    # 1: the first call succeeds, the second (same method) raises.
    assert lines[1:3] == [
        "    set_start_method('spawn') -> ok",
        f"    set_start_method('spawn') -> {ALREADY_SET}",
    ]
    # 2 and 3: a Queue, or get_context() with no argument, fixed the default first.
    assert lines[4:6] == ["    default now fixed to 'fork'", f"    set_start_method('spawn') -> {ALREADY_SET}"]
    assert lines[7] == f"    set_start_method('spawn') -> {ALREADY_SET}"
    assert result.output.count(ALREADY_SET) == 3
    # 5: a spawn context works whatever the default, and leaves the default alone.
    assert "    got: a child that imported the main module as '__mp_main__'" in lines
    assert lines[-1] == "    the default is still 'fork'"


# The check that refuses a fork-made SemLock in a spawn child came in a 3.11
# bugfix release: the claim rests on these exact versions being found here.
FORCE_VERSIONS = {(3, 9, 18), (3, 11, 2), (3, 11, 7), (3, 12, 1)}


@pytest.mark.skipif(not LINUX, reason="fork-made semaphores are a POSIX matter")
@pytest.mark.slow
def test_force_true_after_a_fork_queue_fails_at_start_from_3_11_7_and_crashes_the_child_before(
        interpreters, snippet_runs):
    cases = {i.version: i.path for i in interpreters}
    missing = FORCE_VERSIONS - set(cases)
    if missing:
        pytest.skip("the interpreters this claim rests on are missing: "
                    + ", ".join("%d.%d.%d" % v for v in sorted(missing)))
    results = snippet_runs([("get_context_vs_set_start_method", None, p) for p in cases.values()])
    for version, result in zip(cases, results):
        assert result.outcome == "completes", (version, result.output)
        assert result.output.count(ALREADY_SET) == 3, version
        if version >= (3, 11, 7):
            assert SEMLOCK in result.output, version
            assert "exit code is" not in result.output, version
        else:  # 3.9, 3.10 and 3.11.2: the child is started and dies of SIGSEGV
            assert "    the child's exit code is -11" in result.output, version


PROBE = '''
import multiprocessing


def noop():
    pass


def start(process):
    process.start()
    process.join(10)


OPERATIONS = {
    "import multiprocessing": lambda: None,
    "get_all_start_methods()": multiprocessing.get_all_start_methods,
    "get_start_method(allow_none=True)": lambda: multiprocessing.get_start_method(allow_none=True),
    "get_context('spawn')": lambda: multiprocessing.get_context("spawn"),
    "get_context('spawn').Queue()": lambda: multiprocessing.get_context("spawn").Queue(),
    "Pipe()": multiprocessing.Pipe,
    "Process(target=noop)": lambda: multiprocessing.Process(target=noop),
    "get_start_method()": multiprocessing.get_start_method,
    "get_context()": multiprocessing.get_context,
    "Queue()": multiprocessing.Queue,
    "SimpleQueue()": multiprocessing.SimpleQueue,
    "JoinableQueue()": multiprocessing.JoinableQueue,
    "Lock()": multiprocessing.Lock,
    "Event()": multiprocessing.Event,
    "Value('i')": lambda: multiprocessing.Value("i"),
    "Process(...).start()": lambda: start(multiprocessing.Process(target=noop)),
    "get_context('spawn').Process(...).start()": lambda: start(multiprocessing.get_context("spawn").Process(target=noop)),
}

if __name__ == "__main__":
    for name, operation in OPERATIONS.items():
        multiprocessing.set_start_method(None, force=True)
        operation()
        fixed = multiprocessing.get_start_method(allow_none=True) is not None
        print(f"{name}: {'fixes' if fixed else 'leaves'}")
'''
LEAVES_THE_DEFAULT = [
    "import multiprocessing", "get_all_start_methods()", "get_start_method(allow_none=True)",
    "get_context('spawn')", "get_context('spawn').Queue()", "Pipe()", "Process(target=noop)",
]
FIXES_THE_DEFAULT = [
    "get_start_method()", "get_context()", "Queue()", "SimpleQueue()", "JoinableQueue()",
    "Lock()", "Event()", "Value('i')", "Process(...).start()",
]
SPAWN_START = "get_context('spawn').Process(...).start()"


def _spawn_start_fixes_the_default(interpreter) -> bool:
    """What the interpreter's own source says: a spawn child's preparation
    data asks get_start_method(), which fixes the default, up to 3.13.0;
    later releases ask get_start_method(allow_none=True), which does not."""
    spawn_py = os.path.join(os.path.dirname(interpreter.path), "..", "lib",
                            "python%d.%d" % interpreter.minor, "multiprocessing", "spawn.py")
    source = open(spawn_py, encoding="utf-8").read()
    asks = re.search(r"start_method=get_start_method\((.*?)\)", source).group(1)
    return asks == ""


@pytest.mark.slow
def test_which_operations_fix_the_default_start_method(write_script, interpreters):
    """The table 'fixes the default / leaves it open', on every CPython found
    here; one row changed in a bug-fix release of 3.13."""
    script = write_script(PROBE, "probe.py")
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda i: run_path(script, None, timeout=30, python=i.path), interpreters))
    seen = set()
    for interpreter, result in zip(interpreters, results):
        assert result.outcome == "completes", (interpreter.label, result.output)
        verdicts = dict(line.rsplit(": ", 1) for line in result.output.splitlines())
        spawn_fixes = _spawn_start_fixes_the_default(interpreter)
        seen.add(spawn_fixes)
        assert verdicts == {
            **{op: "leaves" for op in LEAVES_THE_DEFAULT},
            **{op: "fixes" for op in FIXES_THE_DEFAULT},
            SPAWN_START: "fixes" if spawn_fixes else "leaves",
        }, interpreter.label
    assert seen == {True, False}, "both behaviours must be shown by a run here"


# --- main_guard_missing.py: the guard ---------------------------------------

def _assert_child_died_bootstrapping(result, label):
    assert result.outcome == "completes" and result.exit_code == 0, (label, result.output)
    assert result.leftovers == [], label
    assert "main() runs in module '__mp_main__'" in result.output, label
    assert BOOTSTRAPPING in flat(result.output), label
    assert "child: work() ran" not in result.output, label
    # The parent went on after the child died, and it was the child that died.
    assert result.output.rstrip().endswith("parent: the child's exit code is 1"), label


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
def test_without_the_guard_the_child_exits_1_and_the_parent_exits_0(method, snippet_run):
    result = snippet_run("main_guard_missing", method)
    _assert_child_died_bootstrapping(result, method)
    # The traceback is the child's: it is importing the main module again.
    traceback = result.output[result.output.index("Traceback"):]
    assert "_fixup_main_from_path" in traceback and "main()  # no guard" in traceback
    assert "RuntimeError" in traceback


def forkserver_preloads_main(version) -> bool:
    """Whether the forkserver imports the main module itself, once
    (gh-135295: 3.13.8 and 3.14.1 on; before, each child imported it)."""
    return tuple(version) >= (3, 14, 1) or (3, 13, 8) <= tuple(version) < (3, 14)


@pytest.mark.slow
def test_without_the_guard_a_spawn_child_fails_the_same_on_every_python(interpreters, snippet_runs):
    results = snippet_runs([("main_guard_missing", "spawn", i.path) for i in interpreters])
    for interpreter, result in zip(interpreters, results):
        _assert_child_died_bootstrapping(result, ("spawn", interpreter.label))


@pytest.mark.slow
def test_without_the_guard_forkserver_fails_in_the_child_or_in_the_server_by_version(interpreters, snippet_runs):
    """Up to 3.13.7 each forkserver child imports the main module and dies
    as a spawn child does. From 3.13.8 and 3.14.1 the server imports it
    once: main() runs in the server, the server dies, and the parent's
    start() raises. 3.15 ignores a failed preload of the main module, and
    each child imports it again."""
    results = snippet_runs([("main_guard_missing", "forkserver", i.path) for i in interpreters])
    seen = set()
    for interpreter, result in zip(interpreters, results):
        in_server = forkserver_preloads_main(interpreter.version) and interpreter.minor < (3, 15)
        seen.add(in_server)
        if in_server:
            assert result.outcome == "raises", (interpreter.label, result.output)
            assert result.exception in ("EOFError", "ConnectionResetError"), interpreter.label
            assert "parent: the child's exit code" not in result.output
            # The bootstrapping error is the server's: it ran main() while importing the file.
            assert "main() runs in module '__mp_main__'" in result.output
            assert "has finished its bootstrapping phase" in flat(result.output)
        else:
            _assert_child_died_bootstrapping(result, ("forkserver", interpreter.label))
    assert seen == {True, False}, "both behaviours must be shown by a run here"


@pytest.mark.slow
def test_forkserver_imports_the_main_module_in_each_child_or_once_in_the_server(interpreters, snippet_runs):
    """'Up to 3.13.7 and in 3.14.0, each forkserver child imports your main
    module again, as a spawn child does. From 3.13.8 and 3.14.1 the server
    imports it once, and the children are forked from that.' -- on every
    CPython found here."""
    results = snippet_runs([("forkserver_main_import", None, i.path) for i in interpreters])
    seen = set()
    for interpreter, result in zip(interpreters, results):
        assert result.outcome == "completes", (interpreter.label, result.output)
        imports = re.findall(r"^imported as __mp_main__ in process (\d+)$", result.output, re.M)
        children = re.findall(r"^work\(\) in process (\d+), started by (\d+)$", result.output, re.M)
        assert len(children) == 2, result.output
        once = forkserver_preloads_main(interpreter.version)
        seen.add(once)
        if once:  # one import, in the server: the parent of both children
            assert len(imports) == 1 and {parent for _, parent in children} == set(imports), \
                (interpreter.label, result.output)
        else:  # one import in each child
            assert sorted(imports) == sorted(pid for pid, _ in children), (interpreter.label, result.output)
    assert seen == {True, False}, "both behaviours must be shown by a run here"


@pytest.mark.slow
def test_the_default_method_change_breaks_state_set_after_import(interpreters, snippet_runs):
    """'a program that works on 3.13 by default and fails on 3.14 by default'"""
    results = snippet_runs([("default_start_method_changed", None, i.path) for i in interpreters])
    for interpreter, result in zip(interpreters, results):
        if interpreter.minor >= (3, 14):
            assert result.outcome == "raises" and result.exception == "KeyError", result.output
            assert "start method: forkserver" in result.output
            assert not re.search(r"^scaled:", result.output, re.M)
        else:
            assert result.outcome == "completes", result.output
            assert "start method: fork\nscaled: [10, 20, 30]" in result.output


def test_without_the_guard_fork_works_because_nothing_is_imported_again(snippet_run):
    result = snippet_run("main_guard_missing", "fork")
    assert result.outcome == "completes" and result.leftovers == []
    assert result.output.splitlines() == [
        "main() runs in module '__main__'",
        "child: work() ran",
        "parent: the child's exit code is 0",
    ]


# --- importing by name: what 3.14's forkserver default exposes ---------------

TASKS = '''
def work(q):
    q.put("done")
'''
LOADS_BY_PATH = '''
import importlib.util
import multiprocessing
import os
import sys


def load_as(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    tasks = load_as("made_up_name", os.path.join(here, "tasks_file.py"))
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=tasks.work, args=(q,))
    p.start()
    print("got", q.get())  # no timeout: waits for a child that is gone
    p.join()


if __name__ == "__main__":
    main()
'''


@pytest.mark.parametrize("method", ["fork", "spawn", "forkserver"])
def test_a_target_loaded_under_a_made_up_name_works_only_under_fork(write_script, method):
    write_script(TASKS, "tasks_file.py")
    result = run_path(write_script(LOADS_BY_PATH, "main.py"), method, timeout=3)
    if method == "fork":
        assert result.outcome == "completes" and result.output == "got done\n"
    else:
        # The child cannot import the function's module; the parent waits for ever.
        assert result.outcome == "hangs", result.output
        assert "ModuleNotFoundError: No module named 'made_up_name'" in result.output
        main = next(s.stack for s in result.stacks if s.name == "MainProcess")
        assert re.search(r"queues\.py\", line \d+ in get", main)


# --- fork_with_threads_warning.py: fork and threads ------------------------

@pytest.mark.skipif(not LINUX, reason="fork is the Linux default this warning is about")
@pytest.mark.slow
def test_fork_warning_appears_from_3_12_on_and_only_after_the_feeder_thread_started(python_of, snippet_runs):
    versions = [(3, 9), (3, 10), (3, 11), (3, 12), (3, 13), (3, 14), (3, 15)]
    results = snippet_runs([("fork_with_threads_warning", "fork", python_of(v)) for v in versions])
    for version, result in zip(versions, results):
        assert result.outcome == "completes", (version, result.output)
        out = result.output
        assert "before put(): 1 thread(s) in the parent" in out, version
        assert "after put(): 2 thread(s) in the parent" in out, version
        if version >= (3, 12):
            assert len(FORK_WARNING.findall(out)) == 1, (version, out)
            # Raised inside multiprocessing, not in __main__: hidden unless asked for.
            assert re.search(r"multiprocessing/popen_fork\.py:\d+: DeprecationWarning", out), out
            # It comes with the second child, the one forked while the feeder thread ran.
            warned_at = FORK_WARNING.search(out).start()
            assert out.index("after put(): 2 thread(s)") < warned_at < out.index("after put(): the child's exit code")
        else:
            assert "DeprecationWarning" not in out and "multi-threaded" not in out, (version, out)


@pytest.mark.parametrize("method", ["spawn", "forkserver"])
@pytest.mark.slow
def test_spawn_and_forkserver_do_not_warn_on_3_12(method, snippet_run, python_of):
    result = snippet_run("fork_with_threads_warning", method, python=python_of((3, 12)))
    assert result.outcome == "completes", result.output
    assert "after put(): 2 thread(s)" in result.output
    assert "DeprecationWarning" not in result.output


@pytest.mark.slow
def test_the_fork_warning_is_hidden_by_default_on_3_12_without_the_filter(write_script, monkeypatch, python_of):
    source = catalog.get("fork_with_threads_warning").path.read_text()
    line = '    warnings.simplefilter("always", DeprecationWarning)\n'
    assert line in source
    script = write_script(source.replace(line, ""), "no_filter.py")
    hidden = run_path(script, "fork", timeout=10, python=python_of((3, 12)))
    assert hidden.outcome == "completes" and "after put(): 2 thread(s)" in hidden.output
    assert "DeprecationWarning" not in hidden.output
    # The same program shows it once warnings are switched on from outside.
    monkeypatch.setenv("PYTHONWARNINGS", "always::DeprecationWarning")
    shown = run_path(script, "fork", timeout=10, python=python_of((3, 12)))
    assert len(FORK_WARNING.findall(shown.output)) == 1, shown.output


def test_the_stored_race_rates_hung_under_every_method_at_different_rates():
    """'In the stored runs (200 runs per method, four at a time on 2 CPUs)
    it hung under every method, at a different rate under each.'"""
    stored = json.loads((catalog.DOCS_DIR / "measured" / "queue_race_rates.json").read_text())
    race = next(s for s in stored["snippets"] if s["snippet"] == "queue_race")
    assert (race["jobs"], stored["cpu_count"]) == (4, 2)
    methods = race["methods"]
    assert set(methods) == set(catalog.get("queue_race").methods())
    assert all(m["runs"] == 200 and m["hung"] > 0 for m in methods.values())
    assert len({m["hung"] for m in methods.values()}) == len(methods)


@pytest.mark.slow
def test_the_initializer_gives_every_worker_the_setting_on_every_python(interpreters, snippet_runs):
    """'The tests run it under fork, spawn and forkserver, and with no method
    imposed on every CPython found here: each run prints the same result.'"""
    jobs = [("default_start_method_fixed", m, sys.executable) for m in catalog.get("default_start_method_fixed").methods()]
    jobs += [("default_start_method_fixed", None, i.path) for i in interpreters]
    for job, result in zip(jobs, snippet_runs(jobs)):
        assert result.outcome == "completes", (job, result.output)
        assert result.output.splitlines()[-1] == "scaled: [10, 20, 30]", job
