"""Every snippet, under every start method available here, does what the catalog says.

The snippets that need a Redis server are run by tests/redis/, which
starts one for the session.
"""
import pytest

from ipcsnippets import catalog
from ipcsnippets.cases import cases

CASES = [pytest.param(case, id=f"{case.name}-{case.method}") for case in cases() if not case.snippet.needs]


@pytest.mark.parametrize("case", CASES)
def test_snippet_behaves_as_catalogued(case, snippet_run):
    result = snippet_run(case.name, case.method)
    assert result.problems(case.expect()) == [], result.output[-3000:]
    if result.outcome == catalog.HANGS:
        # Declared hung at its own limit, not much later.
        assert case.snippet.timeout <= result.duration < case.snippet.timeout + 1.5
        assert result.stacks, "a hung run must say where each process was blocked"
