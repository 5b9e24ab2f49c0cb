"""Work done once per test run and shared by every xdist worker (a plugin of
tests/conftest.py): snippet runs, the strict site build, anything made by
``once``; and the catalog's runs, made by the xdist controller. A catalog
run whose inputs are unchanged since ``make records`` is read from its record
(``_recorded.py``). ``controller_runs`` is a plain function, imported by its
test."""
from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pytest

import _recorded
from ipcsnippets import catalog, run
from ipcsnippets.cases import Case, cases


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
    """``shared_once(key, make)``: see ``once``."""
    return lambda key, make: once(tmp_path_factory, key, make)


@pytest.fixture(scope="session")
def snippet_run(tmp_path_factory):
    """``snippet_run(name, method)``: one run of a snippet under a start method
    (or the label ``own``), shared by every test that asks about that same
    run. Tests that repeat a program to count outcomes call
    ``ipcsnippets.run`` themselves."""

    def get(name: str, method=None, python=None):
        if method is None:  # the label of a run with no method imposed
            method = catalog.DEFAULT if catalog.get(name).start_methods else catalog.OWN
        case = Case(name, method, python)
        return once(tmp_path_factory, _run_key(case), lambda: make_run(case))

    return get


def make_run(case: Case):
    """The case's run: its record where its inputs are unchanged (unless
    IPCSNIPPETS_RUNS is ``live``), else a live run; under ``record``, a live
    run is stored if it agrees with the catalog."""
    mode = _recorded.mode()
    if mode != "live":
        found = _recorded.recorded(case)
        if found is not None:
            return found
    result = run(**case.run_args())
    if mode == "record":
        _recorded.store(case, result)
    return result


def _run_key(case) -> str:
    """The ``once`` key of a shared run."""
    # The interpreter's real path: 3.11.2 and 3.11.7 are both python3.11.
    where = hashlib.sha1(os.path.realpath(case.python or sys.executable).encode()).hexdigest()[:12]
    return f"run-{case.name}-{case.start_method}-{where}"


@pytest.fixture(scope="session")
def snippet_runs(snippet_run):
    """``snippet_runs([(name, method, python), ...])``: the shared runs of
    these jobs, four at a time, in the order given."""
    from concurrent.futures import ThreadPoolExecutor

    def runs(jobs):
        with ThreadPoolExecutor(max_workers=max(1, min(4, len(jobs)))) as pool:
            return list(pool.map(lambda job: snippet_run(*job), jobs))

    return runs


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The site built once per test run with ``mkdocs build --strict``."""
    from _site_build import build_site

    def build():
        site = _shared_dir(tmp_path_factory) / "site"
        done = build_site(catalog.ROOT, site, timeout=300)
        return site, done.returncode, done.stderr

    site, code, stderr = once(tmp_path_factory, "site", build)
    if code != 0 or "WARNING" in stderr:
        pytest.fail(f"mkdocs build --strict failed:\n{stderr[-3000:]}", pytrace=False)
    return site


# --- runs of one test's own ------------------------------------------------------

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
    from ipcsnippets.runner import run_path

    def repeat(name: str, method: str, runs: int, timeout: float = 60):
        script = tmp_path / f"repeat_{name}_{method}.py"
        script.write_text(_REPEAT_MAIN.format(folder=str(catalog.SNIPPETS_DIR), name=name, runs=runs, mark=_RUN_MARK))
        result = run_path(script, method, timeout=timeout)
        return result, result.output.split(_RUN_MARK)[1:]

    return repeat


@pytest.fixture
def write_script(tmp_path):
    """Write a throw-away script and return its path (for runner tests)."""

    def write(source: str, name: str = "script.py") -> Path:
        path = tmp_path / name
        path.write_text(source)
        return path

    return write


# --- the catalog's runs, made by the xdist controller ----------------------

# The catalog's runs are what the per-change tier spends its CPU on, and a
# test that makes its own run leaves its worker waiting for it: a run's
# processes keep a core busy for less than half of its duration, and a run
# that hangs for none of it. The controller, which runs no test, makes every
# collected catalog run that has no current record as soon as a worker has
# collected, through ``once``:
# the test that needs one (the catalog's own test, or any test reading that
# same run) finds it made, or waits on its lock while it is being made, or
# makes it itself if the controller has not come to it yet. One pool,
# RUN_THREADS at a time:
# - first the runs that may hang, the longest limit first; they wait at no
#   CPU cost, and together their limits add up to more than a minute. A run
#   must show its symptom within its limit, and the tightest limits are 2 s:
#   so nothing else of the controller's runs beside them. With a second pool
#   making the others alongside, exercises whose limit was then 2 s printed
#   nothing in time (commit 188f773).
# - then the others, in collection order, while the workers' own tests run.
# Four at a time: eight crowded the two cores at the start of the suite and
# made it slower (commit 484aed4).
# The runs' folders carry the controller's pid, so no test's guard takes
# their processes for its own, and the controller waits for them before its
# end-of-run checks. Without xdist there is no controller: each test makes
# its own runs.
RUN_THREADS = 4
_CATALOG_TEST = "tests/test_snippets.py::test_snippet_behaves_as_catalogued["
_pool = None


def controller_runs(nodeids) -> list:
    """The cases of the collected catalog tests, in the order the controller
    makes them: those that may hang, the longest limit first, then the
    others; ties in collection order."""
    by_id = {f"{_CATALOG_TEST}{case.name}-{case.method}]": case for case in cases()}
    chosen = [by_id[nodeid] for nodeid in nodeids if nodeid in by_id]

    def order(case):
        may_hang = catalog.HANGS in case.expect().outcomes
        return (0, -case.snippet.timeout) if may_hang else (1, 0)

    return sorted(chosen, key=order)  # stable


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids):
    global _pool
    if _pool is not None:  # every worker collects the same tests
        return
    from concurrent.futures import ThreadPoolExecutor

    factory = node.config._tmp_path_factory
    chosen = controller_runs(ids)
    live = chosen if _recorded.mode() == "live" else [c for c in chosen if _recorded.recorded(c) is None]
    _catalog_count[:] = [len(chosen), len(live)]
    _pool = ThreadPoolExecutor(max_workers=RUN_THREADS, thread_name_prefix="catalog-run")
    for case in live:
        # An error here is left to the test that needs the run: it makes it again.
        _pool.submit(once, factory, _run_key(case), lambda c=case: make_run(c))


_catalog_count = []  # [collected catalog runs, made live], set by the controller


def pytest_configure(config):
    # A bad setting or a broken record stops the run with one line, before any test.
    try:
        if _recorded.mode() != "live":
            _recorded._records()
    except ValueError as exc:  # BadRecord too
        raise pytest.UsageError(str(exc)) from None


def pytest_terminal_summary(terminalreporter):
    if _catalog_count and _catalog_count[0]:
        chosen, live = _catalog_count
        hint = "; make records stores those that agree with the catalog" if live and _recorded.mode() == "recorded" else ""
        terminalreporter.write_line(
            f"catalog runs: {live} of {chosen} made live, {chosen - live} read from "
            f"tests/{_recorded.RECORD.name} (IPCSNIPPETS_RUNS={_recorded.mode()}){hint}")


@pytest.hookimpl(tryfirst=True)  # before the leak guards look for runs left alive
def pytest_sessionfinish(session, exitstatus):
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
