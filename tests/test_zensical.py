"""The site also builds with Zensical, Material for MkDocs' successor, and shows everything.

Material for MkDocs reaches end of life on 2027-05-05. Zensical, by the same
team, reads the same mkdocs.yml; `make build-zensical` writes its build to
site-zensical/. This module builds a throw-away copy of the project with it
(Zensical writes into the project: site/ and a .cache/ folder) and checks
that every page and every program is there.

What differs under Zensical (0.0.73, the newest that installs here: 0.0.74
and later need the zensical-ui package, which the package index used here
does not have), found by building this site with both:

- Works the same for what this site uses: every page, the nav, the
  pymdownx.snippets includes (base_path, check_paths: a missing file or
  section fails the build), exclude_docs (outputs/ and measured/ are not
  pages), the overrides in docs/.overrides (custom_dir), mkdocstrings (the
  reference page) and autorefs (``[run][ipcsnippets.runner.run]`` links),
  admonitions, content tabs. A walk of its build in Chromium (by hand, not
  in this suite) saw no console error, no request to another host, and a
  copy button on every code block; its pages weighed 0.6 to 0.8 MB over the
  wire, a little more than under MkDocs.
- Look: Zensical renders its "modern" theme variant unless mkdocs.yml says
  ``theme: variant: classic``, which keeps Material's look.
- Options: no --site-dir (so the Makefile sets site_dir through
  ``!ENV [SITE_DIR, site]``; Zensical's sources say !ENV and INHERIT are
  stopgaps that a future configuration format will replace); ``serve
  --strict`` is not supported; it ignores some plugin options (for search:
  lang, pipeline, fields, min_search_length, prebuild_index, indexing; this
  site sets none of them). Markdown extensions and their options, those of
  pymdownx.snippets included, go to Python-Markdown as under MkDocs.
- validation: it maps ``not_found`` and ``anchors`` and checks links and
  anchors in --strict by default; ``omitted_files``, ``absolute_links`` and
  ``unrecognized_links`` are ignored.
- Output: the search index is search.json at the root (MkDocs:
  search/search_index.json), served to its own search worker; URLs start
  with ``./``; attribute values in templates are escaped by its template
  engine (``/`` becomes ``&#x2f;`` in og:url: the same URL to a browser).
- Its JavaScript, like Material's, fetches repository statistics from
  api.github.com when the repository link is marked
  data-md-component="source", and loads mermaid, glightbox and others from
  unpkg.com when a page uses them; the overrides and this site avoid both.
"""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pymdownx.snippets import SnippetPreprocessor

from ipcsnippets import catalog

pytestmark = pytest.mark.slow  # `make test-slow`: a second whole site build

SECTION_MARK = SnippetPreprocessor.RE_SNIPPET_SECTION  # lines a whole-file include leaves out
CODE = re.compile(r"<code[^>]*>(.*?)</code>", re.S)
TAG = re.compile(r"<[^>]+>")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _zensical_missing() -> str | None:
    try:
        import zensical  # noqa: F401
    except ImportError:
        return "zensical is not installed (pip install -e '.[test]', Python 3.11+)"
    return None


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory, shared_once) -> Path:
    """The site built by Zensical from a copy of the project, once per test
    run whatever the number of xdist workers (a build takes 1.5 s of CPU)."""
    reason = _zensical_missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason + " -- CI must run this check", pytrace=False)
        pytest.skip(reason)
    return shared_once("zensical-site", lambda: _build(tmp_path_factory))


def _build(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("zensical") / "project"
    root.mkdir()
    for name in ("mkdocs.yml", "docs", "snippets", "ipcsnippets"):
        source = catalog.ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, root / name)
    env = {key: value for key, value in os.environ.items() if key != "SITE_DIR"}
    done = subprocess.run([sys.executable, "-m", "zensical", "build", "--clean", "--strict"],
                          cwd=root, capture_output=True, text=True, timeout=120, env=env)
    report = ANSI.sub("", done.stdout + done.stderr)  # its messages are coloured
    assert done.returncode == 0, report[-3000:]
    return root / "site"




def built_file(site: Path, doc: str) -> Path:
    stem = doc[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return site / stem[: -len("index")] / "index.html"
    return site / stem / "index.html"


def code_blocks(page: Path) -> list:
    return [html.unescape(TAG.sub("", block)) for block in CODE.findall(page.read_text(encoding="utf-8"))]


def test_the_source_pages_are_found():
    pages = catalog.site_pages()
    assert "queues/race.md" in pages and "index.md" in pages
    assert not any(page.startswith(("outputs/", ".")) for page in pages)


def test_every_page_is_built(zensical_site):
    missing = [doc for doc in catalog.site_pages() if not built_file(zensical_site, doc).is_file()]
    assert missing == []
    assert not list(zensical_site.rglob("outputs/*/index.html"))  # exclude_docs honoured


def test_every_program_is_shown_whole_on_its_page(zensical_site):
    missing = []
    for snippet in catalog.CATALOG.values():
        expected = "".join(line for line in snippet.path.read_text().splitlines(keepends=True)
                           if not ("8<-" in line and SECTION_MARK.match(line.rstrip("\n"))))
        blocks = [block.rstrip("\n") for block in code_blocks(built_file(zensical_site, snippet.page))]
        if expected.rstrip("\n") not in blocks:
            missing.append(f"{snippet.page} does not show snippets/{snippet.name}.py whole")
    assert missing == []


def test_the_reference_page_and_its_cross_references(zensical_site):
    reference = built_file(zensical_site, "reference.md").read_text(encoding="utf-8")
    assert 'id="ipcsnippets.runner.run"' in reference  # mkdocstrings
    assert re.search(r'href="[^"]*#ipcsnippets\.runner\.run"', reference)  # autorefs


def test_the_overrides_apply_and_nothing_is_fetched_from_another_host(zensical_site):
    for page in zensical_site.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'property="og:title"' in text, page
        assert 'data-md-component="source"' not in text, page
        fetched = re.findall(r'<(?:script|img|iframe)\b[^>]*\bsrc="([^"]+)"', text)
        fetched += [href for tag in re.findall(r"<link\b[^>]*>", text)
                    if re.search(r'rel="(?:stylesheet|preload|preconnect|modulepreload|icon)"', tag)
                    for href in re.findall(r'href="([^"]+)"', tag)]
        assert fetched and not [url for url in fetched if re.match(r"(?:https?:)?//", url)], page
