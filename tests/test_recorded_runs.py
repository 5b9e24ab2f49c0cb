"""The recorded runs (tests/_recorded.py): a run is read from its record only
while every input that decides it is unchanged, and only a run that agreed
with the catalog is recorded."""
import json
import shutil
import subprocess
import sys
from dataclasses import replace
from types import SimpleNamespace

import pytest

import _recorded
import _runs
from ipcsnippets import catalog, run
from ipcsnippets.cases import Case

QUICK = "queue_ordering"  # completes in a fraction of a second under fork


@pytest.fixture
def record(tmp_path, monkeypatch):
    """An empty record of our own in place of tests/recorded_runs.json."""
    path = tmp_path / "recorded_runs.json"
    monkeypatch.setattr(_recorded, "RECORD", path)
    _recorded._records.cache_clear()
    yield path
    _recorded._records.cache_clear()


def fake_case(snippet_file, method="spawn", timeout=None, limit=10.0, needs=(), expect=None, python=None):
    """What ``digest`` reads of a case, for a snippet file of the test's own."""
    snippet = SimpleNamespace(path=snippet_file, timeout=limit, needs=needs, expect=expect or {})
    return SimpleNamespace(name=snippet_file.stem, method=method, start_method=method, timeout=timeout,
                           python=python, snippet=snippet)


