"""Every snippet, under every start method available here, does what the catalog says."""
import pytest

from ipcsnippets import catalog

CASES = [
    pytest.param(name, method, id=f"{name}-{method}")
    for name in catalog.names()
    for method in catalog.get(name).methods()
]


@pytest.mark.parametrize("name, method", CASES)
def test_snippet_behaves_as_catalogued(name, method, snippet_run):
    snippet = catalog.get(name)
    result = snippet_run(name, None if method == "own" else method)
    expect = snippet.expect_for(None if method == "own" else method)
    assert result.problems(expect) == [], result.output[-3000:]
    if result.outcome == catalog.HANGS:
        # Declared hung at its own limit, not much later.
        assert snippet.timeout <= result.duration < snippet.timeout + 1.5
        assert result.stacks, "a hung run must say where each process was blocked"
