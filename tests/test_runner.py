"""The runner: outcomes, output capture, cleanup, and refusal of bad arguments."""
import math
import os
import subprocess
import sys
import time

import pytest

from ipcsnippets import RunnerError, UnknownSnippet, catalog, run, runner
from ipcsnippets.runner import run_path

CHILD_THAT_SLEEPS = """
import multiprocessing, time
def nap():
    print("child up", flush=True)
    time.sleep(60)
def main():
    p = multiprocessing.Process(target=nap, name="napper")
    p.start()
    p.join()
if __name__ == "__main__":
    main()
"""


def test_unknown_snippet_names_the_known_ones():
    with pytest.raises(UnknownSnippet, match=r"unknown snippet 'nosuch' \(known: .*queue_race"):
        run("nosuch")


@pytest.mark.parametrize("bad", [0, -1, math.nan, math.inf, "3", True])
def test_bad_timeouts_are_refused(bad):
    with pytest.raises(RunnerError, match="timeout"):
        run("pipe_greetings", timeout=bad)


def test_unknown_start_method_is_refused():
    with pytest.raises(RunnerError, match="unknown start method 'threads'"):
        run("pipe_greetings", "threads")


def test_a_raising_script_is_reported_with_its_traceback(write_script):
    path = write_script("def main():\n    raise KeyError('missing')\nif __name__ == '__main__':\n    main()\n")
    result = run_path(path, timeout=10)
    assert result.outcome == "raises" and result.exit_code == 1
    assert result.exception == "KeyError"
    assert "Traceback (most recent call last)" in result.output


def test_a_syntax_error_is_a_raise_not_a_hang(write_script):
    result = run_path(write_script("def main(:\n"), timeout=10)
    assert result.outcome == "raises" and result.exception == "SyntaxError"


def test_a_hang_kills_the_whole_tree_and_reports_each_stack(write_script):
    result = run_path(write_script(CHILD_THAT_SLEEPS), "spawn", timeout=1.5)
    assert result.outcome == "hangs" and 1.5 <= result.duration < 2.5
    assert "child up" in result.output
    names = {s.name: s.stack for s in result.stacks}
    assert "in nap" in names["napper"] and "in join" in names["MainProcess"]
    # The leak guard (_guards.py) checks that no process of the tree survived.


def test_a_process_left_running_is_killed_and_named(write_script):
    orphan_maker = (
        "import os, time\n"
        "def main():\n"
        "    if os.fork() == 0:\n"
        "        time.sleep(60)\n"
        "        os._exit(0)\n"
        "    print('parent done')\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    started = time.monotonic()
    result = run_path(write_script(orphan_maker), timeout=10)
    assert result.outcome == "completes"
    assert len(result.leftovers) == 1 and "script.py" in result.leftovers[0]
    assert time.monotonic() - started < 6


def test_killed_by_a_signal_is_its_own_outcome(write_script):
    result = run_path(write_script("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n"), timeout=10)
    assert result.outcome == "killed" and result.exit_code == -9


def test_start_method_is_imposed_without_touching_the_file(write_script):
    path = write_script(
        "import multiprocessing\n"
        "def main():\n"
        "    print(multiprocessing.get_start_method())\n"
        "if __name__ == '__main__':\n"
        "    main()\n"
    )
    for method in ("fork", "spawn", "forkserver"):
        assert run_path(path, method, timeout=10).output.strip() == method


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(RunnerError, match="no such file"):
        run_path(tmp_path / "nope.py")


def test_made_since_keeps_the_newer_pids_unless_the_counter_wrapped():
    pids = [1, 300, 5000, 5001, 32000]
    assert runner._made_since(pids, first=5000, last=5001) == [5000, 5001, 32000]
    # The counter passed pid_max and started again from the bottom: any pid may be new.
    assert runner._made_since(pids, first=5000, last=400) == pids


@pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="Linux only")
def test_pids_from_lists_a_process_made_since():
    first = runner.last_pid()
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        # Whether or not the counter wrapped meanwhile (pid_max may be 32768).
        assert child.pid in runner.pids_from(first)
    finally:
        child.kill()
        child.wait(10)


def test_run_path_passes_the_arguments_to_the_script(write_script):
    script = write_script("import sys\nprint(sys.argv[1:])\n")
    result = run_path(script, args=["--quick", "a b"], timeout=30)
    assert result.outcome == "completes" and result.output == "['--quick', 'a b']\n", result.output


def test_a_pytest_started_by_a_test_leaves_the_run_wide_leak_checks_to_the_outer_one():
    """The run-wide guards (tests/_guards.py) of a nested pytest would take the
    outer suite's runs and /dev/shm entries for its own leaks: it is nested
    only while the pid in the variable is one of its ancestors, so a stale
    value in a shell does not switch the guards off."""
    import _guards

    probe = [sys.executable, "-c", "import sys; sys.path.insert(0, 'tests'); import _guards; print(_guards._nested())"]
    sibling = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        answers = {}
        for name, outer in [("an ancestor", str(os.getpid())), ("a live non-ancestor", str(sibling.pid)),
                            ("garbage", "x"), ("unset", None)]:
            env = {k: v for k, v in os.environ.items() if k != _guards.OUTERMOST}
            if outer is not None:
                env[_guards.OUTERMOST] = outer
            done = subprocess.run(probe, env=env, capture_output=True, text=True, timeout=30, cwd=catalog.ROOT)
            answers[name] = done.stdout.strip() or done.stderr[-300:]
    finally:
        sibling.kill()
        sibling.wait(timeout=10)
    assert answers == {"an ancestor": "True", "a live non-ancestor": "False", "garbage": "False", "unset": "False"}
    # This run's own controller set it, so the workers see it.
    assert os.environ.get(_guards.OUTERMOST, "").isdigit()


def test_the_run_wide_check_counts_the_runs_of_this_session_and_not_another_s(tmp_path):
    """Two test sessions on one machine (make test in two terminals) must not
    take each other's runs for leaks: a run's processes inherit the session's
    variable, and the check looks only at those that carry its value."""
    import _guards
    from _processes import now, runs_alive

    since = now() - 0.1
    folder = tmp_path / f"{runner.RUN_FOLDER_PREFIX}99999-x"
    folder.mkdir()
    sleepers = {}
    for whose, value in [("ours", os.environ[_guards.OUTERMOST]), ("another session's", "1")]:
        env = {**os.environ, "IPCSNIPPETS_DUMP_DIR": str(folder), _guards.OUTERMOST: value}
        sleepers[whose] = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"], env=env)
    try:
        deadline = time.monotonic() + 10
        while len(runs_alive(since)) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)  # each process's environment is readable once it has started
        every_session = runs_alive(since)
        this_session = runs_alive(since, (_guards.OUTERMOST, os.environ[_guards.OUTERMOST]))
    finally:
        for p in sleepers.values():
            p.kill()
            p.wait(timeout=10)
    pids = lambda found: {int(line.split(":")[0].split()[1]) for line in found}
    assert {p.pid for p in sleepers.values()} <= pids(every_session)
    assert sleepers["ours"].pid in pids(this_session)
    assert sleepers["another session's"].pid not in pids(this_session)
