"""Recorded runs: the catalog's runs whose inputs have not changed since a
clean live run, read from ``tests/recorded_runs.json`` instead of made again.

A run of a snippet is decided by its inputs: the snippet's file, the start
method and the limit imposed on it, the runner that starts it (with its
start-up hook), the interpreter's build, the kernel, and for a snippet that
needs Redis, redis-py's and the server's versions. ``digest(case)`` hashes
all of them. Per change, a case whose digest is the recorded one reads that
run (the tests check it as they check a live one), and any other case runs
live. ``make records`` runs the per-change suite and stores each run it made
live that agrees with the catalog, with its digest (delete the file first
to record every run again). The CI script runs everything live
(``IPCSNIPPETS_RUNS=live``).

This is the per-change suite's own cache, not a library's: pytest has none
that follows a test's inputs into the programs it starts (pytest-testmon
follows the code run in the test process only).
"""
from __future__ import annotations

import dataclasses
import fcntl
import functools
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, Optional

from ipcsnippets import catalog, outputs
from ipcsnippets.runner import ProcessStack, RunResult

RECORD = Path(__file__).with_name("recorded_runs.json")
MODES = ("recorded", "live", "record")
# What starts and watches a run: a change here may change every run.
RUNNER_ROOT = Path(catalog.__file__).resolve().parent.parent
RUNNER_FILES = ("runner.py", "_reaper.py", "redis_server.py", "_boot/sitecustomize.py")
FORMAT = 1  # bump to drop every record when what a digest covers changes


def mode() -> str:
    """IPCSNIPPETS_RUNS: ``recorded`` (the default: read a run whose inputs
    are unchanged, make the others), ``live`` (make every run) or ``record``
    (as ``recorded``, and store each run made that agrees with the catalog)."""
    value = os.environ.get("IPCSNIPPETS_RUNS", "recorded")
    if value not in MODES:
        raise ValueError(f"IPCSNIPPETS_RUNS={value!r} is not one of {', '.join(MODES)}")
    return value


@functools.lru_cache(maxsize=None)
def interpreter_build(python: Optional[str]) -> str:
    """The interpreter's full ``sys.version`` (version, build date, compiler)
    and platform: two builds of one version differ here."""
    code = "import sys; print(sys.version, sys.platform, sys.implementation.cache_tag)"
    if python is None or os.path.realpath(python) == os.path.realpath(sys.executable):
        return f"{sys.version} {sys.platform} {sys.implementation.cache_tag}"
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=30, check=True)
    return done.stdout.strip()


@functools.lru_cache(maxsize=None)
def _redis_versions() -> str:
    from importlib import metadata

    try:
        client = metadata.version("redis")
    except metadata.PackageNotFoundError:
        client = "none"
    server = shutil.which("redis-server")
    if server:
        done = subprocess.run([server, "--version"], capture_output=True, text=True, timeout=30)
        server = done.stdout.strip()
    return f"redis-py {client}; {server or 'no redis-server'}"


@functools.lru_cache(maxsize=None)
def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def digest(case) -> str:
    """The sha256 of everything that decides what the case's run does."""
    snippet = case.snippet
    parts = [
        f"format {FORMAT}",
        f"case {case.name} {case.method} {case.start_method}",
        f"limit {snippet.timeout if case.timeout is None else float(case.timeout)!r}",
        f"snippet {outputs.source_hash(snippet)}",
        *(f"runner {name} {_file_digest(RUNNER_ROOT / name)}" for name in RUNNER_FILES),
        f"python {interpreter_build(case.python)}",
        f"kernel {os.uname().sysname} {os.uname().release} {os.uname().machine}",
    ]
    if snippet.needs:
        parts.append(f"needs {_redis_versions()}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def entry(case) -> str:
    """A case's place in the record: one per snippet, method and Python
    version, to the micro version (pyenv's 3.13.0 and Debian's 3.13.18 are
    two places)."""
    return f"{case.name} {case.method} {interpreter_build(case.python).split()[0]}"


def _known(key: str) -> bool:
    """Whether a record's entry names a snippet of the catalog and one of its methods."""
    name, method, _ = key.split()
    return name in catalog.names() and method in (*catalog.get(name).methods(), catalog.DEFAULT)


class BadRecord(ValueError):
    """The record file is not what ``store`` writes."""


_FIELDS = {f.name for f in dataclasses.fields(RunResult)}


def _read() -> Dict[str, dict]:
    if not RECORD.exists() or RECORD.stat().st_size == 0:
        return {}
    try:
        runs = dict(json.loads(RECORD.read_text())["runs"])
        for key, value in runs.items():
            if len(key.split()) != 3 or not isinstance(value["digest"], str) or set(value["result"]) != _FIELDS:
                raise ValueError(f"entry {key!r} is not one run")
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRecord(f"{RECORD.name} is not a record of runs ({exc}): delete it and run make records") from None
    return runs


@functools.lru_cache(maxsize=1)
def _records() -> Dict[str, dict]:
    return _read()


def recorded(case) -> Optional[RunResult]:
    """The case's recorded run if its inputs are those it was recorded with."""
    found = _records().get(entry(case))
    if found is None or found["digest"] != digest(case):
        return None
    fields = dict(found["result"])
    fields["stacks"] = [ProcessStack(**s) for s in fields["stacks"]]
    fields["python"] = case.python or sys.executable  # where it runs now
    return RunResult(**fields)


def store(case, result: RunResult) -> None:
    """Record a live run that agrees with the catalog, or drop the case's
    record when it does not: that case then runs live until it is recorded
    again. Several processes may write: each locks the file, reads it again
    and rewrites it."""
    with open(RECORD, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        runs = {key: value for key, value in _read().items() if _known(key)}
        if result.problems(case.expect()):
            runs.pop(entry(case), None)
        else:
            runs[entry(case)] = {"digest": digest(case), "result": dataclasses.asdict(result)}
        text = json.dumps({
            "about": "Runs of the catalog that agreed with it, each with the sha256 of its inputs "
                     "(tests/_recorded.py). Per change, a case whose inputs are unchanged reads its "
                     "run here instead of running again. Written by `make records`.",
            "runs": dict(sorted(runs.items())),
        }, indent=1) + "\n"
        RECORD.write_text(text)  # the locked file itself: a new one would not be locked
