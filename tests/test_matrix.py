"""`check --matrix`: every snippet on every CPython found here, against the
expectation for that Python version; the "Verified on" page shows the result.

The full matrix (every snippet, every method, every interpreter: about 430
runs) takes minutes, too long for the suite. The suite runs a sample (the
snippets whose expectations depend on the version, under the methods where
they do, plus a forced hang): per change on the versions CI must have, the
whole sample on 3.14, 3.15 and this interpreter and on the others what only
they show; in the slow tier, the whole sample on every interpreter found. It
checks that the stored full matrix is current. IPCSNIPPETS_FULL_MATRIX=1 runs
the full matrix as a test.
"""
import glob
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from ipcsnippets import catalog, fragments, matrix
from ipcsnippets.matrix import REQUIRED_IN_CI, Cell, Interpreter
from _cli import cli
from _pythons import IN_CI




@pytest.fixture
def interpreters(interpreters):
    """The shared discovery (_pythons.py), which the matrix needs complete."""
    found = interpreters
    missing = [v for v in REQUIRED_IN_CI if v not in {i.minor for i in found}]
    if missing:
        names = ", ".join("%d.%d" % v for v in missing)
        if IN_CI:
            pytest.fail(f"CI=true but no interpreter found for Python {names}", pytrace=False)
        pytest.skip(f"no interpreter found for Python {names} (needed for the matrix)")
    return found