def test_the_digest_follows_every_input_of_a_run_and_nothing_else(tmp_path, monkeypatch):
    program = tmp_path / "program.py"
    program.write_text("print('hello')\n")
    base = _recorded.digest(fake_case(program))
    # Not inputs: what the catalog expects, or the file's name on disk elsewhere.
    assert _recorded.digest(fake_case(program, expect={"*": "anything"})) == base
    moved = tmp_path / "elsewhere" / "program.py"
    moved.parent.mkdir()
    shutil.copy(program, moved)
    assert _recorded.digest(fake_case(moved)) == base

    changed = {
        "the method": _recorded.digest(fake_case(program, method="forkserver")),
        "the case's limit": _recorded.digest(fake_case(program, timeout=5)),
        "the catalog's limit": _recorded.digest(fake_case(program, limit=11.0)),
        "a need": _recorded.digest(fake_case(program, needs=(catalog.REDIS,))),
    }
    monkeypatch.setattr(_recorded, "interpreter_build", lambda python: "3.11.2 (main, another build)")
    changed["the interpreter's build"] = _recorded.digest(fake_case(program))
    monkeypatch.undo()

    runner = tmp_path / "package"
    for name in _recorded.RUNNER_FILES:
        (runner / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(_recorded.RUNNER_ROOT / name, runner / name)
    monkeypatch.setattr(_recorded, "RUNNER_ROOT", runner)
    assert _recorded.digest(fake_case(program)) == base  # the same files
    with open(runner / "_boot" / "sitecustomize.py", "a") as hook:
        hook.write("# a change to the start-up hook\n")
    _recorded._file_digest.cache_clear()
    changed["the start-up hook"] = _recorded.digest(fake_case(program))
    monkeypatch.undo()

    program.write_text("print('hello!')\n")
    changed["the snippet"] = _recorded.digest(fake_case(program))
    assert {what: value != base for what, value in changed.items()} == dict.fromkeys(changed, True)
    assert len(set(changed.values())) == len(changed)


def test_a_recorded_run_is_read_only_while_its_inputs_are_unchanged(record, monkeypatch):
    case = Case(QUICK, "fork")
    live = run(**case.run_args())
    assert live.problems(case.expect()) == []
    _recorded.store(case, live)
    _recorded._records.cache_clear()
    found = _recorded.recorded(case)
    assert found == replace(live, python=sys.executable)
    assert _recorded.recorded(Case(QUICK, "spawn")) is None  # never recorded

    # The same entry, recorded with other inputs (here: another build of the interpreter).
    monkeypatch.setattr(_recorded, "interpreter_build", lambda python: "3.11.2 (main, another build)")
    assert _recorded.recorded(case) is None


def test_recording_keeps_a_run_that_agrees_and_drops_the_record_of_one_that_does_not(record):
    case = Case(QUICK, "fork")
    good = run(**case.run_args())
    _recorded.store(case, good)
    bad = replace(good, outcome=catalog.HANGS, exit_code=None)
    assert bad.problems(case.expect())
    assert _recorded.entry(case) in json.loads(record.read_text())["runs"]
    _recorded.store(case, bad)
    assert json.loads(record.read_text())["runs"] == {}


def test_recording_drops_entries_of_snippets_and_methods_the_catalog_no_longer_has(record):
    case = Case(QUICK, "fork")
    result = run(**case.run_args())
    _recorded.store(case, result)
    data = json.loads(record.read_text())
    kept = data["runs"][_recorded.entry(case)]
    data["runs"]["a_snippet_since_removed fork 3.11"] = kept
    data["runs"][f"{QUICK} a-method-since-removed 3.11"] = kept
    record.write_text(json.dumps(data))
    _recorded.store(case, result)
    assert list(json.loads(record.read_text())["runs"]) == [_recorded.entry(case)]


def test_the_suite_reads_a_current_record_and_runs_live_when_asked(record, monkeypatch):
    case = Case(QUICK, "fork")
    live = run(**case.run_args())
    marked = replace(live, output=live.output + "(from the record)\n")
    _recorded.store(case, marked)
    _recorded._records.cache_clear()
    for mode, from_record in (("recorded", True), ("record", True), ("live", False)):
        monkeypatch.setenv("IPCSNIPPETS_RUNS", mode)
        result = _runs.make_run(case)
        assert result.output.endswith("(from the record)\n") is from_record, mode
        assert result.problems(case.expect()) == []
    _recorded._records.cache_clear()
    assert _recorded.recorded(case).output == marked.output  # "live" stored nothing

    # make records: a case with no current record runs live and is stored.
    monkeypatch.setenv("IPCSNIPPETS_RUNS", "record")
    other = Case(QUICK, "forkserver")
    made = _runs.make_run(other)
    _recorded._records.cache_clear()
    assert _recorded.recorded(other) == made


def test_a_bad_mode_is_one_line_and_stops_the_run_before_any_test():
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "--co", "-q", "tests/test_catalog.py"],
        cwd=catalog.ROOT, capture_output=True, text=True, timeout=60,
        env={**_clean_env(), "IPCSNIPPETS_RUNS": "sometimes"},
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR
    assert done.stderr.strip() == "ERROR: IPCSNIPPETS_RUNS='sometimes' is not one of recorded, live, record"
    assert done.stdout == ""


def _clean_env():
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "IPCSNIPPETS_"))}


@pytest.mark.parametrize("text", ["{not json", '{"runs": 3}', '{"runs": {"a b 3.11": {"digest": "x"}}}',
                                  '{"runs": {"one-word": {"digest": "x", "result": {}}}}'],
                         ids=["not-json", "no-mapping", "no-result", "bad-entry"])
def test_a_broken_record_stops_the_run_with_one_line_and_live_mode_ignores_it(record, monkeypatch, text):
    record.write_text(text)
    monkeypatch.setenv("IPCSNIPPETS_RUNS", "recorded")  # CI runs this suite with "live"
    with pytest.raises(pytest.UsageError) as stopped:
        _runs.pytest_configure(None)
    message = str(stopped.value)
    assert "\n" not in message and message.startswith("recorded_runs.json is not a record of runs (")
    assert message.endswith("): delete it and run make records")
    assert record.read_text() == text  # nothing lost
    monkeypatch.setenv("IPCSNIPPETS_RUNS", "live")
    _recorded._records.cache_clear()
    _runs.pytest_configure(None)  # CI's runs never read it
