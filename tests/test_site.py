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
