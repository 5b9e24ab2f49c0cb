"""Run a snippet as a real ``__main__`` script in a fresh interpreter.

Each run gets its own session (so its own process group): the runner
captures the output of the whole process tree, and on a timeout it first
asks every process for its Python stacks, then kills the tree. Nothing the
snippet started outlives ``run()``.
"""
from __future__ import annotations

import contextlib
import functools
import math
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Mapping, Optional, Sequence, Tuple

import psutil

from . import _reaper, catalog
from .catalog import COMPLETES, HANGS, RAISES, Expect

BOOT_DIR = Path(__file__).resolve().parent / "_boot"
WATCHDOG_NAME = "ipcsnippets-watchdog"
"""The third word of the watchdog process's command line (see ``_Running``)."""
RUN_FOLDER_PREFIX = "ipcsnippets-"
"""Each run's folder is named ``RUN_FOLDER_PREFIX + owner pid + "-"...``, and
every process of the run has it in its environment: the owner's runs are
found by it."""
KILLED = "killed"
"""Outcome of a run ended by a signal it did not expect (not a timeout)."""

# How long the tree may take to wind down after the main process ends (the
# resource tracker and forkserver exit once their pipes close).
_GRACE = 3.0
_TRACEBACK_END = re.compile(r"^(?P<name>[A-Za-z_][\w.]*)(?::\s.*)?$")


@dataclass
class ProcessStack:
    """Where one process was blocked when a run timed out."""

    pid: int
    name: str
    stack: str


@dataclass
class RunResult:
    """What one run of a snippet did.

    Attributes:
        name: the snippet's name.
        start_method: the method imposed by the runner (``"own"`` if none).
        python: the interpreter that ran it.
        outcome: ``completes``, ``hangs``, ``raises`` or ``killed``.
        exit_code: the main process's exit status (negative: killed by that
            signal); None when it hung.
        exception: for ``raises``, the name on the traceback's last line.
        duration: seconds from start until it ended or was declared hung.
        output: stdout and stderr of every process of the tree, interleaved
            as a terminal would show them, up to the end or the timeout.
        stacks: for a hang, the Python stacks of every process of the tree.
        leftovers: processes still alive after the main process ended
            (killed by the runner; a correct snippet leaves none).
    """

    name: str
    start_method: str
    python: str
    outcome: str
    exit_code: Optional[int]
    exception: Optional[str]
    duration: float
    output: str
    stacks: List[ProcessStack] = field(default_factory=list)
    leftovers: List[str] = field(default_factory=list)

    def problems(self, expect: Expect) -> List[str]:
        """Every way this run differs from ``expect``; empty when it agrees."""
        found = []
        if self.outcome not in expect.outcomes:
            found.append(f"expected {expect.describe()}, but it {self.describe()}")
        elif self.outcome == RAISES and self.exception not in expect.exceptions:
            found.append(f"expected {expect.describe()}, but it raised {self.exception}")
        for pattern in expect.shows:
            if not re.search(pattern, self.output, re.MULTILINE):
                found.append(f"output does not show /{pattern}/")
        for pattern in expect.hides:
            if re.search(pattern, self.output, re.MULTILINE):
                found.append(f"output shows /{pattern}/")
        if self.leftovers:
            found.append(f"left processes behind: {', '.join(self.leftovers)}")
        return found

    def describe(self) -> str:
        """The outcome in words, e.g. ``hung (stopped after 2.0 s)``."""
        if self.outcome == HANGS:
            return f"hung (stopped after {self.duration:.1f} s)"
        if self.outcome == RAISES:
            return f"raised {self.exception} (exit status {self.exit_code})"
        if self.outcome == KILLED:
            return f"was killed by signal {-self.exit_code}"
        return "completed (exit status 0)" if self.exit_code == 0 else f"exited with status {self.exit_code}"

    def stack_report(self) -> str:
        """The stacks of a hung run, one labelled block per process."""
        return "\n".join(
            f"--- {s.name} (pid {s.pid}) ---\n{s.stack.rstrip()}\n" for s in self.stacks
        )


class RunnerError(ValueError):
    """Raised for arguments the runner cannot use (the message is one line)."""


