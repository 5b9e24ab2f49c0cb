"""Drift: every snippet file is catalogued and shown by its page, and reads as a snippet should."""
import ast
import re
import sys

import pytest

from ipcsnippets import catalog

SNIPPET_FILES = sorted(p.stem for p in catalog.SNIPPETS_DIR.glob("*.py"))
NAV = (catalog.ROOT / "mkdocs.yml").read_text()
NO_GUARD_ON_PURPOSE = {"main_guard_missing"}  # shows what the __main__ guard prevents
# PEP 8's limit: a program on a page reads without sideways scrolling on a
# laptop or a tablet.
MAX_LINE = 79
# Snippets still over it, each with the reason it waits. The test fails
# when one of them fits: then it leaves this list.
LONG_LINES_PENDING = {
    # Its figures (docs/measured/bench.json) are keyed to the file's bytes,
    # and the page's claims are tested against them: wrapping its lines
    # means measuring it again, on a quiet machine (the last figures were
    # taken with --wait-quiet 1.5): on a busy one the page's claims fail
    # against the figures.
    "ipc_bench": "measured again on a quiet machine, with its lines wrapped",
}


def test_every_file_in_snippets_is_in_the_catalog_and_every_entry_has_its_file():
    assert sorted(catalog.names()) == SNIPPET_FILES


@pytest.mark.parametrize("name", catalog.names())
def test_snippet_is_embedded_whole_by_its_page_with_its_output(name):
    snippet = catalog.get(name)
    page = catalog.DOCS_DIR / snippet.page
    assert page.is_file(), f"{name}: page {snippet.page} does not exist"
    text = page.read_text()
    assert f'--8<-- "snippets/{name}.py"' in text, f"{snippet.page} does not show snippets/{name}.py"
    assert f'--8<-- "docs/outputs/{name}.md"' in text, f"{snippet.page} does not show the output of {name}"
    assert re.search(rf"^\s*- .*: {re.escape(snippet.page)}$", NAV, re.M), f"{snippet.page} is not in the nav"


@pytest.mark.parametrize("name", catalog.names())
def test_snippet_reads_like_a_snippet(name):
    source = catalog.get(name).path.read_text()
    tree = ast.parse(source, feature_version=(3, 9))  # runs on CPython 3.9 and newer
    assert ast.get_docstring(tree), f"{name}: a module docstring says what it shows"
    functions = {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    assert "main" in functions, f"{name}: no main()"
    last = tree.body[-1]
    if name in NO_GUARD_ON_PURPOSE:
        assert "deliberately" in ast.get_docstring(tree).lower(), f"{name}: say the guard is missing on purpose"
        assert not any(isinstance(n, ast.If) and "__name__" in ast.unparse(n.test) for n in tree.body)
        assert ast.unparse(last) == "main()", f"{name}: must end with a bare main() call"
    else:
        assert isinstance(last, ast.If) and ast.unparse(last.test) == "__name__ == '__main__'", \
            f"{name}: must end with the __main__ guard"
    imported = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in (node.names if isinstance(node, ast.Import) else [ast.alias(node.module or "")])
    }
    allowed = set(sys.stdlib_module_names) | set(catalog.get(name).modules)  # what it declares it needs
    assert imported <= allowed, f"{name}: imports beyond the standard library: {imported - allowed}"
    assert "ipcsnippets" not in source, f"{name}: no test hooks in a snippet"


@pytest.mark.parametrize("name", catalog.names())
def test_named_sections_are_balanced_and_used(name):
    source = catalog.get(name).path.read_text()
    starts = re.findall(r"# --8<-- \[start:(\w+)\]", source)
    ends = re.findall(r"# --8<-- \[end:(\w+)\]", source)
    assert sorted(starts) == sorted(ends) and len(set(starts)) == len(starts)
    page = (catalog.DOCS_DIR / catalog.get(name).page).read_text()
    for section in starts:
        assert f'"snippets/{name}.py:{section}"' in page, f"section {section} of {name} is shown nowhere"


def test_every_snippet_has_a_sized_time_limit():
    # The two benches measure a fixed amount of work: under the matrix's load,
    # or beside the slow tier's other workers, they need more than any
    # program that only shows a behaviour.
    benches = {"ipc_bench", "redis_throughput"}
    for s in catalog.CATALOG.values():
        limit = 45 if s.name in benches else 15
        assert 0 < s.timeout <= limit, f"{s.name}: time limit {s.timeout} s"


def test_snippet_lines_fit_in_79_characters():
    too_long = {}
    for name in catalog.names():
        lines = catalog.get(name).path.read_text().splitlines()
        found = [f"line {n}: {len(line)} characters" for n, line in enumerate(lines, 1) if len(line) > MAX_LINE]
        if found:
            too_long[name] = found
    assert {name: found for name, found in too_long.items() if name not in LONG_LINES_PENDING} == {}
    fixed = sorted(set(LONG_LINES_PENDING) - set(too_long))
    assert fixed == [], f"these fit now: take them off LONG_LINES_PENDING: {fixed}"
