"""tools/audit/audit.py, the maintainers' Lighthouse command: what it checks
before it starts, and the table of a paired run (``--against``), from made-up
runs (Lighthouse itself is not run here)."""
import importlib.util
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
