"""The command line: bad input gives one line and exit 2; runs report honestly."""
import os
import re
import subprocess
import sys
import time

import pytest

from ipcsnippets import _reaper, catalog


def cli(*args, timeout=60):
    return subprocess.run(
        [sys.executable, "-m", "ipcsnippets", *args],
        capture_output=True, text=True, timeout=timeout, cwd=catalog.ROOT,
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "nosuch"], "unknown snippet 'nosuch' (known: "),
        (["run", "pipe_greetings", "--start-method", "bogus"], "unknown start method 'bogus'"),
        (["run", "pipe_greetings", "--timeout", "-1"], "timeout must be a positive number"),
        (["run", "pipe_greetings", "--timeout", "soon"], "timeout must be a positive number"),
        (["run", "pipe_greetings", "--timeout", "inf"], "timeout must be a positive number"),
        (["check", "nosuch"], "unknown snippet 'nosuch'"),
        (["check", "--jobs", "0"], "--jobs must be at least 1"),
        (["outputs", "--check", "nosuch"], "unknown snippet 'nosuch'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args, message):
    done = cli(*args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert message in done.stderr


def test_list_names_every_snippet():
    done = cli("list")
    assert done.returncode == 0
    for name in catalog.names():
        assert name in done.stdout


def test_run_of_a_hanging_snippet_exits_124_and_shows_the_stacks():
    done = cli("run", "queue_race_forced", "--timeout", "1.5")
    assert done.returncode == 124, done.stderr
    # Declared hung at the limit given. The wait may overrun: by 0.5 s on a
    # loaded machine (a soak run failed on the old bound of 1.9 s).
    stopped = re.search(r"hung \(stopped after (\d+\.\d) s\)", done.stderr)
    assert stopped and 1.5 <= float(stopped.group(1)) < 3.0, done.stderr
    assert "--- consumer-" in done.stderr and " in get" in done.stderr, done.stderr


def test_run_of_a_completing_snippet_passes_its_output_through():
    done = cli("run", "pipe_greetings", "--start-method", "spawn")
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "the sender is done"
    assert "completed (exit status 0)" in done.stderr


def test_check_one_snippet_reports_a_table():
    done = cli("check", "pipe_greetings")
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1].endswith("passed, 0 failed")


def test_soak_counts_the_runs_and_keeps_the_whole_output_of_a_failed_one(tmp_path):
    test_file = tmp_path / "test_one.py"
    test_file.write_text("def test_fails():\n    assert 1 + 1 == 3, 'the reason'\n")
    done = cli("soak", "--runs", "2", "--load", "0", "--", str(test_file), "-n", "0", "-p", "no:cacheprovider")
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert lines[-1] == "soak: 0 passed, 2 failed (suite runs, 0 busy processes)"
    logs = [line.split(": ", 1)[1] for line in lines if line.startswith("    its whole output: ")]
    assert len(logs) == 2
    try:
        for log in logs:
            assert "AssertionError: the reason" in open(log).read()
    finally:
        for log in logs:
            os.unlink(log)


def _children_of(pid):
    found = {}
    for entry in os.listdir("/proc"):
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
            if int(stat[stat.rindex(b")") + 2:].split()[1]) == pid:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    found[int(entry)] = f.read().replace(b"\0", b" ").decode()
        except (OSError, ValueError):
            continue
    return found


def _alive(pid):
    return _reaper._state(pid) not in ("Z", "X")


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="finds the burners through /proc")
def test_a_soak_killed_outright_leaves_no_burner_running(tmp_path):
    test_file = tmp_path / "test_slow.py"
    test_file.write_text("import time\ndef test_slow():\n    time.sleep(30)\n")
    soak = subprocess.Popen([sys.executable, "-m", "ipcsnippets", "soak", "--runs", "1", "--load", "2", "--",
                             str(test_file), "-n", "0", "-p", "no:cacheprovider"],
                            cwd=catalog.ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children = {}
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            children = _children_of(soak.pid)
            if sum("multiprocessing-fork" in c for c in children.values()) == 2 and len(children) >= 3:
                break
            time.sleep(0.05)
        burners = [pid for pid, c in children.items() if "multiprocessing-fork" in c]
        assert len(burners) == 2, children
        soak.terminate()  # SIGTERM: the soak runs no cleanup of its own
        soak.wait(10)
        deadline = time.monotonic() + 5
        while any(map(_alive, burners)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_alive, burners)), "burners still running 5 s after the soak was killed"
    finally:
        soak.kill()
        soak.wait(10)
        # The soak's pytest and burners; its resource tracker last, once it
        # has unlinked the soak's Event (killing it first leaked the Event's
        # five semaphores in 3 of 10 soak runs).
        _reaper.kill_and_clean(lambda: {pid: cmd for pid, cmd in children.items() if _alive(pid)}, grace=3.0)
