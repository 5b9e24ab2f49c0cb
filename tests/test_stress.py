"""`python -m ipcsnippets stress`: it counts what many runs did, refuses bad
input in one line, stops every run on Ctrl-C, and the measured tables on the
pages are current."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import psutil
import pytest

from ipcsnippets import _reaper, catalog, fragments
from ipcsnippets.cases import Case, judge
from ipcsnippets.commands import stress
from ipcsnippets.runner import RUN_FOLDER_PREFIX, RunResult
from _cli import cli as run_cli, cli_in_process
from _processes import interruptible_popen


def cli(*args, timeout=60):
    return run_cli("stress", *args, timeout=timeout)


@pytest.mark.parametrize(
    "args, message",
    [
        (["nosuch"], "unknown snippet 'nosuch' (known: "),
        (["sentinel_fix", "--start-method", "bogus"], "unknown start method 'bogus'"),
        (["get_context_vs_set_start_method", "--start-method", "fork"], "runs under own, not 'fork'"),
        (["sentinel_fix", "--runs", "0"], "--runs must be at least 1, not 0"),
        (["sentinel_fix", "--jobs", "0"], "--jobs must be at least 1, not 0"),
        (["sentinel_fix", "--timeout", "0"], "timeout must be a positive number"),
        ([], "name a snippet, or use --pages"),
        (["--pages", "sentinel_fix"], "no measurement 'sentinel_fix' (known: "),
        (["--pages", "--json", "x.json"], "--pages takes no --start-method, --timeout or --json"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, args, message):
    done = cli_in_process(capsys, "stress", *args)
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert message in done.stderr


def _result(outcome, duration, output="", exit_code=0, exception=None):
    return RunResult(name="timeout_fix_taught", start_method="fork", python=sys.executable, outcome=outcome,
                     exit_code=None if outcome == "hangs" else exit_code, exception=exception,
                     duration=duration, output=output)


def test_tally_counts_each_outcome_and_times_only_the_runs_that_ended():
    lost = "consumed 150 of 200 items; never consumed: 50\n"
    results = [
        _result("hangs", 1.5, lost),
        _result("hangs", 1.5, "nothing printed yet\n"),
        _result("completes", 0.2, "consumed 200 of 200 items; never consumed: 0\n"),
        _result("completes", 0.4, lost),
        _result("raises", 0.3, "Traceback (most recent call last):\nValueError: x\n", 1, "ValueError"),
    ]
    t = stress.tally([judge(Case("timeout_fix_taught", "fork"), r) for r in results])
    assert (t["runs"], t["completed"], t["hung"], t["raised"], t["lost_items"]) == (5, 2, 2, 1, 2)
    assert t["exceptions"] == ["ValueError"]
    # The taught fix must hang and lose items: only the first run does both.
    assert t["disagree"] == 4
    assert (t["median_s"], t["p95_s"], t["max_s"]) == (0.3, 0.4, 0.4)


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))  # 1..100
    assert stress.percentile(values, 95) == 95
    assert stress.percentile(values, 50) == 50
    assert stress.percentile([7.0], 95) == 7.0
    assert stress.percentile([], 95) is None


@pytest.mark.slow
def test_stress_of_the_sentinel_fix_counts_every_run_complete_and_stores_json(tmp_path):
    out = tmp_path / "runs.json"
    done = cli("sentinel_fix", "--runs", "4", "--start-method", "fork", "--jobs", "4", "--json", str(out))
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "python -m ipcsnippets stress sentinel_fix --runs 4 --start-method fork --jobs 4"
    stored = json.loads(out.read_text())
    assert stored["command"] == done.stdout.splitlines()[0]
    assert stored["python"] and stored["cpu_count"] == os.cpu_count()
    t = stored["methods"]["fork"]
    assert (t["runs"], t["completed"], t["hung"], t["lost_items"], t["disagree"]) == (4, 4, 0, 0, 0)
    assert 0 < t["median_s"] <= t["p95_s"] <= t["max_s"] < 10
    assert len(stored["runs"]["fork"]) == 4


@pytest.mark.slow
def test_stress_counts_the_taught_fix_hung_and_losing_items_in_every_run():
    done = cli("timeout_fix_taught", "--runs", "3", "--start-method", "fork", "--timeout", "2", "--jobs", "3")
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line.split() for line in done.stdout.splitlines() if line.startswith("fork "))
    # method runs completed hung rate lost raised median p95 max disagree
    assert row[1:6] == ["3", "0", "3", "100.0%", "3"], done.stdout
    assert row[-1] == "0"


def _tree_of(pid: int) -> set:
    """Every live process descended from ``pid``, or started by one of its
    runs (the runner marks their environment with a folder named after it)."""
    marker = f"{RUN_FOLDER_PREFIX}{pid}-"
    found = set()
    for process in psutil.process_iter():
        try:
            if any(marker in value for value in process.environ().values()):
                found.add(process.pid)
        except psutil.Error:
            continue
    try:
        found |= {child.pid for child in psutil.Process(pid).children(recursive=True)}
    except psutil.Error:
        pass
    return {p for p in found if _reaper.alive(p)}


@pytest.mark.slow
def test_ctrl_c_stops_every_run_it_started_and_exits_130():
    proc = interruptible_popen(
        [sys.executable, "-m", "ipcsnippets", "stress", "queue_race_forced", "--runs", "20"],
        cwd=catalog.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 20
        while len(_tree_of(proc.pid)) < 8 and time.monotonic() < deadline:  # runs are under way
            time.sleep(0.05)
        tree = _tree_of(proc.pid)
        assert len(tree) >= 4, "the runs did not start within 20 s"
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert err.strip() == "ipcsnippets: interrupted; every process it started was stopped"
    assert _tree_of(proc.pid) == set()  # nothing that a run started
    # The runner's watchdog (a child that outlives a killed runner to clean up
    # after it) ends by itself once the runner is gone.
    deadline = time.monotonic() + 5
    while {p for p in tree if _reaper.alive(p)} and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {p for p in tree if _reaper.alive(p)} == set()


# --- the measured tables on the pages -----------------------------------------

def _stored(name):
    json_path, _ = stress.paths(name)
    return json.loads(json_path.read_text(encoding="utf-8"))


def test_race_rates_were_measured_with_200_runs_per_method_and_say_how():
    stored = _stored("queue_race_rates")
    # all measurements at once, or this one alone; never fewer runs (--runs)
    assert stored["command"] in (stress.PAGES_COMMAND, f"{stress.PAGES_COMMAND} queue_race_rates")
    assert stored["python"] and stored["cpu_count"] and stored["date"] and stored["load_average_before"]
    race = stored["snippets"][0]
    assert race["snippet"] == "queue_race"
    assert set(race["methods"]) == set(catalog.get("queue_race").methods())
    for method, t in race["methods"].items():
        assert t["runs"] >= 200, method
        assert t["completed"] + t["hung"] == t["runs"], method  # nothing else happened
        assert t["disagree"] == 0, method
    fragment = stress.paths("queue_race_rates")[1].read_text()
    for word in ("start method", "hung", stress.PAGES_COMMAND, f"CPython {stored['python']}",
                 f"{stored['cpu_count']} CPUs", stored["date"]):
        assert word in fragment


def test_sentinel_fix_lost_nothing_in_200_runs_and_the_taught_fix_lost_items_in_nearly_all():
    stored = _stored("fix_rates")
    assert stored["command"] in (stress.PAGES_COMMAND, f"{stress.PAGES_COMMAND} fix_rates")
    by_name = {m["snippet"]: m for m in stored["snippets"]}
    for method, t in by_name["sentinel_fix"]["methods"].items():
        assert t["runs"] >= 200, method
        assert (t["completed"], t["hung"], t["lost_items"], t["raised"]) == (t["runs"], 0, 0, 0), method
    for method, t in by_name["timeout_fix_taught"]["methods"].items():
        assert t["runs"] >= 200, method
        assert t["lost_items"] > 0.9 * t["runs"], method


@pytest.fixture
def measured_copy(tmp_path, monkeypatch):
    folder = tmp_path / "measured"
    shutil.copytree(stress.MEASURED_DIR, folder)
    monkeypatch.setattr(stress, "MEASURED_DIR", folder)
    return folder


def test_a_hand_edited_fragment_and_a_changed_snippet_are_caught(measured_copy):
    md = measured_copy / "queue_race_rates.md"
    md.write_text(md.read_text().replace("| fork |", "| fork (edited) |"))
    path = measured_copy / "fix_rates.json"
    stored = json.loads(path.read_text())
    stored["snippets"][0]["source_sha256"] = "0" * 64
    path.write_text(json.dumps(stored))
    problems = fragments.check(["stress"])
    assert any("queue_race_rates.md does not match queue_race_rates.json (edited by hand?" in p
               for p in problems), problems
    assert any(p.startswith("fix_rates: sentinel_fix changed since it was measured") for p in problems), problems
