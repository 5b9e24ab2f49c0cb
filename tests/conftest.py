"""Shared fixtures. The autouse guard fails any test that leaves a process behind."""
from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import re
import sys
import time
from pathlib import Path

import pytest

# The suite starts about a thousand Python processes (runs, command lines,
# xdist workers). Where PYTHONDONTWRITEBYTECODE is set, each of them compiles
# ipcsnippets and pytest rewrites every test module again: about 6 s of CPU.
# __pycache__ folders are ignored by git.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

from ipcsnippets import runner  # noqa: E402  (after the bytecode setting)

# Long-lived helpers: the interpreter's own, and the runner's watchdog.
HELPERS = ("resource_tracker", "forkserver", runner.WATCHDOG_NAME)


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def since_boot() -> float:
    """Now, in seconds since boot: the clock of a process's start time in
    /proc (the boot time in /proc/stat is rounded to the second: too coarse)."""
    return time.clock_gettime(time.CLOCK_BOOTTIME) if hasattr(time, "CLOCK_BOOTTIME") else 0.0


def _proc_stat(pid: int):
    """State, parent pid and start time (seconds since boot, to 1/CLK_TCK)."""
    with open(f"/proc/{pid}/stat", "rb") as f:
        stat = f.read().decode(errors="replace")
    fields = stat[stat.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[19]) / _TICK


def _cmdline(pid: int) -> str:
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().replace(b"\0", b" ").decode(errors="replace")


