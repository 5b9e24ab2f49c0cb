"""Every link in the built site leads somewhere, and the site fetches nothing from another host.

The site is built strictly (a broken .md link, anchor, include or
cross-reference is a warning, so the build fails); then the built HTML itself
is checked: every href and src to a local file exists, and every #fragment is
an id in its target page. External links are listed, never fetched: run
``python tests/test_links.py`` to print them. Also checked here, in the same
build: what a link preview shows (the social meta tags), and that no Markdown
markup was printed as text.
"""
from __future__ import annotations

import html.parser
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Set, Tuple
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from ipcsnippets import catalog

LOCAL = "http://site.invalid/"  # a stand-in origin to resolve relative links against
# <link rel=...> values the browser fetches by itself (canonical, prev, next are not fetched).
FETCHING_RELS = {"stylesheet", "preload", "prefetch", "preconnect", "dns-prefetch",
                 "modulepreload", "icon", "shortcut", "apple-touch-icon", "manifest"}
# Tags whose attribute the browser fetches.
FETCHING_ATTRS = {("script", "src"), ("img", "src"), ("img", "srcset"), ("iframe", "src"),
                  ("source", "src"), ("source", "srcset"), ("video", "src"), ("video", "poster"),
                  ("audio", "src"), ("embed", "src"), ("object", "data"), ("track", "src")}
CSS_URL = re.compile(r"""@import\s+(?:url\()?\s*['"]?([^'")\s;]+)|url\(\s*['"]?([^'")]+)""")
LEAKED_MARKUP = re.compile(r'<p>\s*((?:!!!|\?\?\?\+?) ?\w*|=== &quot;|=== "|--8&lt;-- )')
AUTOREF = re.compile(r"\]\[(ipcsnippets(?:\.\w+)+)\]")


class Page(html.parser.HTMLParser):
    """The ids, the links and the fetched resources of one HTML file."""

    def __init__(self, path: str):
        super().__init__(convert_charrefs=True)
        self.path = path  # URL path within the site, e.g. "queues/race/"
        self.ids: Set[str] = set()
        self.links: List[Tuple[str, str, str]] = []  # (tag, attribute, value)
        self.fetched: List[Tuple[str, str, str]] = []
        self.meta: Dict[str, str] = {}
        self.canonical = ""
        self.title = ""
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data

    def handle_endtag(self, tag):
        self._in_title = self._in_title and tag != "title"

    def handle_starttag(self, tag, attrs):
        # The document's title is the first; an inline SVG may have its own.
        self._in_title = tag == "title" and not self.title
        attrs = dict(attrs)
        for key in ("id", "name") if tag == "a" else ("id",):
            if attrs.get(key):
                self.ids.add(attrs[key])
        if tag == "meta" and attrs.get("content") is not None:
            self.meta[attrs.get("property") or attrs.get("name") or ""] = attrs["content"]
        for attribute in ("href", "src"):
            if attrs.get(attribute):
                self.links.append((tag, attribute, attrs[attribute]))
        rels = set((attrs.get("rel") or "").lower().split())
        if tag == "link" and attrs.get("href"):
            if rels & FETCHING_RELS:
                self.fetched.append((tag, "href", attrs["href"]))
            if "canonical" in rels:
                self.canonical = attrs["href"]
        for t, attribute in FETCHING_ATTRS:
            if tag == t and attrs.get(attribute):
                for candidate in attrs[attribute].split(","):  # srcset: "url 2x, url 3x"
                    self.fetched.append((tag, attribute, candidate.strip().split(" ")[0]))
        for _, url in CSS_URL.findall(attrs.get("style") or ""):
            self.fetched.append((tag, "style", url))


def is_external(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.scheme and parts.scheme not in ("data", "blob")) or url.startswith("//")


def page_path(html_file: Path, site: Path) -> str:
    relative = html_file.relative_to(site).as_posix()
    return relative[: -len("index.html")] if relative.endswith("index.html") else relative


