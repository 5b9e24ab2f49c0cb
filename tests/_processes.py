"""Finding the processes a test or a run left behind (psutil): used by the
autouse guards in _guards.py and by tests that check a clean-up."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time

import psutil

from ipcsnippets import runner

# Long-lived helpers: the interpreter's own, the runner's watchdog, and the
# session's Redis server (tests/redis/conftest.py checks that it stops).
HELPERS = ("resource_tracker", "forkserver", runner.WATCHDOG_NAME, "redis-server")


_GONE = (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)


def now() -> float:
    """Now, on the clock of psutil's ``create_time()``: the boot time plus the
    time since boot. A process's start time is counted in ticks since boot
    and the boot time is rounded to the second, so the wall clock could be
    up to a second off; this clock is exact to one tick (1/CLK_TCK)."""
    if hasattr(time, "CLOCK_BOOTTIME"):
        return psutil.boot_time() + time.clock_gettime(time.CLOCK_BOOTTIME)
    return time.time()


def _cmdline(process: psutil.Process) -> str:
    return " ".join(process.cmdline())


def open_channels() -> dict:
    """This process's open pipes and sockets: fd -> what it points to."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(("pipe:", "socket:")):
            found[int(fd)] = target
    return found


def live_children() -> set:
    """The pids of this process's live children."""
    found = set()
    for child in psutil.Process().children():
        try:
            if child.status() not in _GONE:
                found.add(child.pid)
        except psutil.Error:
            continue  # it ended after it was listed
    return found


def command_of(pid: int) -> str:
    """A process's command line, or "(gone)"."""
    try:
        return _cmdline(psutil.Process(pid)).strip()
    except psutil.Error:
        return "(gone)"


def _has_in_environment(process: psutil.Process, pattern: "re.Pattern[str]") -> bool:
    return any(pattern.search(value) for value in process.environ().values())


def _live_with_environment(pattern: "re.Pattern[str]", since: float = 0.0) -> list:
    """Live processes started at ``since`` (see ``now``) or later whose
    environment matches ``pattern``."""
    found = []
    for process in psutil.process_iter():
        try:
            with process.oneshot():
                if process.status() in _GONE or process.create_time() < since:
                    continue
            if _has_in_environment(process, pattern):
                found.append(process.pid)
        except psutil.Error:
            continue
    return found


def processes_of_runs_by(owner: int) -> list:
    """Live processes of the runs that process ``owner`` started (the runner
    names each run's folder after its owner, and every process of the tree
    inherits that folder in its environment)."""
    return _live_with_environment(re.compile(re.escape(f"{runner.RUN_FOLDER_PREFIX}{owner}-")))


def stray_processes(since: float = 0.0, first_pid: int = 0) -> list:
    """Live processes started by this test process: its own children (but the
    interpreter's helpers), and anything still running from one of its
    runner calls (found by the runner's per-owner folder in its environment).
    Only processes created since pid ``first_pid`` was handed out (see
    ``runner.pids_from``) are looked at, and only those started at ``since``
    (see ``now``) or later are searched for that folder: one started
    before was there when the previous test was checked."""
    me = os.getpid()
    marker = re.compile(re.escape(f"{runner.RUN_FOLDER_PREFIX}{me}-"))
    found = []
    for pid in runner.pids_from(first_pid):
        if pid == me:
            continue
        try:
            process = psutil.Process(pid)
            with process.oneshot():
                if process.status() in _GONE:
                    continue
                ppid, started = process.ppid(), process.create_time()
            if ppid == me:
                cmd = _cmdline(process)
                if not any(h in cmd for h in HELPERS):
                    found.append(f"pid {pid} (child): {cmd.strip()}")
                    continue
            if started < since:
                continue
            if _has_in_environment(process, marker):
                found.append(f"pid {pid} (from a run): {_cmdline(process).strip()}")
        except psutil.Error:
            continue
    return found


_RUN_FOLDER = re.compile(r"/" + re.escape(runner.RUN_FOLDER_PREFIX) + r"\d+-")


def runs_alive(since: float, session: "tuple[str, str] | None" = None) -> list:
    """Processes of any run started during this session (every process of a
    run has the run's folder in its environment), whoever the runner was: a
    test's own, or a command line a test started and killed. With
    ``session``, a (variable, value) pair that the session put in its
    environment, only processes that inherited it: not the runs of another
    test session on the same machine."""
    alive = []
    for pid in _live_with_environment(_RUN_FOLDER, since):
        try:
            process = psutil.Process(pid)
            if session and process.environ().get(session[0]) != session[1]:
                continue
            alive.append(f"pid {pid}: {_cmdline(process).strip()}")
        except psutil.Error:
            pass  # it ended after it was listed
    return alive


def interruptible_popen(*args, **kwargs):
    """``subprocess.Popen`` for a command that a test stops with Ctrl-C: the
    child gets SIGINT at its default whatever this process inherited. A
    shell's background job runs with SIGINT ignored, exec keeps an ignored
    signal ignored, and the command would never see the Ctrl-C (the soak,
    started in the background, failed every Ctrl-C test so)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(*args, **kwargs)
    finally:
        signal.signal(signal.SIGINT, previous)
