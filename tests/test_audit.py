"""tools/audit/audit.py, the maintainers' Lighthouse command: what it checks
before it starts, and the table of a paired run (``--against``), from made-up
runs (Lighthouse itself is not run here)."""
import importlib.util
import json
from pathlib import Path

import pytest

AUDIT = Path(__file__).resolve().parent.parent / "tools" / "audit" / "audit.py"


@pytest.fixture(scope="module")
def audit():
    spec = importlib.util.spec_from_file_location("audit", AUDIT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(performance: int, tbt: float, lcp: float) -> dict:
    return {"scores": {"performance": performance},
            "metrics": {"total-blocking-time": tbt, "largest-contentful-paint": lcp}}


def test_a_paired_table_shows_every_run_of_both_builds_and_their_medians(audit):
    data = {"date": "2026-12-07 23:53 UTC", "site": "site", "against": "/tmp/old-site", "runs_per_page": 3,
            "lighthouse": "12.2.3", "browser": "Chromium", "load_before": 1.5, "load_after": 2.25,
            "pages": [{"label": "verified.md",
                       "site": [run(81, 730.4, 1600), run(93, 294, 1900), run(90, 300, 1500)],
                       "against": [run(72, 2009, 1500), run(71, 2477, 1400)]}]}
    table = audit.render_paired(data)
    assert "site against /tmp/old-site, 3 run(s) each, loads alternating" in table
    assert "load average 1.50 → 2.25" in table
    assert ("| verified.md | site | 81, 93, 90 (median 90) | 730 ms, 294 ms, 300 ms (median 300 ms) "
            "| 1.6 s, 1.9 s, 1.5 s (median 1.6 s) |") in table
    assert ("| verified.md | /tmp/old-site | 72, 71 (median 71.5) | 2,009 ms, 2,477 ms (median 2,243 ms) "
            "| 1.5 s, 1.4 s (median 1.4 s) |") in table


@pytest.mark.parametrize("argv, message", [
    (["--runs", "0"], "audit: --runs must be 1 or more"),
    (["--against", "/nonexistent/site"], "audit: no built site in /nonexistent/site"),
])
def test_bad_arguments_get_one_line_and_exit_1(audit, capsys, argv, message):
    with pytest.raises(SystemExit) as stopped:
        audit.main(argv)
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


def page(label: str, *runs: dict) -> dict:
    return {"label": label, "runs": [
        {"scores": {"performance": perf, "accessibility": 100, "best-practices": 100, "seo": 100},
         "metrics": {"first-contentful-paint": 1400, "largest-contentful-paint": 1500,
                     "total-blocking-time": tbt, "cumulative-layout-shift": 0,
                     "speed-index": 1400, "total-byte-weight": 90000},
         "failed_audits": [], "benchmark_index": 1000}
        for perf, tbt in runs]}


def test_the_table_shows_each_median_run_with_the_spread_of_all_runs_and_what_it_says_of_the_targets(audit):
    data = {"date": "2026-12-08 01:00 UTC", "lighthouse": "12.2.3", "browser": "Chromium", "runs_per_page": 3,
            "cpu_count": 2, "load_before": 1.0, "load_after": 2.0,
            "pages": [page("index.md", (96, 120), (99, 60), (95, 180)),
                      page("start-methods.md", (74, 1454), (85, 576), (74, 1509)),
                      page("verified.md", (90, 300), (90, 300), (90, 300)),
                      page("stock Material page (queues/fixes.md's text)", (80, 900), (72, 1955), (73, 1828))]}
    table = audit.render(data)
    assert "| index.md | 96 (95–99) | 100 | 100 | 100 | 1.4 s | 1.5 s | 120 ms (60–180 ms) |" in table
    # two runs tie at 74: the median run is the later one
    assert "| start-methods.md | 74 (74–85) | 100 | 100 | 100 | 1.4 s | 1.5 s | 1,509 ms (576–1,509 ms) |" in table
    assert "| verified.md | 90 | 100 | 100 | 100 | 1.4 s | 1.5 s | 300 ms |" in table  # no spread: one value
    assert ("Performance (median run) 95 or more on 1 of 3 pages; lowest 74 (start-methods.md). "
            "The stock Material page: 73; pages at or below it: none.") in table
    data["pages"][2] = page("verified.md", (73, 900))
    assert "The stock Material page: 73; pages at or below it: verified.md." in audit.render(data)


def test_the_stored_table_is_the_one_its_runs_give(audit):
    # docs/measured/lighthouse.md is written from lighthouse.json; a table
    # edited by hand, or left behind by a change to the renderer, fails here.
    stored = json.loads(audit.OUT_JSON.read_text())
    assert audit.OUT_MD.read_text() == audit.render(stored), "stale: python tools/audit/audit.py --render"


def test_render_rewrites_the_table_from_the_stored_runs_without_running_lighthouse(audit, tmp_path, monkeypatch,
                                                                                   capsys):
    monkeypatch.setattr(audit, "OUT_JSON", tmp_path / "lighthouse.json")
    monkeypatch.setattr(audit, "OUT_MD", tmp_path / "lighthouse.md")
    monkeypatch.setattr(audit, "BIN", tmp_path / "no-lighthouse-here")
    with pytest.raises(SystemExit) as stopped:
        audit.main(["--render"])
    assert stopped.value.code == 1  # nothing stored yet
    assert capsys.readouterr().err.startswith("audit: no stored runs in ")
    stored = {"date": "2026-12-08 01:00 UTC", "lighthouse": "12.2.3", "browser": "Chromium", "runs_per_page": 1,
              "cpu_count": 2, "load_before": 1.0, "load_after": 1.0, "pages": [page("index.md", (97, 80))]}
    (tmp_path / "lighthouse.json").write_text(json.dumps(stored))
    assert audit.main(["--render"]) == 0
    assert "| index.md | 97 | 100 | 100 | 100 |" in (tmp_path / "lighthouse.md").read_text()