def url_path(doc: str) -> str:
    """Where a page of docs/ is served: ``queues/race.md`` -> ``queues/race/``."""
    stem = doc[: -len(".md")]
    if stem == "index" or stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def target_file(site: Path, path: str) -> Path:
    """The file a local URL path is served from (directory URLs serve index.html)."""
    target = site / unquote(path).lstrip("/")
    if path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target


def build(root: Path, site: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def parse_site(site: Path) -> Dict[str, Page]:
    pages = {}
    for html_file in sorted(site.rglob("*.html")):
        page = Page(page_path(html_file, site))
        page.feed(html_file.read_text(encoding="utf-8"))
        pages[page.path] = page
    return pages


def external_links(pages: Dict[str, Page]) -> Dict[str, List[str]]:
    """Every external URL a page links to (anchors), with the pages that link to it."""
    found = defaultdict(set)
    for page in pages.values():
        for tag, attribute, url in page.links:
            if tag == "a" and is_external(url):
                found[url].add(page.path or "/")
    return {url: sorted(where) for url, where in sorted(found.items())}


@pytest.fixture(scope="module")
def site(built_site) -> Path:
    return built_site  # the strict build shared by the whole run (_runs.py)


@pytest.fixture(scope="module")
def pages(site, shared_once) -> Dict[str, Page]:
    # Parsed once per run and shared by every worker: html.parser is slow
    # on pages this size.
    return shared_once("site-pages", lambda: parse_site(site))


def test_every_local_link_and_anchor_resolves(site, pages):
    broken = []
    checked = 0
    for page in pages.values():
        for tag, attribute, url in page.links:
            if is_external(url) or url.startswith(("mailto:", "javascript:", "data:")):
                continue
            parts = urlsplit(urljoin(LOCAL + page.path, url))
            target = target_file(site, parts.path)
            checked += 1
            if not target.is_file():
                broken.append(f"/{page.path}: <{tag} {attribute}={url!r}>: no file {target.relative_to(site)}")
                continue
            fragment = unquote(parts.fragment)
            if fragment and target.suffix == ".html":
                ids = pages[page_path(target, site)].ids
                if fragment not in ids:
                    broken.append(f"/{page.path}: <{tag} {attribute}={url!r}>: no id {fragment!r}")
    assert checked > 100  # the walk really looked at the site
    assert broken == []


def test_external_links_are_anchors_and_listed(pages):
    """Printed with ``pytest -rP`` or ``python tests/test_links.py``; never fetched here."""
    links = external_links(pages)
    print(f"\n{len(links)} external links:")
    for url, where in links.items():
        print(f"  {url}  ({len(where)} pages)")
    assert any("/edit/" in url for url in links)  # the edit links are there
    # Only anchors: a reader follows them, the browser fetches nothing. (The
    # canonical <link> names the page's own public address; it is not fetched.)
    not_anchors = [(page.path or "/", tag, url) for page in pages.values()
                   for tag, _, url in page.links
                   if is_external(url) and tag != "a" and url != page.canonical]
    assert not_anchors == []
    assert [url for url in links if url.startswith("http://")] == []


def test_edit_links_point_at_real_source_files(pages):
    """Material's "edit this page" link: repo_url + edit_uri + the page's source in docs/."""
    edit_uri = re.search(r"^edit_uri:\s*(\S+)", (catalog.ROOT / "mkdocs.yml").read_text(), re.M).group(1)
    marker = "/" + edit_uri.strip("/") + "/"
    edits = {page.path: url for page in pages.values() for tag, _, url in page.links
             if tag == "a" and marker in url}
    assert len(edits) >= len(pages) - 1, "a page without its edit link"  # 404.html has none
    missing = {path: url for path, url in edits.items()
               if not (catalog.DOCS_DIR / url.split(marker, 1)[1]).is_file()}
    assert missing == {}


def test_html_fetches_nothing_from_another_host(pages):
    """Stylesheets, scripts, images, fonts, icons: all served by the site itself."""
    foreign = [(page.path or "/", tag, attribute, url) for page in pages.values()
               for tag, attribute, url in page.fetched if is_external(url)]
    assert foreign == []
    assert all(page.fetched for page in pages.values())  # each page loads its CSS and JS


def test_css_fetches_nothing_from_another_host(site):
    sheets = list(site.rglob("*.css"))
    assert sheets
    foreign = [(css.relative_to(site).as_posix(), url)
               for css in sheets
               for match in CSS_URL.findall(css.read_text(encoding="utf-8"))
               for url in match if url and is_external(url)]
    assert foreign == []


def test_no_script_is_told_to_fetch_from_another_host(site):
    """Material's JavaScript fetches from other hosts on two cues in the HTML:
    a repository link marked data-md-component="source" (api.github.com, for
    stars and forks; docs/.overrides/partials/source.html drops the mark) and
    a mermaid diagram (mermaid.js from unpkg.com). Neither may appear. The
    browser tests watch every request a page really makes."""
    cues = []
    for html_file in site.rglob("*.html"):
        text = html_file.read_text(encoding="utf-8")
        if 'data-md-component="source"' in text:
            cues.append(f"{html_file.relative_to(site)}: repository statistics")
        if re.search(r'class="[^"]*\bmermaid\b', text):
            cues.append(f"{html_file.relative_to(site)}: mermaid diagram")
    assert cues == []


def test_no_markdown_markup_shows_as_text(site):
    """A misindented admonition or content tab, or an include line out of
    place, is printed as a paragraph of text rather than failing the build."""
    leaks = []
    for html_file in sorted(site.rglob("*.html")):
        for markup in LEAKED_MARKUP.findall(html_file.read_text(encoding="utf-8")):
            leaks.append(f"{html_file.relative_to(site)}: {markup}")
    assert leaks == []


def test_every_page_has_social_meta_tags(pages):
    """What a link preview (chat, social network) shows: set in docs/.overrides/main.html."""
    wanted = ("og:type", "og:title", "og:description", "twitter:card", "description")
    missing = {page.path or "/": [tag for tag in wanted if not page.meta.get(tag, "").strip()]
               for page in pages.values()}
    assert {path: tags for path, tags in missing.items() if tags} == {}
    for page in pages.values():
        assert page.meta["og:title"] == page.title.strip(), page.path  # as in the browser's tab
        assert page.meta["og:description"] == page.meta["description"], page.path
        if page.canonical:
            assert page.meta.get("og:url") == page.canonical, page.path
    assert pages[""].meta["og:type"] == "website"
    assert pages["queues/race/"].meta["og:type"] == "article"


def test_prose_cross_references_to_the_api_resolve(pages):
    """``[run][ipcsnippets.runner.run]`` in a page becomes a link to its
    entry on the reference page (mkdocs-autorefs); the anchor itself is
    checked by test_every_local_link_and_anchor_resolves."""
    references = defaultdict(set)
    for md in catalog.DOCS_DIR.rglob("*.md"):
        doc = md.relative_to(catalog.DOCS_DIR).as_posix()
        if url_path(doc) in pages:  # a page, not an included fragment (outputs/...)
            references[doc].update(AUTOREF.findall(md.read_text(encoding="utf-8")))
    assert any(references.values()), "no page cross-links the API reference"
    unlinked = []
    for md, identifiers in sorted(references.items()):
        hrefs = [url for tag, _, url in pages[url_path(md)].links if tag == "a"]
        for identifier in sorted(identifiers):
            if not any(url.endswith("#" + identifier) for url in hrefs):
                unlinked.append(f"{md}: [{identifier}] is not a link")
    assert unlinked == []


if __name__ == "__main__":  # print the external links of a fresh build
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        done = build(catalog.ROOT, Path(tmp) / "site")
        if done.returncode != 0:
            sys.exit(done.stderr)
        for url, where in external_links(parse_site(Path(tmp) / "site")).items():
            print(url, " ".join("/" + w.lstrip("/") for w in where))