def test_discovery_finds_each_cpython_once_and_nothing_older_than_3_9(interpreters):
    paths = [i.path for i in interpreters]
    assert len(paths) == len(set(paths))
    assert all(os.path.realpath(p) == p for p in paths)
    assert all(i.implementation == "cpython" and i.minor >= (3, 9) for i in interpreters)
    assert any(i.path == os.path.realpath(sys.executable) for i in interpreters), "the running one is included"
    assert [i.version for i in interpreters] == sorted(i.version for i in interpreters)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--python", "/bin/true"], "/bin/true is not a Python interpreter"),
        (["--python", "/no/such/python3"], "/no/such/python3 is not a Python interpreter"),
        (["--python", "README.md"], "README.md is not a Python interpreter"),
    ],
)
def test_a_path_that_is_not_a_python_interpreter_is_refused(args, message):
    done = cli("check", "--matrix", "pipe_greetings", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert message in done.stderr


def test_a_python_older_than_3_9_is_refused():
    root = matrix.pyenv_root()
    olds = sorted(glob.glob(str(root / "versions" / "3.[5-8].*" / "bin" / "python3.[5-8]"))) if root else []
    if not olds:
        pytest.skip("no Python older than 3.9 here")
    done = cli("check", "--matrix", "--python", olds[-1])
    assert done.returncode == 2
    assert done.stderr.strip().endswith("the snippets need 3.9 or newer")


def test_python_without_matrix_is_refused():
    done = cli("check", "pipe_greetings", "--python", sys.executable)
    assert done.returncode == 2
    assert done.stderr.strip() == "ipcsnippets: error: --python and --hang-limit need --matrix"


def test_hang_limit_shortens_only_the_runs_expected_to_hang(interpreters):
    cells = matrix.cell_cases(interpreters[:1], ["queue_race_forced", "pipe_greetings"], hang_limit=1.0)
    timeouts = {(case.name, case.method): case.timeout for _, case in cells}
    assert timeouts[("queue_race_forced", "fork")] == 1.0
    assert timeouts[("pipe_greetings", "fork")] is None  # the catalog's limit


def _versioned():
    return [n for n in catalog.names() if any(">=" in key for key in catalog.get(n).expect)]


def _version_dependent_methods(snippet):
    """The start methods under which the snippet's expectation changes with
    the version: each method a versioned key names, and for a versioned
    ``*`` key one method that no key names (so that ``*`` is what applies).
    One method stands for all that ``*`` covers: the full matrix, stored and
    checked for staleness, runs the others."""
    versioned = {key.partition(">=")[0] for key in snippet.expect if ">=" in key}
    named = {key.partition(">=")[0] for key in snippet.expect} - {"*"}
    methods = [m for m in snippet.methods() if m in versioned]
    if "*" in versioned:
        methods += [next((m for m in snippet.methods() if m not in named), snippet.methods()[0])]
    return sorted(set(methods))


def _check_sample(plan, snippet_run):
    """Run ``plan``, ``(interpreter, snippet, method)`` triples, one group per
    interpreter and snippet, all groups at once, and check each run against the catalog's expectation
    for its interpreter's version. The runs are the suite's shared ones:
    other tests ask for many of them too."""
    def shared(todo, jobs):
        with ThreadPoolExecutor(jobs) as pool:
            return list(pool.map(lambda kw: snippet_run(kw["name"], kw["start_method"], kw["python"]), todo))

    def group(key):
        interpreter, name = key
        methods = [m for i, n, m in plan if (i.path, n) == (interpreter.path, name)]
        return matrix.run_matrix([interpreter], [name], methods, jobs=12, runs=shared)

    started = time.monotonic()
    groups = list({(i.path, n): (i, n) for i, n, _ in plan}.values())
    with ThreadPoolExecutor(len(groups)) as pool:
        cells = [c for done in pool.map(group, groups) for c in done]
    seconds = time.monotonic() - started
    assert sorted((c.path, c.snippet, c.method) for c in cells) == sorted((i.path, n, m) for i, n, m in plan)
    differ = [f"{c.snippet} [{c.method}] on {c.python} ({c.path}): {'; '.join(c.problems)}"
              for c in cells if not c.agrees]
    assert differ == [], f"{len(cells)} runs in {seconds:.1f} s"
    assert all(c.outcome == "hangs" for c in cells if c.snippet == "queue_race_forced")


def _full_sample(interpreters):
    """On each of ``interpreters``: every versioned snippet under each method
    where its expectation depends on the version, and a forced hang under fork."""
    return [(i, n, m) for i in interpreters for n in _versioned()
            for m in _version_dependent_methods(catalog.get(n))] + \
        [(i, "queue_race_forced", "fork") for i in interpreters]


def _per_change_sample(chosen, always):
    """The full sample on the interpreters in ``always``; on the others only
    the runs whose expectation none of those meets (an older version's own
    behaviour), so that every expectation that applies to a version in
    ``chosen`` is checked once at least."""
    plan = _full_sample(always)
    for name in _versioned():
        snippet = catalog.get(name)
        for m in _version_dependent_methods(snippet):
            met = [snippet.expect_for(m, i.version) for i in always]
            for i in chosen:
                if i not in always and not any(e is snippet.expect_for(m, i.version) for e in met):
                    plan.append((i, name, m))
                    met.append(snippet.expect_for(m, i.version))
    return plan


def test_sample_agrees_with_the_catalog_on_each_version_ci_must_have(interpreters, snippet_run):
    """The per-change sample: one interpreter for each version in
    REQUIRED_IN_CI (the newest found, and for this Python's version this very
    interpreter, whose runs are shared with the catalog's tests). The current
    releases (3.14 and 3.15) and this one run the whole sample; 3.9 and 3.13
    only what they alone show. The slow tier runs the whole sample everywhere."""
    newest = {i.minor: i for i in interpreters}  # sorted by version: the last wins
    this = next(i for i in interpreters if i.path == os.path.realpath(sys.executable))
    newest[this.minor] = this
    chosen = [newest[version] for version in REQUIRED_IN_CI]  # the fixture skips (or fails, in CI) if one is missing
    always = [i for i in chosen if i.minor in {(3, 14), (3, 15), this.minor}]
    _check_sample(_per_change_sample(chosen, always), snippet_run)


def test_the_per_change_sample_checks_every_expectation_that_applies_to_a_version_ci_must_have():
    """Made-up interpreters, one per version in REQUIRED_IN_CI: the sample
    meets, on some interpreter, every expectation that any of them must meet,
    runs the whole sample on 3.14 and 3.15, and runs less than the full one."""
    chosen = [Interpreter(path=f"/py{v[0]}{v[1]}", version=v + (99,), found="test") for v in REQUIRED_IN_CI]
    always = [i for i in chosen if i.minor in {(3, 11), (3, 14), (3, 15)}]
    plan = _per_change_sample(chosen, always)
    for i in always:
        assert {(n, m) for j, n, m in plan if j is i} == {(n, m) for _, n, m in _full_sample([i])}
    for name in _versioned():
        snippet = catalog.get(name)
        for m in _version_dependent_methods(snippet):
            needed = {id(snippet.expect_for(m, i.version)) for i in chosen}
            met = {id(snippet.expect_for(m, i.version)) for i, n, mm in plan if (n, mm) == (name, m)}
            assert needed == met, (name, m)
    older = [t for t in plan if t[0] not in always]
    assert 0 < len(older) < len(_full_sample([i for i in chosen if i not in always]))


@pytest.mark.slow
def test_sample_agrees_with_the_catalog_on_every_interpreter_found(interpreters, snippet_run):
    _check_sample(_full_sample(interpreters), snippet_run)


def test_the_sample_covers_every_versioned_key():
    """Each versioned key applies to at least one sampled method."""
    for name in _versioned():
        snippet = catalog.get(name)
        for key in (k for k in snippet.expect if ">=" in k):
            who, _, since = key.partition(">=")
            version = tuple(int(x) for x in since.split("."))
            assert any(snippet.expect_for(m, version) is snippet.expect[key]
                       for m in _version_dependent_methods(snippet)), (name, key)


@pytest.mark.skipif(os.environ.get("IPCSNIPPETS_FULL_MATRIX") != "1",
                    reason="the full matrix takes minutes: set IPCSNIPPETS_FULL_MATRIX=1")
@pytest.mark.timeout(900)
@pytest.mark.slow
def test_full_matrix_agrees_with_the_catalog(interpreters):
    started = time.monotonic()
    cells = matrix.run_matrix(interpreters)
    seconds = time.monotonic() - started
    differ = [f"{c.snippet} [{c.method}] on {c.python}: {'; '.join(c.problems)}" for c in cells if not c.agrees]
    print(f"full matrix: {len(cells)} runs on {len(interpreters)} interpreters in {seconds:.1f} s")
    assert differ == []


@pytest.mark.slow
def test_a_partial_matrix_prints_the_grid_and_writes_nothing(interpreters):
    before = matrix.MATRIX_JSON.stat().st_mtime_ns if matrix.MATRIX_JSON.exists() else None
    done = cli("check", "--matrix", "pipe_greetings", "--start-method", "fork")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    # The project's .venv is a row of its own, for the snippets that need redis-py only.
    assert lines[0].startswith(f"{len(interpreters) + len(matrix.environment())} interpreters: ")
    assert sum("1/1 ok" in line for line in lines) == len(interpreters)
    assert lines[-1] == "a partial matrix (names or start methods chosen): the page data was not written"
    after = matrix.MATRIX_JSON.stat().st_mtime_ns if matrix.MATRIX_JSON.exists() else None
    assert after == before


# --- the page -----------------------------------------------------------------

def _stored_example():
    old = Interpreter(path="/opt/python3.9", version=(3, 9, 18), found="PATH")
    new = Interpreter(path="/opt/python3.13", version=(3, 13, 0), found="PATH")

    def cell(i, method, problems=()):
        return Cell(python=i.label, path=i.path, snippet="queue_close", method=method, outcome="completes",
                    result="completed (exit status 0)", expected="completes",
                    expect_key="*>=3.13" if i is new else "*", problems=list(problems), duration=0.2,
                    output_tail="queue.Queue has shutdown(): False" if problems else "")

    cells = [cell(old, m) for m in ("fork", "spawn")]
    cells += [cell(new, "fork"), cell(new, "spawn", [r"output does not show /^queue\.Queue has shutdown\(\): True$/"])]
    return {
        "command": matrix.COMMAND, "date": "2025-01-01", "platform": "Linux", "cpu_count": 2,
        "load_average_before": [0.1, 0.1, 0.1], "jobs": 8, "hang_limit_s": None, "wall_seconds": 1.0,
        "interpreters": [vars(old), vars(new)],
        "snippets": {"queue_close": {
            "page": "queues/kinds.md", "title": "close() and join_thread()", "source_sha256": "0" * 64,
            "expect": {
                "*": {"describe": "completes", "shows": ["^a$", "^queue\\.Queue has shutdown\\(\\): False$"], "hides": []},
                "*>=3.13": {"describe": "completes", "shows": ["^a$", "^queue\\.Queue has shutdown\\(\\): True$"], "hides": []},
            },
        }},
        "cells": [vars(c) for c in cells],
    }


def test_the_page_marks_a_difference_with_a_sign_and_words_and_explains_it():
    md = matrix.render(_stored_example())
    grid = [line for line in md.splitlines() if line.startswith("| 3.13.0 (")][0]
    assert "❌ **1 of 1 differ**" in grid and "[`queue_close`](#differs-3-13-0-spawn-queue-close)" in grid
    assert "✅ [1 of 1 as catalogued](#by-snippet)" in grid  # fork
    by_snippet = [line for line in md.splitlines() if line.startswith("| [`queue_close`]")][0]
    assert by_snippet == ("| [`queue_close`](queues/kinds.md) | completes | ✅ "
                          "| ❌ [spawn](#differs-3-13-0-spawn-queue-close) |")
    assert "**1 differ from the catalog**" in md
    explained = [line for line in md.splitlines() if "{ #differs-3-13-0-spawn-queue-close }" in line][0]
    assert "[`queue_close`](queues/kinds.md) on Python 3.13.0, start method spawn" in explained
    assert r"`output does not show /^queue\.Queue has shutdown\(\): True$/`" in md
    assert "    queue.Queue has shutdown(): False" in md  # the run's own output


def test_the_page_says_where_the_version_matters_and_which_version_is_not_verified(monkeypatch):
    monkeypatch.setitem(matrix.NOT_VERIFIED, (3, 16), "the default start method becomes forkserver on Linux")
    md = matrix.render(_stored_example())
    assert "every start method, before Python 3.13: completes; the output shows " \
           r"`^queue\.Queue has shutdown\(\): False$` (checked on 3.9.18)." in md
    assert "every start method, Python 3.13 and newer: completes; the output shows " \
           r"`^queue\.Queue has shutdown\(\): True$` (checked on 3.13.0; ❌ differs on 3.13.0)." in md
    assert "| 3.16 | ⚪ not verified: not installed here |" in md
    assert "**Python 3.16 is not verified here** (no interpreter). Its known change: the default start " \
           "method becomes forkserver on Linux" in md


def test_no_version_the_site_covers_is_left_unverified():
    assert matrix.NOT_VERIFIED == {}
    stored = json.loads(matrix.MATRIX_JSON.read_text())
    assert set(REQUIRED_IN_CI) <= {tuple(i["version"][:2]) for i in stored["interpreters"]}


def test_a_hand_edited_or_stale_stored_matrix_is_caught(tmp_path, monkeypatch):
    monkeypatch.setattr(matrix, "MATRIX_JSON", tmp_path / "matrix.json")
    monkeypatch.setattr(matrix, "MATRIX_MD", tmp_path / "matrix.md")
    monkeypatch.setattr(matrix, "MEASURED_DIR", tmp_path)
    stored = _stored_example()
    matrix.write(stored)
    assert json.loads((tmp_path / "matrix.json").read_text()) == json.loads(json.dumps(stored))
    (tmp_path / "matrix.md").write_text(matrix.render(stored).replace("❌", "✅"))
    problems = fragments.check(["matrix"])
    assert any("matrix.md does not match matrix.json (edited by hand?" in p for p in problems)
    assert any(p.startswith("queue_close [spawn] on Python 3.13.0: output does not show") for p in problems)
    if "queue_close" in catalog.CATALOG:
        assert any(p.startswith("queue_close: the snippet changed since the matrix was run") for p in problems)
    others = [n for n in catalog.names() if n != "queue_close"]
    assert all(any(p.startswith(f"{n}: not in the stored matrix") for p in problems) for n in others)