def _live_with_environment(pattern: "re.Pattern[bytes]", since: float = 0.0) -> list:
    """Live processes started at ``since`` (seconds since boot) or later
    whose environment matches ``pattern``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            state, _, started = _proc_stat(int(entry))
            if state in ("Z", "X") or started < since:
                continue
            with open(f"/proc/{entry}/environ", "rb") as f:
                if pattern.search(f.read()):
                    found.append(int(entry))
        except (OSError, ValueError):
            continue
    return found


def processes_of_runs_by(owner: int) -> list:
    """Live processes of the runs that process ``owner`` started (the runner
    names each run's folder after its owner, and every process of the tree
    inherits that folder in its environment)."""
    return _live_with_environment(re.compile(re.escape(f"{runner.RUN_FOLDER_PREFIX}{owner}-".encode())))


def stray_processes(since: float = 0.0, first_pid: int = 0) -> list:
    """Live processes started by this test process: its own children (but the
    interpreter's helpers), and anything still running from one of its
    runner calls (found by the runner's per-owner folder in its environment).
    Only processes created since pid ``first_pid`` was handed out (see
    ``runner.pids_from``) are looked at, and only those started at ``since``
    (seconds since boot) or later are searched for that folder: one started
    before was there when the previous test was checked."""
    if not os.path.isdir("/proc"):
        return [p.name for p in multiprocessing.active_children()]
    me = os.getpid()
    marker = f"{runner.RUN_FOLDER_PREFIX}{me}-".encode()
    found = []
    for pid in runner.pids_from(first_pid):
        if pid == me:
            continue
        try:
            state, ppid, started = _proc_stat(pid)
            if state in ("Z", "X"):
                continue
            if ppid == me:
                cmd = _cmdline(pid)
                if not any(h in cmd for h in HELPERS):
                    found.append(f"pid {pid} (child): {cmd.strip()}")
                    continue
            if started < since:
                continue
            with open(f"/proc/{pid}/environ", "rb") as f:
                if marker in f.read():
                    found.append(f"pid {pid} (from a run): {_cmdline(pid).strip()}")
        except (OSError, ValueError):
            continue
    return found


def _open_channels() -> dict:
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


@pytest.fixture(scope="session", autouse=True)
def long_lived_helpers():
    """Start the helpers that live for the whole session before any test, so
    that their pipes are not taken for a test's leak."""
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    runner._RUNNING.ensure_watchdog()
    yield


def _opened_since(before: dict) -> dict:
    return {fd: t for fd, t in _open_channels().items() if before.get(fd) != t}


@pytest.fixture(autouse=True)
def no_pipe_outlives_the_test():
    before = _open_channels()
    yield
    leaked = _opened_since(before)
    if leaked:
        # A queue nobody references any more closes its pipe once collected.
        # Only then: a full collection costs about 25 ms in a worker, a
        # quarter of the suite's CPU if done after every test.
        gc.collect()
        leaked = _opened_since(before)
    # The forkserver's pipe appears with the first in-process forkserver test
    # and lives for the session, like the server.
    if leaked and os.path.isdir("/proc") and not _is_forkserver_pipe(leaked):
        pytest.fail(f"the test left {len(leaked)} pipe(s) or socket(s) open: "
                    + ", ".join(f"fd {fd} -> {t}" for fd, t in sorted(leaked.items())), pytrace=False)


def _is_forkserver_pipe(leaked: dict) -> bool:
    from multiprocessing import forkserver

    alive = getattr(forkserver._forkserver, "_forkserver_alive_fd", None)
    return alive is not None and set(leaked) <= {alive}


@pytest.fixture(autouse=True)
def no_process_outlives_the_test():
    # Start times have a resolution of 1/CLK_TCK (10 ms): a margin of 0.1 s.
    since = since_boot() - 0.1
    first_pid = runner.last_pid()
    yield
    # Children of in-process tests may take a moment to be reaped after join().
    deadline = time.monotonic() + 2
    while True:
        multiprocessing.active_children()  # reaps finished children
        stray = stray_processes(since, first_pid)
        if not stray or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    if stray:
        # Killed as the runner kills a tree: the resource trackers last, so
        # they unlink what they know of; then what the rest had mapped or
        # open in /dev/shm. A plain SIGKILL to all left semaphores behind.
        from ipcsnippets import _reaper

        _reaper.kill_and_clean(
            lambda: {int(line.split()[1]): line for line in stray_processes(since, first_pid)}, grace=3.0)
        pytest.fail("the test left processes behind: " + "; ".join(stray), pytrace=False)


# The program's main(), called again and again in one interpreter under the
# runner: each call makes its own queues, pipes and processes, so each is a
# whole run of the program; only the main interpreter's start-up and its
# resource tracker are shared (under spawn, about 40 % of a run's CPU).
_REPEAT_MAIN = """\
import sys
sys.path.insert(0, {folder!r})  # spawn children import the module the same way
import {name} as program

if __name__ == "__main__":
    for run in range({runs}):
        print("{mark}" + str(run), flush=True)
        program.main()
"""
_RUN_MARK = "--- run "


@pytest.fixture
def main_runs(tmp_path):
    """``main_runs(name, method, runs)``: the snippet's main() ``runs`` times
    in one run of the runner; returns (RunResult, [output of each call])."""
    from ipcsnippets import catalog
    from ipcsnippets.runner import run_path

    def repeat(name: str, method: str, runs: int, timeout: float = 60):
        script = tmp_path / f"repeat_{name}_{method}.py"
        script.write_text(_REPEAT_MAIN.format(folder=str(catalog.SNIPPETS_DIR), name=name, runs=runs, mark=_RUN_MARK))
        result = run_path(script, method, timeout=timeout)
        return result, result.output.split(_RUN_MARK)[1:]

    return repeat


@pytest.fixture
def interruptible_popen():
    """``subprocess.Popen`` for a command that a test stops with Ctrl-C: the
    child gets SIGINT at its default whatever this process inherited. A
    shell's background job runs with SIGINT ignored, exec keeps an ignored
    signal ignored, and the command would never see the Ctrl-C (the soak,
    started in the background, failed every Ctrl-C test so)."""
    import signal
    import subprocess

    def popen(*args, **kwargs):
        previous = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            return subprocess.Popen(*args, **kwargs)
        finally:
            signal.signal(signal.SIGINT, previous)

    return popen


@pytest.fixture
def stray():
    """``stray_processes`` and ``since_boot`` as a fixture (conftest is not importable)."""
    return stray_processes, since_boot


@pytest.fixture
def hanging_runs_of():
    """hanging_runs(nodeids) as a fixture (conftest is not importable)."""
    return hanging_runs


@pytest.fixture
def runs_by():
    """processes_of_runs_by(owner_pid) as a fixture (conftest is not importable)."""
    return processes_of_runs_by


@pytest.fixture
def write_script(tmp_path):
    """Write a throw-away script and return its path (for runner tests)."""

    def write(source: str, name: str = "script.py") -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return write


# --- shared memory and semaphores: checked once for the whole run ----------

SHM = Path("/dev/shm")


def _shm_entries() -> set:
    if not SHM.is_dir():
        return set()
    # "sem." and not only "sem.mp-": glibc makes a semaphore under a temporary
    # name (sem.XXXXXX) first, and a kill at that moment leaves that name.
    return {p.name for p in SHM.iterdir() if p.name.startswith(("sem.", "psm_", "mp-"))}


# --- the order in which xdist's workers take the tests (see _packing.py) ------

# Tests that share an expensive module fixture: one Chromium tab, the parsed site.
# The axe-core checks are a unit of their own, with their own Chromium: on
# the same worker as the other browser tests, that worker would run alone
# for the last part of the suite.
_KEEP_TOGETHER = ("tests/browser/test_browser_axe.py", "tests/browser/", "tests/test_links.py")


def pytest_addoption(parser):
    parser.addoption("--store-durations", action="store_true",
                     help="write each test's duration to tests/durations.json, "
                          "which orders the tests for the xdist workers")


def _unit(item) -> str:
    return next((group for group in _KEEP_TOGETHER if item.nodeid.startswith(group)), item.nodeid)


def pytest_collection_modifyitems(session, config, items):
    # In a worker (xdist resets the worker's own --dist to "no"); the split
    # mirrors --dist worksteal, the one in addopts.
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers < 2:
        return
    import _packing

    try:
        durations = _packing.load_durations()
    except _packing.BadDurations as exc:
        raise pytest.UsageError(str(exc)) from None
    if durations:
        seconds = _packing.estimate(durations)
        items[:] = _packing.pack(items, workers, lambda item: seconds(item.nodeid), _unit)


_measured: dict = {}  # in the controller: seconds per test, from every worker's reports


def pytest_runtest_logreport(report):
    _measured[report.nodeid] = _measured.get(report.nodeid, 0.0) + report.duration


def pytest_collection_finish(session):
    # What collection imported (pytest, Playwright, MkDocs, ...) lives for the
    # whole run: out of the collector's way, every collection is cheaper.
    gc.collect()
    gc.freeze()


def pytest_sessionstart(session):
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        session.config._shm_before = _shm_entries()
        session.config._started = since_boot() - 0.1  # start times are to 1/CLK_TCK


_RUN_FOLDER = re.compile(rb"/" + re.escape(runner.RUN_FOLDER_PREFIX.encode()) + rb"\d+-")


def _runs_alive(since: float) -> list:
    """Processes of any run started during this session (every process of a
    run has the run's folder in its environment), whoever the runner was: a
    test's own, or a command line a test started and killed."""
    return [f"pid {pid}: {_cmdline(pid).strip()}" for pid in _live_with_environment(_RUN_FOLDER, since)]


def pytest_sessionfinish(session, exitstatus):
    if session.config.getoption("store_durations") and not hasattr(session.config, "workerinput") and _measured:
        import _packing

        _packing.store_durations(_measured)
    if _prefetch is not None:
        _prefetch.shutdown(wait=True, cancel_futures=True)
    before = getattr(session.config, "_shm_before", None)
    if before is None:
        return
    deadline = time.monotonic() + 3  # resource trackers unlink as they exit; watchdogs kill
    while True:
        left = _shm_entries() - before
        alive = _runs_alive(session.config._started) if os.path.isdir("/proc") else []
        if not (left or alive) or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if left:
        print(f"\nLEAK: the suite left {len(left)} semaphore or shared-memory segment(s) in /dev/shm: "
              + ", ".join(sorted(left)))
        session.exitstatus = 1
    if alive:
        print(f"\nLEAK: the suite left {len(alive)} process(es) of snippet runs: " + "; ".join(alive))
        session.exitstatus = 1


# --- work done once per test run, shared by every xdist worker --------------

def _shared_dir(tmp_path_factory) -> Path:
    base = tmp_path_factory.getbasetemp()
    # xdist workers each get base/popen-gwN; their parent is the run's own.
    return (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "shared"


def once(tmp_path_factory, key: str, make):
    """``make()`` run once per test run whatever the number of workers; its
    result is pickled to a file that the other workers read (they wait on a
    lock while the first one makes it)."""
    import fcntl
    import pickle

    folder = _shared_dir(tmp_path_factory)
    folder.mkdir(parents=True, exist_ok=True)
    result = folder / f"{key}.pickle"
    with open(folder / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if result.exists():
                return pickle.loads(result.read_bytes())
            value = make()
            result.write_bytes(pickle.dumps(value))
            return value
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def shared_once(tmp_path_factory):
    """``shared_once(key, make)``: see ``once``; for tests outside this file."""
    return lambda key, make: once(tmp_path_factory, key, make)


@pytest.fixture(scope="session")
def snippet_run(tmp_path_factory):
    """``snippet_run(name, method)``: one run of a snippet under a start method,
    shared by every test that asks about that same run. Tests that repeat a
    program to count outcomes call ``ipcsnippets.run`` themselves."""
    from ipcsnippets import run

    def get(name: str, method=None, python=None):
        return once(tmp_path_factory, _run_key(name, method, python), lambda: run(name, method, python=python))

    return get


def _run_key(name: str, method=None, python=None) -> str:
    """The ``once`` key of a shared run."""
    # The interpreter's real path: 3.11.2 and 3.11.7 are both python3.11.
    where = hashlib.sha1(os.path.realpath(python or sys.executable).encode()).hexdigest()[:12]
    return f"run-{name}-{method}-{where}"


# --- the runs that hang, started early by the xdist controller -------------

# A run that hangs keeps a worker waiting for the run's limit (2 to 5 s) while
# the cores have nothing to do for it: the catalog's 33 runs that may hang,
# shared by tests of several files, have 84 s of limits in all. The
# controller, which runs no test, starts them as soon as a worker has
# collected, PREFETCH_THREADS at a time, through ``once``: the test that
# needs one finds it made, or waits on its lock while it is being made. The
# runs' folders carry the controller's pid, so no test's guard takes their
# processes for its own, and the controller waits for them before its
# end-of-run checks. Without xdist there is no controller: each test makes
# its own runs. Four at a time: with eight, the first 15 s of the suite had
# up to 39 runnable processes on the two cores (with four, 28 to 32), and
# the suite took 51.0 and 52.5 s against 48.6 and 49.8 s with four. A
# 2-second limit is the suite's tightest margin under that load: a run of
# queue_race_forced under spawn must start three processes within it.
PREFETCH_THREADS = 4
_CATALOG_TEST = "tests/test_snippets.py::test_snippet_behaves_as_catalogued["
_prefetch = None


def hanging_runs(nodeids) -> list:
    """(name, method) of each collected catalog case that may hang, the
    longest limit first."""
    from ipcsnippets import catalog

    cases = []
    for nodeid in nodeids:
        if nodeid.startswith(_CATALOG_TEST) and nodeid.endswith("]"):
            name, method = nodeid[len(_CATALOG_TEST):-1].rsplit("-", 1)
            method = None if method == "own" else method
            if catalog.HANGS in catalog.get(name).expect_for(method).outcomes:
                cases.append((name, method))
    return sorted(cases, key=lambda case: -catalog.get(case[0]).timeout)  # stable: ties in collection order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    global _prefetch
    if _prefetch is not None:  # every worker collects the same tests
        return
    from concurrent.futures import ThreadPoolExecutor

    from ipcsnippets import run

    factory = node.config._tmp_path_factory
    _prefetch = ThreadPoolExecutor(max_workers=PREFETCH_THREADS, thread_name_prefix="hanging-run")
    for name, method in hanging_runs(ids):
        # An error here is left to the test that needs the run: it makes it again.
        _prefetch.submit(once, factory, _run_key(name, method), lambda n=name, m=method: run(n, m))


@pytest.fixture(scope="session")
def snippet_runs(snippet_run):
    """``snippet_runs([(name, method, python), ...])``: the shared runs of
    these jobs, four at a time, in the order given."""
    from concurrent.futures import ThreadPoolExecutor

    def runs(jobs):
        with ThreadPoolExecutor(max_workers=max(1, min(4, len(jobs)))) as pool:
            return list(pool.map(lambda job: snippet_run(*job), jobs))

    return runs


# --- the other CPythons ---------------------------------------------------------

REQUIRED_IN_CI = ((3, 9), (3, 11), (3, 13))  # the oldest, this one, the newest
IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def interpreters(shared_once) -> list:
    """Every CPython 3.9+ found here (``matrix.discover()``: pyenv, PATH, this
    one), sorted by version; found once per test run."""
    from ipcsnippets import matrix

    return shared_once("interpreters", matrix.discover)


@pytest.fixture(scope="session")
def python_of(interpreters):
    """``python_of((3, 9))``: the newest CPython 3.9 found here. Skips the test
    when there is none; with CI=true, fails it for the versions CI must have."""
    newest = {i.minor: i.path for i in interpreters}  # sorted by version: the last wins

    def get(version) -> str:
        version = tuple(version)
        if version not in newest:
            reason = f"no CPython {version[0]}.{version[1]} found here (pyenv or PATH)"
            if IN_CI and version in REQUIRED_IN_CI:
                pytest.fail(reason + " -- CI must test it", pytrace=False)
            pytest.skip(reason)
        return newest[version]

    return get


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built once per test run with ``mkdocs build --strict``."""
    import subprocess

    def build():
        site = _shared_dir(tmp_path_factory) / "site"
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
            cwd=runner.catalog.ROOT, capture_output=True, text=True, timeout=300,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        return site, done.returncode, done.stderr

    site, code, stderr = once(tmp_path_factory, "site", build)
    if code != 0 or "WARNING" in stderr:
        pytest.fail(f"mkdocs build --strict failed:\n{stderr[-3000:]}", pytrace=False)
    return site
