"""The maintainer's tools in tools/: the soak and the speed check."""
import importlib.util
import os
import subprocess
import sys
import time

import psutil
import pytest

from ipcsnippets import _reaper, catalog

TOOLS = catalog.ROOT / "tools"


def tool(script, *args, timeout=60):
    return subprocess.run(
        [sys.executable, str(TOOLS / script), *args],
        capture_output=True, text=True, timeout=timeout, cwd=catalog.ROOT,
    )


def _module(name):
    spec = importlib.util.spec_from_file_location(f"tools_{name}", TOOLS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


speed = _module("speed")


@pytest.mark.parametrize("script, args, message", [
    ("soak.py", ["--runs", "0"], "soak: error: --runs must be at least 1 and --load at least 0"),
    ("speed.py", ["--runs", "0"], "speed: error: argument --runs: must be a whole number of at least 1, not '0'"),
])
def test_bad_input_is_one_line_and_exit_2(script, args, message):
    done = tool(script, *args)
    assert done.returncode == 2
    assert done.stderr.strip() == message


# --- soak.py ----------------------------------------------------------------------

def test_soak_counts_the_runs_and_keeps_the_whole_output_of_a_failed_one(tmp_path):
    test_file = tmp_path / "test_one.py"
    test_file.write_text("def test_fails():\n    assert 1 + 1 == 3, 'the reason'\n")
    done = tool("soak.py", "--runs", "2", "--load", "0", "--", str(test_file), "-n", "0", "-p", "no:cacheprovider")
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
    for child in psutil.Process(pid).children():
        try:
            found[child.pid] = " ".join(child.cmdline())
        except psutil.Error:
            continue
    return found


def test_a_soak_killed_outright_leaves_no_burner_running(tmp_path):
    test_file = tmp_path / "test_slow.py"
    test_file.write_text("import time\ndef test_slow():\n    time.sleep(30)\n")
    soak = subprocess.Popen([sys.executable, str(TOOLS / "soak.py"), "--runs", "1", "--load", "2", "--",
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
        while any(map(_reaper.alive, burners)) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(map(_reaper.alive, burners)), "burners still running 5 s after the soak was killed"
    finally:
        soak.kill()
        soak.wait(10)
        # The soak's pytest and burners; its resource tracker last, once it
        # has unlinked the soak's Event (killing it first leaked the Event's
        # five semaphores in 3 of 10 soak runs).
        _reaper.kill_and_clean(lambda: {pid: cmd for pid, cmd in children.items() if _reaper.alive(pid)}, grace=3.0)


# --- speed.py ---------------------------------------------------------------------

def test_speed_verdicts():
    assert speed.verdict(59.9, 60) == "PASS" and speed.verdict(60.1, 60) == "MISS"


def test_speed_finds_the_slowest_tests_in_pytest_output():
    output = "...\n==== slowest 10 durations ====\n12.30s call     tests/test_a.py::test_x\n" \
             "0.51s setup    tests/test_b.py::test_y\n1 passed in 13.0s\n"
    assert speed.slowest(output) == ["12.30s call     tests/test_a.py::test_x", "0.51s setup    tests/test_b.py::test_y"]


def test_runner_overhead_is_measured_against_a_plain_run():
    plain, ours = speed.overhead("pipe_greetings", runs=1)
    assert 0 < plain < 10 and 0 < ours < 10
