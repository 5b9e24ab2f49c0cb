"""The site builds strictly, shows every snippet, and a broken include fails the build."""
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ipcsnippets import catalog

MKDOCS = [sys.executable, "-m", "mkdocs"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def build(root: Path, site: Path):
    return subprocess.run(
        MKDOCS + ["build", "--strict", "--site-dir", str(site)],
        cwd=root, capture_output=True, text=True, timeout=120, env=ENV,
    )


@pytest.fixture(scope="module")
def built_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    done = build(catalog.ROOT, site)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "WARNING" not in done.stderr, done.stderr
    return site


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


def _copy_project(tmp_path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    for name in ("mkdocs.yml", "docs", "snippets", "ipcsnippets"):
        src = catalog.ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, root / name)
    return root


def test_a_page_including_a_missing_section_fails_the_build(tmp_path):
    root = _copy_project(tmp_path)
    page = root / "docs" / "queues" / "fixes.md"
    page.write_text(page.read_text() + '\n```python\n--8<-- "snippets/sentinel_fix.py:no_such_section"\n```\n')
    done = build(root, tmp_path / "site")
    assert done.returncode != 0


def test_a_page_including_a_missing_file_fails_the_build(tmp_path):
    root = _copy_project(tmp_path)
    (root / "snippets" / "pipe_greetings.py").unlink()
    done = build(root, tmp_path / "site")
    assert done.returncode != 0
    assert "pipe_greetings.py" in done.stderr
