"""Debugging a hang (debugging.md): the log, faulthandler in every process, py-spy."""
import faulthandler
import multiprocessing
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ipcsnippets import catalog

METHODS = multiprocessing.get_all_start_methods()
TIMEOUT = 10


def _log_lines(output, process):
    return [line for line in output.splitlines() if line.startswith("[") and f"/{process}]" in line]


@pytest.mark.parametrize("method", METHODS)
def test_the_childs_last_log_line_is_the_step_it_cannot_finish(method, snippet_run):
    """debugging.md: "the last one, joining queue thread, never finished"
    and "one line in main() is enough under every start method"; the
    runner's stacks agree: the child waits in _finalize_join()."""
    r = snippet_run("debug_log_to_stderr", method)
    assert r.outcome == "hangs"
    assert _log_lines(r.output, "producer")[-1] == "[DEBUG/producer] joining queue thread"
    child = next(s.stack for s in r.stacks if s.name == "producer")
    assert "in _finalize_join" in child
    parent = next(s.stack for s in r.stacks if s.name == "MainProcess")
    assert re.search(r"in join\n.*debug_log_to_stderr\.py\", line \d+ in main", parent)


@pytest.mark.slow
def test_the_exiting_line_comes_before_the_exit_handlers_from_3_13_only(python_of, snippet_runs):
    """debugging.md: "From Python 3.13 the child logs process exiting with
    exitcode 0 when its target returns, before its exit handlers run [...]
    Up to 3.12 that line comes after them, so a child stuck in an exit
    handler never logs it." """
    jobs = [("debug_log_to_stderr", "fork", python_of(v)) for v in ((3, 12), (3, 15))]
    old, new = snippet_runs(jobs)
    assert "[INFO/producer] process exiting with exitcode 0" not in old.output
    lines = _log_lines(new.output, "producer")
    assert lines.index("[INFO/producer] process exiting with exitcode 0") < lines.index(
        "[INFO/producer] process shutting down")
    assert lines[-1] == "[DEBUG/producer] joining queue thread"


@pytest.mark.parametrize("method", catalog.get("debug_faulthandler").methods())
def test_each_process_dumps_its_own_stacks_once(method, snippet_run):
    """debugging.md: "Each process wrote one dump, after one second. The
    parent's says join(), called from main(). The child's has two threads:
    [...] _finalize_join() [...] and the feeder (_feed())"."""
    r = snippet_run("debug_faulthandler", method)
    assert r.outcome == "hangs"
    assert r.output.count("Timeout (0:00:01)!") == 2
    assert re.search(r"in join\n  File \".*debug_faulthandler\.py\", line \d+ in main", r.output)
    assert "in _finalize_join" in r.output and "in _feed" in r.output


def _arm_then_report(armed):
    faulthandler.dump_traceback_later(60)
    faulthandler.cancel_dump_traceback_later()
    armed.set()


def test_a_child_forked_while_the_timer_is_armed_cannot_arm_its_own():
    """debugging.md: "A child forked while the parent's timer is armed
    cannot arm its own: its dump_traceback_later() waits for ever [...] and
    the child never runs its target." The same child, forked before the
    parent arms its timer, arms and cancels it at once."""
    ctx = multiprocessing.get_context("fork")
    armed = ctx.Event()
    stuck = ctx.Process(target=_arm_then_report, args=(armed,))
    faulthandler.dump_traceback_later(60)
    try:
        stuck.start()
    finally:
        faulthandler.cancel_dump_traceback_later()
    try:
        assert not armed.wait(1.5)
        assert stuck.is_alive()
    finally:
        stuck.kill()
        stuck.join(TIMEOUT)
    fine = ctx.Process(target=_arm_then_report, args=(armed,))
    fine.start()
    try:
        assert armed.wait(TIMEOUT)
        fine.join(TIMEOUT)
        assert fine.exitcode == 0
    finally:
        if fine.is_alive():
            fine.kill()
        fine.join(TIMEOUT)


def _py_spy():
    found = Path(sys.executable).with_name("py-spy")
    return str(found) if found.is_file() else shutil.which("py-spy")


# Yama's ptrace_scope 1 (Ubuntu's default) lets a process be read only by its
# ancestors; this one asks the kernel to let any process of its user read it.
_ANY_TRACER = ("import ctypes, runpy, sys; ctypes.CDLL(None).prctl(0x59616d61, ctypes.c_ulong(-1), 0, 0, 0);"
               "sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name='__main__')")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl and py-spy's reader: Linux here")