def check_start_method(start_method: Optional[str]) -> None:
    """Raise [RunnerError][ipcsnippets.runner.RunnerError] unless the method exists here."""
    import multiprocessing

    available = multiprocessing.get_all_start_methods()
    if start_method is not None and start_method not in available:
        raise RunnerError(
            f"unknown start method {start_method!r} (available here: {', '.join(available)})"
        )


def check_timeout(timeout: Optional[float]) -> None:
    """Raise [RunnerError][ipcsnippets.runner.RunnerError] unless timeout is a positive finite number."""
    if timeout is None:
        return
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise RunnerError(f"timeout must be a number of seconds, not {timeout!r}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise RunnerError(f"timeout must be a positive number of seconds, not {timeout!r}")


def run(
    name: str,
    start_method: Optional[str] = None,
    timeout: Optional[float] = None,
    python: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
) -> RunResult:
    """Run ``snippets/<name>.py`` as ``__main__`` in a fresh interpreter.

    Args:
        name: a snippet in the catalog.
        start_method: ``fork``, ``spawn`` or ``forkserver``, imposed through
            a start-up hook so the snippet's code stays untouched; ``None``
            uses the platform's default (and is the only choice for a
            snippet that picks its own method).
        timeout: seconds before the run is declared hung; default: the
            catalog's limit for this snippet.
        python: the interpreter to use; default: the one running this code.
        env: variables to add to the run's environment. A snippet that needs
            a Redis server (``needs``) gets the one ``env["REDIS_URL"]``
            names, or else a server of its own for this run
            ([RedisServer][ipcsnippets.redis_server.RedisServer]).

    Returns:
        A [RunResult][ipcsnippets.runner.RunResult]. A hung run carries the
        Python stack of every process of its tree, taken before the kill.

    Raises:
        UnknownSnippet: the name is not in the catalog.
        RunnerError: a bad start method or timeout, or a missing file; an
            interpreter that cannot import what the snippet needs, or no
            ``redis-server`` to start.
    """
    snippet = catalog.get(name)
    check_start_method(start_method)
    check_timeout(timeout)
    if start_method is not None and not snippet.start_methods:
        raise RunnerError(f"snippet {name!r} chooses its own start method; run it without one")
    if not snippet.path.is_file():
        raise RunnerError(f"snippet {name!r} is in the catalog but {snippet.path} is missing")
    limit = snippet.timeout if timeout is None else float(timeout)
    missing = [m for m in snippet.modules if not can_import(python, m)]
    if missing:
        raise RunnerError(f"snippet {name!r} needs {', '.join(missing)}, which {python or sys.executable} "
                          f"cannot import (pip install {' '.join(missing)})")
    env = dict(env or {})
    if catalog.REDIS in snippet.needs and "REDIS_URL" not in env:
        from .redis_server import RedisServer  # it imports this module

        with RedisServer() as server:
            return run(name, start_method, timeout, python, {**env, "REDIS_URL": server.url})
    result = run_path(snippet.path, start_method, limit, python, env=env)
    result.name = snippet.name
    if not snippet.start_methods:
        result.start_method = catalog.OWN
    return result


def run_path(
    path: "os.PathLike[str] | str",
    start_method: Optional[str] = None,
    timeout: float = 10.0,
    python: Optional[str] = None,
    args: Sequence[str] = (),
    env: Optional[Mapping[str, str]] = None,
) -> RunResult:
    """Run any Python file the way [run][ipcsnippets.runner.run] runs a snippet.

    The file runs as ``__main__`` with ``args`` as its arguments, ``env``
    added to its environment and its own folder as the working directory,
    in a new session; the whole tree is stopped on a timeout.
    """
    check_start_method(start_method)
    check_timeout(timeout)
    path = Path(path).resolve()
    if not path.is_file():
        raise RunnerError(f"no such file: {path}")
    python = python or sys.executable
    # The owner's pid in the folder name lets a test find processes of its own runs.
    with tempfile.TemporaryDirectory(prefix=f"{RUN_FOLDER_PREFIX}{os.getpid()}-") as tmp:
        dump_dir = os.path.join(tmp, "stacks")
        os.mkdir(dump_dir)
        out_path = os.path.join(tmp, "output.txt")
        env = {**os.environ, **(env or {})}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(BOOT_DIR), env.get("PYTHONPATH")]))
        env["PYTHONUNBUFFERED"] = "1"  # a hung run keeps what it printed
        env["IPCSNIPPETS_DUMP_DIR"] = dump_dir
        env.pop("IPCSNIPPETS_START_METHOD", None)
        if start_method:
            env["IPCSNIPPETS_START_METHOD"] = start_method
        proc = None
        try:
            with open(out_path, "wb") as out, _RUNNING.starting() as register:
                started = time.monotonic()
                proc = subprocess.Popen(
                    [python, str(path), *args],
                    cwd=str(path.parent),
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
                register(proc.pid)
            try:
                exit_code: Optional[int] = _wait(proc, timeout)
                duration = time.monotonic() - started
                stacks: List[ProcessStack] = []
                output = _read(out_path)
                leftovers = _wind_down(proc.pid)
            except subprocess.TimeoutExpired:
                duration = time.monotonic() - started
                output = _read(out_path)
                stacks = _collect_stacks(proc.pid, dump_dir)
                exit_code = None
                _kill_tree(proc.pid)
                leftovers = []
        except BaseException:
            if proc is not None:
                _kill_tree(proc.pid)  # Ctrl-C or an error here: never orphan the tree
            raise
        finally:
            if proc is not None:
                proc.wait()
                _RUNNING.discard(proc.pid)
    outcome, exception = _classify(exit_code, output)
    return RunResult(
        name=path.stem,
        start_method=start_method or _default_method(),
        python=python,
        outcome=outcome,
        exit_code=exit_code,
        exception=exception,
        duration=duration,
        output=output,
        stacks=stacks,
        leftovers=leftovers,
    )


def _wait(proc: subprocess.Popen, timeout: float) -> int:
    """``proc.wait(timeout)`` without its polling: Popen.wait sleeps in steps
    of up to 50 ms, which would add that much to every short run. On Linux a
    pidfd becomes readable the moment the process ends."""
    pidfd_open = getattr(os, "pidfd_open", None)
    if pidfd_open is not None:
        try:
            fd = pidfd_open(proc.pid)
        except OSError:
            fd = None
        if fd is not None:
            try:
                ready, _, _ = select.select([fd], [], [], timeout)
            finally:
                os.close(fd)
            if not ready:
                raise subprocess.TimeoutExpired(proc.args, timeout)
            return proc.wait()
    return proc.wait(timeout)


@functools.lru_cache(maxsize=None)
def python_version(python: Optional[str] = None) -> Tuple[int, int]:
    """(major, minor) of an interpreter; raises RunnerError if it is not one."""
    if python is None or os.path.realpath(python) == os.path.realpath(sys.executable):
        return tuple(sys.version_info[:2])
    try:
        done = subprocess.run(
            [python, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
            capture_output=True, text=True, timeout=30,
        )
        major, minor = map(int, done.stdout.split())
    except (OSError, ValueError, subprocess.TimeoutExpired):
        raise RunnerError(f"{python} is not a Python interpreter") from None
    return (major, minor)


@functools.lru_cache(maxsize=None)
def can_import(python: Optional[str], module: str) -> bool:
    """Whether the interpreter (default: this one) finds ``module``."""
    if python is None or python == sys.executable:
        import importlib.util

        return importlib.util.find_spec(module) is not None
    try:
        done = subprocess.run([python, "-c", f"import importlib.util, sys; "
                               f"sys.exit(importlib.util.find_spec({module!r}) is None)"],
                              capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _default_method() -> str:
    import multiprocessing

    return multiprocessing.get_context().get_start_method()


def _read(path: str) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8", errors="replace")


def _classify(exit_code: Optional[int], output: str):
    if exit_code is None:
        return HANGS, None
    if exit_code == 0:
        return COMPLETES, None
    if exit_code < 0:
        return KILLED, None
    return RAISES, _last_exception(output)


def _last_exception(output: str) -> Optional[str]:
    """The exception named on the last line of the last traceback, if any."""
    lines = output.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    if not starts:  # a SyntaxError at compile time prints no "Traceback" line
        last = next((line for line in reversed(lines) if line.strip()), "")
        match = _TRACEBACK_END.match(last)
        return match.group("name") if match and match.group("name").endswith("Error") else None
    for line in lines[starts[-1] + 1:]:
        if line and not line[0].isspace():
            match = _TRACEBACK_END.match(line)
            if match:
                return match.group("name").rsplit(".", 1)[-1]
    return None


# --- the process tree -------------------------------------------------------

def last_pid() -> int:
    """The pid most recently handed out in this pid namespace (Linux), or -1.
    psutil has no such figure: /proc/loadavg's last field is it."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[-1])
    except (OSError, ValueError, IndexError):
        return -1


def pids_from(first: int) -> List[int]:
    """The live pids that can belong to processes created since pid ``first``
    was handed out: pids only grow until they wrap at pid_max, so those below
    ``first`` are older, unless the counter has wrapped since (then all).
    Looking at every process costs milliseconds once Chromium and the
    suite's workers run; most of them are older."""
    return _made_since(psutil.pids(), first, last_pid())


def _made_since(pids: List[int], first: int, last: int) -> List[int]:
    return pids if last < first else [pid for pid in pids if pid >= first]


_GONE = (psutil.STATUS_ZOMBIE, psutil.STATUS_DEAD)


def _group(pgid: int) -> Dict[int, str]:
    """Live (non-zombie) processes of a process group: pid -> command line."""
    found: Dict[int, str] = {}
    parents: Dict[int, int] = {}
    # The group's leader made it, and every member was started after it.
    for pid in pids_from(pgid):
        try:
            if os.getpgid(pid) != pgid:
                continue
            process = psutil.Process(pid)
            with process.oneshot():
                if process.status() in _GONE:
                    continue
                found[pid] = " ".join(process.cmdline())
                parents[pid] = process.ppid()
        except (OSError, psutil.Error):
            continue  # it ended while we looked
    # A child forked by the forkserver has the server's command line: say so.
    for pid, ppid in parents.items():
        if ppid in found and _FORKSERVER in found[ppid] and _FORKSERVER in found[pid]:
            found[pid] = _FORKED_BY_SERVER + found[pid]
    return found


_FORKSERVER = "multiprocessing.forkserver import main"
_FORKED_BY_SERVER = "(forked by the forkserver) "


def _is_forkserver(cmdline: str) -> bool:
    return _FORKSERVER in cmdline and not cmdline.startswith(_FORKED_BY_SERVER)


def _wait_gone(pgid: int, seconds: float) -> Dict[int, str]:
    deadline = time.monotonic() + seconds
    while True:
        left = _group(pgid)
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.01)


def _wind_down(pgid: int) -> List[str]:
    """After the main process ended: let helpers exit, kill and name the rest."""
    left = _wait_gone(pgid, _GRACE)
    if left:
        _kill_tree(pgid)
        # The resource tracker and the forkserver are the interpreter's own
        # helpers, not the snippet's processes: killed, but not blamed.
        return [
            f"pid {pid}: {cmd}" for pid, cmd in sorted(left.items())
            if not _reaper.is_tracker(cmd) and not _is_forkserver(cmd)
        ]
    return []


def _kill_tree(pgid: int) -> None:
    """Kill every process of the group, sparing the resource tracker until the
    rest is gone so that it can unlink the semaphores they leave; then remove
    those it was never told of (see ``_reaper``)."""
    _reaper.kill_and_clean(lambda: _group(pgid), _GRACE)


def _collect_stacks(pgid: int, dump_dir: str) -> List[ProcessStack]:
    """Ask each process of the tree for its stacks (SIGUSR1, see _boot)."""
    members = _group(pgid)
    for pid in members:
        try:
            os.kill(pid, signal.SIGUSR1)
        except ProcessLookupError:
            pass
    texts = _settled_dumps(dump_dir, members)
    stacks = []
    for pid, cmd in sorted(members.items()):
        text = texts.get(pid, "")
        name = _process_name(pid, pgid, cmd, text)
        body = "\n".join(
            line for line in text.splitlines()
            if not line.startswith("# process:") and str(BOOT_DIR) not in line
        )
        stacks.append(ProcessStack(pid=pid, name=name, stack=body or "(no stack received)"))
    return stacks


def _settled_dumps(dump_dir: str, pids, limit: float = 1.5, quiet: float = 0.1) -> Dict[int, str]:
    """Read each process's dump once every one has started and none has
    grown for ``quiet`` seconds (a dump is written in many small writes)."""
    deadline = time.monotonic() + limit
    last: Dict[int, str] = {}
    stable_since = time.monotonic()
    while time.monotonic() < deadline:
        now = {}
        for pid in pids:
            path = os.path.join(dump_dir, f"{pid}.txt")
            now[pid] = _read(path) if os.path.exists(path) else ""
        if now != last:
            last, stable_since = now, time.monotonic()
        elif all("most recent call first" in t for t in now.values()) and time.monotonic() - stable_since >= quiet:
            break
        time.sleep(0.01)
    return last


def _process_name(pid: int, pgid: int, cmd: str, text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# process:"):
            return line.split(":", 1)[1].strip()
    if pid == pgid:
        return "MainProcess"
    if "resource_tracker" in cmd:
        return "resource tracker"
    if _is_forkserver(cmd):
        return "forkserver"
    return "process"


class _Cancelled(Exception):
    pass


def run_many(
    jobs: Sequence,
    workers: Optional[int] = None,
    progress: Optional[Callable[[int, int], None]] = None,
) -> List[RunResult]:
    """Run every job in a pool of threads; return the results in the order
    of the jobs. A job is the keyword arguments of [run][ipcsnippets.runner.run]
    as a dict, or its positional arguments as a tuple.

    Each run is its own process tree in its own session. On Ctrl-C (or any
    error) the pool starts no new run, kills every tree it already started,
    waits for its threads, and re-raises: nothing it started outlives it.
    ``progress(done, total)`` is called in the caller's thread after each run.
    """
    stop = threading.Event()

    def one(kwargs) -> RunResult:
        if stop.is_set():
            raise _Cancelled()
        return run(**kwargs) if isinstance(kwargs, dict) else run(*kwargs)

    total = len(jobs)
    pool = ThreadPoolExecutor(max_workers=workers or 2 * (os.cpu_count() or 1))
    futures = [pool.submit(one, job) for job in jobs]
    try:
        pending = set(futures)
        while pending:
            done, pending = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                future.result()  # a run that failed to start stops the whole pool
            if progress and done:
                progress(total - len(pending), total)
        return [f.result() for f in futures]
    except BaseException:
        _stop_everything(stop, futures)
        raise
    finally:
        pool.shutdown(wait=True)


def _stop_everything(stop: threading.Event, futures) -> None:
    """Start nothing new, kill the trees already running, wait for the threads.
    A second Ctrl-C while we clean up is ignored, so the cleanup finishes."""
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main_thread else None
    try:
        stop.set()
        for f in futures:
            f.cancel()
        # A run that was starting while we looked is caught on the next round.
        while not all(f.done() for f in futures):
            stop_all()
            wait(futures, timeout=0.2)
    finally:
        if main_thread:
            signal.signal(signal.SIGINT, previous)


def stop_all() -> None:
    """Kill every process tree that a run of this process has running now."""
    for pgid in _RUNNING.snapshot():
        _kill_tree(pgid)


class _Running:
    """The process groups this process's runs have running, shared with a
    watchdog process that kills them if this process dies without doing so
    (killed by a signal, say): a run never leaves an orphan tree for ever."""

    def __init__(self):
        self._lock = threading.Lock()
        self._groups = set()
        self._watchdog = None
        self._watchdog_pid = None

    def ensure_watchdog(self) -> None:
        """Start this process's watchdog now rather than at the first run."""
        with self._lock:
            self._tell("-0")

    def _tell(self, line: str) -> None:
        if self._watchdog is None or self._watchdog_pid != os.getpid():
            # First run in this process (or in a forked copy of it).
            self._watchdog = subprocess.Popen(
                [sys.executable, _reaper.__file__, WATCHDOG_NAME, f"{RUN_FOLDER_PREFIX}{os.getpid()}-"],
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True, text=True, bufsize=1,
            )
            self._watchdog_pid = os.getpid()
        try:
            self._watchdog.stdin.write(line + "\n")
        except OSError:
            pass  # a dead watchdog must not stop a run

    @contextlib.contextmanager
    def starting(self):
        with self._lock:
            # The watchdog exists before the run does: if this process is
            # killed right after starting the run, the watchdog finds it.
            self._tell("-0")
            yield self._add

    def _add(self, pgid: int) -> None:
        self._groups.add(pgid)
        self._tell(f"+{pgid}")

    def discard(self, pgid: int) -> None:
        with self._lock:
            self._groups.discard(pgid)
            self._tell(f"-{pgid}")

    def snapshot(self) -> List[int]:
        with self._lock:
            return sorted(self._groups)


_RUNNING = _Running()
