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