def test_py_spy_dump_names_the_call_a_hung_program_waits_in():
    """debugging.md: "The tests run py-spy dump against pipe_eof_hang.py
    while it waits in recv() [...] and check that the dump names recv and
    the line of main() that called it. They skip that test where py-spy is
    not installed." """
    py_spy = _py_spy()
    if py_spy is None:
        pytest.skip("py-spy is not installed (pip install py-spy)")
    script = catalog.get("pipe_eof_hang").path
    hung = subprocess.Popen([sys.executable, "-c", _ANY_TRACER, str(script)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(10):  # the tenth greeting: then it waits for EOF
            assert hung.stdout.readline().startswith("hello #")
        dump = subprocess.run([py_spy, "dump", "--pid", str(hung.pid)],
                              capture_output=True, text=True, timeout=30)
        if dump.returncode != 0 and re.search(r"[Pp]ermission|ptrace", dump.stderr + dump.stdout):
            pytest.skip(f"py-spy may not read another process here: {dump.stderr.strip()}")
        assert dump.returncode == 0, dump.stderr
        assert "recv (multiprocessing/connection.py" in dump.stdout
        line = next(i for i, text in enumerate(script.read_text().splitlines(), 1) if "parent_end.recv()" in text)
        assert f"main (pipe_eof_hang.py:{line})" in dump.stdout
        assert hung.poll() is None  # still running, as it was
    finally:
        hung.kill()
        hung.communicate(timeout=TIMEOUT)


# --- the exercise ---

_DUMP_HEADER = re.compile(r"^Current thread 0x[0-9a-f]+ .*\(most recent call first\):$")


def _dumps(output):
    """Each faulthandler dump in the output: the functions of its frames,
    innermost first, as (file name, function) pairs."""
    dumps, frames = [], None
    for line in output.splitlines():
        if _DUMP_HEADER.match(line):
            frames = []
            dumps.append(frames)
        elif frames is not None and line.startswith("  File "):
            found = re.match(r'  File "(?:.*/)?([^/"]+)", line (?:\d+|\?\?\?) in (\S+)$', line)
            frames.append((found.group(1), found.group(2)))
        else:
            frames = None
    return dumps


@pytest.mark.parametrize("method", catalog.get("exercise_dump_signal_bug").methods())
def test_a_handler_registered_in_the_parent_dumps_a_fork_child_and_kills_the_others(method, snippet_run):
    """debugging.md, the exercise: "Under fork the worker prints its stack
    and carries on. Under spawn and forkserver it prints nothing, and the
    signal kills it." The one dump is the worker's, and the parent, whose
    handler it was, never dumps."""
    r = snippet_run("exercise_dump_signal_bug", method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, []), r.output[-2000:]
    lines = r.output.splitlines()
    if method == "fork":
        (dump,) = _dumps(r.output)
        assert ("exercise_dump_signal_bug.py", "worker") in dump
        # A copy of the parent made inside start(): its stack goes on into main().
        assert dump.index(("exercise_dump_signal_bug.py", "worker")) < dump.index(("process.py", "start"))
        assert ("exercise_dump_signal_bug.py", "main") in dump
        assert (lines[0], lines[-1]) == ("worker says: waiting", "worker ended: exit code 0")
    else:
        assert _dumps(r.output) == []
        assert lines == ["worker says: waiting", "worker ended: killed by SIGUSR2"]


@pytest.mark.parametrize("method", catalog.get("exercise_dump_signal_fixed").methods())
def test_a_handler_registered_in_every_process_dumps_the_worker_under_every_method(method, snippet_run):
    """debugging.md, the answer: "the fixed program calls arm() in main()
    and first thing in the worker [...] The fork child's stack goes on
    below its target into the parent's start() and main() [...] the others
    begin in spawn_main() or in the fork server." """
    r = snippet_run("exercise_dump_signal_fixed", method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, []), r.output[-2000:]
    lines = r.output.splitlines()
    assert (lines[0], lines[-1]) == ("worker says: waiting", "worker ended: exit code 0")
    (dump,) = _dumps(r.output)  # the worker's, once: the parent got no signal
    worker = dump.index(("exercise_dump_signal_fixed.py", "worker"))
    below = dump[worker + 1:]
    begins = {"fork": ("process.py", "start"), "spawn": ("spawn.py", "spawn_main"),
              "forkserver": ("forkserver.py", "_serve_one")}
    assert begins[method] in below
    assert (("exercise_dump_signal_fixed.py", "main") in below) == (method == "fork")


@pytest.mark.slow
def test_the_bug_works_with_linuxs_default_up_to_3_13_and_kills_the_worker_from_3_14(python_of, snippet_runs):
    """debugging.md, the answer: "The program worked with Linux's default
    start method up to Python 3.13, fork; from 3.14 the default is
    forkserver, and the same program kills the worker it meant to
    inspect." No start method imposed: each interpreter's own default."""
    if not sys.platform.startswith("linux"):
        pytest.skip("the claim is about Linux's default start method")
    jobs = [("exercise_dump_signal_bug", catalog.DEFAULT, python_of(v)) for v in ((3, 13), (3, 14))]
    old, new = snippet_runs(jobs)
    assert old.output.splitlines()[-1] == "worker ended: exit code 0"
    assert len(_dumps(old.output)) == 1
    assert new.output.splitlines() == ["worker says: waiting", "worker ended: killed by SIGUSR2"]
