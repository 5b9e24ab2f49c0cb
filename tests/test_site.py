"""The site builds strictly, shows every snippet, and a broken include fails the build."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ipcsnippets import catalog

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(root: Path, site: Path):
    return subprocess.run(
        MKDOCS + ["build", "--strict", "--site-dir", str(site)],
        cwd=root, capture_output=True, text=True, timeout=120, env=ENV,
    )


def test_strict_build_passes(built_site):
    assert (built_site / "index.html").is_file()


@pytest.mark.parametrize("name", catalog.names())
def test_each_snippet_appears_in_its_page(built_site, name):
    snippet = catalog.get(name)
    html = (built_site / snippet.page.replace(".md", "") / "index.html").read_text()
    # Highlighting splits code into spans; a distinctive line of the file
    # survives as text once the tags are stripped.
    import html as html_lib
    import re
    text = html_lib.unescape(re.sub(r"<[^>]+>", "", html))
    for line in snippet.path.read_text().splitlines():
        if line.strip().startswith("def "):
            assert line.strip() in text, f"{line.strip()!r} missing from {snippet.page}"


def test_reference_page_is_generated_from_docstrings(built_site):
    html = (built_site / "reference" / "index.html").read_text()
    assert "Run <code>snippets/&lt;name&gt;.py</code> as <code>__main__</code>" in html


class _AnyTag(yaml.SafeLoader):
    """Reads mkdocs.yml even where it uses !!python tags (kept as strings)."""


_AnyTag.add_multi_constructor("", lambda loader, suffix, node: str(node.tag))


def _tiny_project(tmp_path, page: str) -> Path:
    """A one-page project with the site's own pymdownx.snippets settings:
    a build of it takes a fraction of the full site's."""
    config = yaml.load((catalog.ROOT / "mkdocs.yml").read_text(), Loader=_AnyTag)
    snippets = next(
        e for e in config["markdown_extensions"]
        if isinstance(e, dict) and "pymdownx.snippets" in e
    )
    root = tmp_path / "project"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(page)
    shutil.copytree(catalog.SNIPPETS_DIR, root / "snippets")
    (root / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "t",
        "markdown_extensions": ["pymdownx.superfences", snippets],
    }))
    return root


def test_our_snippets_settings_build_a_good_include(tmp_path):
    root = _tiny_project(tmp_path, '```python\n--8<-- "snippets/sentinel_fix.py:consume"\n```\n')
    assert build(root, tmp_path / "site").returncode == 0


def test_a_page_including_a_missing_section_fails_the_build(tmp_path):
    root = _tiny_project(tmp_path, '```python\n--8<-- "snippets/sentinel_fix.py:no_such_section"\n```\n')
    done = build(root, tmp_path / "site")
    assert done.returncode != 0


def test_a_page_including_a_missing_file_fails_the_build(tmp_path):
    root = _tiny_project(tmp_path, '```python\n--8<-- "snippets/no_such_snippet.py"\n```\n')
    done = build(root, tmp_path / "site")
    assert done.returncode != 0
    assert "no_such_snippet.py" in done.stderr


def test_each_code_block_says_how_many_lines_it_shows():
    """ipcsnippets/site_hooks.py, the hook that sizes a block not yet shown
    (theme.css): one line more than the newlines inside, the final newline
    ending the last line; only code inside a pre is marked."""
    from ipcsnippets.site_hooks import lines_of, mark_lines

    assert [lines_of(text) for text in ("x", "x\n", "x\ny", "x\ny\n", "\n\nx\n")] == [1, 1, 2, 2, 3]
    block = ('<div class="highlight"><pre><span></span><code><span class="k">def</span> f():\n'
             '    <span class="k">return</span> 1\n</code></pre></div>')
    assert mark_lines(block) == block.replace("<code>", '<code style="--lines: 2">')
    two = block + "<p>and <code>x</code></p>" + block.replace("f()", "g()")
    assert mark_lines(two).count('<code style="--lines: 2">') == 2
    assert "<p>and <code>x</code></p>" in mark_lines(two)  # inline code: not a block
    titled = '<pre id="__code_1"><span></span><code class="py">a\nb\nc\n</code></pre>'
    assert mark_lines(titled) == '<pre id="__code_1"><span></span><code class="py" style="--lines: 3">a\nb\nc\n</code></pre>'


def test_each_bare_table_is_put_in_material_s_two_wrappers():
    """ipcsnippets/site_hooks.py writes the wrappers Material's script would
    add in the reader's browser; a table with attributes is not Material's
    to wrap, and is left as it is."""
    from ipcsnippets.site_hooks import wrap_tables

    table = "<table>\n<thead>\n<tr><th>a</th></tr>\n</thead>\n<tbody>\n<tr><td>1</td></tr>\n</tbody>\n</table>"
    wrapped = ('<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
               + table + "</div></div>")
    assert wrap_tables(table) == wrapped
    assert wrap_tables(f"<p>x</p>{table}<p>y</p>{table}") == f"<p>x</p>{wrapped}<p>y</p>{wrapped}"
    classed = '<table class="highlighttable"><tr><td>1</td></tr></table>'
    assert wrap_tables(classed) == classed


def test_every_table_of_the_site_is_built_in_its_wrappers_once(built_site):
    import re

    wrapper = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table"><table>'
    tables = 0
    for html in built_site.rglob("*.html"):
        text = html.read_text()
        bare = len(re.findall(r"<table>", text))
        assert text.count(wrapper) == bare, html
        assert text.count('class="md-typeset__scrollwrap"') == bare, html  # no wrapper twice
        tables += bare
    assert tables >= 30  # a floor far under the site's count: the test does see its tables


def test_every_code_block_of_the_site_is_marked_with_its_lines(built_site):
    import re

    for html in built_site.rglob("*.html"):
        text = html.read_text()
        blocks = re.findall(r"<pre\b[^>]*>(?:<span></span>)?<code\b([^>]*)>(.*?)</code></pre>", text, re.S)
        for attributes, code in blocks:
            assert f'style="--lines: {code.rstrip(chr(10)).count(chr(10)) + 1}"' in attributes, html
