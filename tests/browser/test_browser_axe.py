"""Every page has no axe-core violation, in both palettes, on a desktop and a phone.

axe-core (bundled by axe-playwright-python) runs in the page with its
default rules: WCAG 2.0 to 2.2, levels A and AA, and its best practices. A
failure names the page, the palette, the viewport, the rule and each element.

Each page is loaded once, on a desktop-sized viewport in the light palette.
Every code block is brought into view, as a reader scrolls: Material adds
a block's copy button and annotations then, and checks again after a resize
whether the block scrolls sideways. The page is checked four times, with one
change between two checks: light on a desktop; dark (the palette toggle,
clicked as a reader clicks it); dark on a phone; light on a phone. What can
differ after each change is checked:

- axe's colour rules (contrast, links told from text) look at the content
  in each palette on the desktop, and at what is around the content
  (header, sidebars, footer, search) in all four. The content's colours and
  font sizes do not depend on the viewport: Material changes the root font
  size only on screens wider than 100em (checked below);
- the other rules look at the whole page once on each viewport: a palette
  switch changes colours only (Material's palettes are sets of colour
  variables), a resize changes the layout (the sidebars become drawers, wide
  tables and programs scroll).

axe costs a lot of CPU here, most of it in its colour-contrast rule, in
proportion to the elements on the page; a page full of programs has
thousands of highlighted tokens, a few dozen kinds of them. Every token of
one kind in one place of the page (same tag, class and style as its
ancestors) has the same colours and font: before the checks, the first
token of each kind stays as it is, and every other one becomes its bare
text, in the block's own colour, which is checked too. Each block keeps its
size, its scrolling and its focus.

axe's css-orientation-lock rule reads the style sheets (its "preload"),
which are the same on every page: it runs on the home page only.

Two tests run these checks. In the slow tier (``make test-slow``, CI),
every page is checked live. In the per-change tier (``make test``), a page
passes without a browser when ``axe_passed.json`` holds a clean live check
of exactly these bytes: the sha256 of the built page, of every stylesheet
and script of the site, of this file (the checks) and of axe-core's
script; any other page is checked live, there and then. ``make axe``
checks every page live and stores the digests of those that pass
(IPCSNIPPETS_STORE_AXE=1).

And a program whose lines fit in 79 characters (tests/test_catalog.py) is
read without scrolling sideways on a laptop (the desktop viewport) and at
960 px, the narrowest width that still shows the navigation beside it, the
narrowest column a program gets above phone size.
"""
import fcntl
import functools
import hashlib
import json
import os
import re
from pathlib import Path
from typing import Dict, List, Optional, Union

import pytest
from _tab import NEXT_FRAME

from ipcsnippets import catalog

PAGES = [*catalog.site_pages(), "404.html"]
HERE = Path(__file__).resolve().parent
RECORD = HERE / "axe_passed.json"
STORE = os.environ.get("IPCSNIPPETS_STORE_AXE") == "1"
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 667},
             "narrow laptop": {"width": 960, "height": 800}}
MAX_LINE = 79
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
EVERY_RULE, OTHER_RULES = "every rule", "the other rules"
CONTENT = ".md-content"
# (palette, viewport, [(rules, part of the page left out), ...]), one change
# from a check to the next.
CHECKS = (
    ("light", "desktop", [(EVERY_RULE, None)]),
    ("dark", "desktop", [(COLOUR_RULES, None)]),
    ("dark", "phone", [(OTHER_RULES, None), (COLOUR_RULES, CONTENT)]),
    ("light", "phone", [(COLOUR_RULES, CONTENT)]),
)
SCHEMES = {"light": "default", "dark": "slate"}  # Material's names
TOGGLES = {"light": "Switch to light mode", "dark": "Switch to dark mode"}  # mkdocs.yml
SCHEME = "document.body.getAttribute('data-md-color-scheme')"
ROOT_FONT = "getComputedStyle(document.documentElement).fontSize"
CODE = ".highlight pre > code"
# The programs (blocks titled snippets/NAME.py) that scroll sideways.
SCROLLING_PROGRAMS = """() => [...document.querySelectorAll(".highlight")]
    .filter(block => /^snippets\\/.+\\.py$/.test(block.querySelector(":scope > .filename")?.textContent || ""))
    .filter(block => { const code = block.querySelector("pre > code");
                       return code.checkVisibility() && code.scrollWidth > code.clientWidth; })
    .map(block => block.querySelector(":scope > .filename").textContent)"""

FLATTEN_CODE = """code => {
    const content = document.querySelector(".md-content") || document.body;
    const kind = el => {
        const path = [];
        for (let e = el; e && e !== content; e = e.parentElement) {
            path.push(e.tagName + "." + e.className + "." + (e.getAttribute("style") || ""));
        }
        return path.join("<");
    };
    const seen = new Set();
    let flattened = 0;
    for (const block of document.querySelectorAll(code)) {
        for (const el of [...block.getElementsByTagName("*")]) {
            const key = kind(el);
            if (!seen.has(key)) {
                seen.add(key);
            } else if (el.childElementCount === 0) {
                el.replaceWith(el.textContent);
                flattened++;
            }
        }
    }
    return {kinds: seen.size, flattened};
}"""

# axe-core's run (axe-playwright-python's own run() injects axe every time);
# only what names each violation comes back.
RUN_AXE = """async ({rules, off, exclude, preload}) => {
    const options = {resultTypes: ["violations"], preload};
    if (rules) options.runOnly = rules;
    if (off) options.rules = Object.fromEntries(off.map(rule => [rule, {enabled: false}]));
    const result = await axe.run({include: [[":root"]], exclude}, options);
    return result.violations.map(v => ({
        rule: v.id, help: v.help,
        nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
    }));
}"""


def axe_violations(page, where: str, rules: Union[str, List[str]] = EVERY_RULE,
                   left_out: Optional[str] = None, preload: bool = False) -> List[str]:
    """One line per element that breaks a rule, on the page as it is now."""
    found = page.evaluate(RUN_AXE, {
        "rules": rules if isinstance(rules, list) else None,
        "off": COLOUR_RULES if rules == OTHER_RULES else None,
        "exclude": [[left_out]] if left_out else [],
        "preload": preload})
    return [f"{where}: {v['rule']} ({v['help']}): {node['target']}: " + " ".join(node["summary"].split())
            for v in found for node in v["nodes"]]


def programs_that_scroll(page, doc: str, viewport: str) -> List[str]:
    """The programs on the page that fit in MAX_LINE characters a line and
    still scroll sideways."""
    fitting = {f"snippets/{s.name}.py" for s in catalog.CATALOG.values()
               if max(map(len, s.path.read_text().splitlines())) <= MAX_LINE}
    return [f"{doc} ({viewport}): {title} scrolls sideways, though its lines fit in {MAX_LINE} characters"
            for title in page.evaluate(SCROLLING_PROGRAMS) if title in fitting]


def switch(tab, scheme: str, viewport: str) -> None:
    """Show the page in ``scheme`` on ``viewport``, as a reader would get there."""
    page = tab.page
    if page.evaluate(SCHEME) != SCHEMES[scheme]:
        page.locator(f"label[title='{TOGGLES[scheme]}']").evaluate("label => label.click()")
        page.wait_for_function(f"{SCHEME} === '{SCHEMES[scheme]}'")
    if page.viewport_size != VIEWPORTS[viewport]:
        page.set_viewport_size(VIEWPORTS[viewport])
        # Material sees a block's new size (does it scroll sideways now?) when
        # the browser lays the block out, which it does for a block out of view
        # only when it comes near: as for a reader scrolling through the page.
        missing = tab.show_every_block()
        assert missing == [], f"code blocks without a copy button: {missing}"
    page.evaluate(NEXT_FRAME)  # Material and the theme's script have seen the new size


@pytest.mark.slow
def test_a_violation_is_found_and_named(axe_tab):
    """What the page checks rely on: axe runs, and a failure names the rule
    and the element. Slow tier: the checks it proves are this file, part of
    every record's digest, so a change to them sends every page live; per
    change, with the records current, no browser starts at all."""
    page = axe_tab.page
    page.set_content('<html lang="en"><title>t</title><main><h1>t</h1>'
                     '<p id="faint" style="color: #aaa; background: #fff">faint text</p></main></html>')
    page.evaluate(axe_tab.axe_script)
    found = axe_violations(page, "test page")
    assert len(found) == 1 and found[0].startswith("test page: color-contrast ("), found
    assert "#faint" in found[0] and "insufficient color contrast" in found[0], found


def page_problems(tab, page_url, doc: str) -> List[str]:
    """Every axe violation and every other problem of one page, checked live."""
    tab.forget()
    page = tab.open(doc if doc.endswith(".html") else page_url(doc))
    # Material adds its parts of a code block (the copy button, annotations)
    # when the block comes into view: every one is brought into view first, so
    # that axe sees them, as a reader who has scrolled through the page would.
    problems = [f"{doc}: code block without a copy button once in view: {line!r}"
                for line in tab.show_every_block()]
    page.evaluate(tab.axe_script)
    code = page.evaluate(FLATTEN_CODE, CODE)
    print(f"\n{doc}: {code['kinds']} kinds of element in its code, {code['flattened']} more made bare text")
    root_font = {}
    for scheme, viewport, runs in CHECKS:
        switch(tab, scheme, viewport)
        root_font[viewport] = page.evaluate(ROOT_FONT)
        for rules, left_out in runs:
            problems += axe_violations(page, f"{doc} ({scheme}, {viewport})", rules, left_out,
                                       preload=doc == "index.md" and rules == EVERY_RULE)
        if viewport == "desktop" and scheme == "light":
            problems += programs_that_scroll(page, doc, viewport)
    if any(s.page == doc for s in catalog.CATALOG.values()):
        switch(tab, "light", "narrow laptop")
        problems += programs_that_scroll(page, doc, "narrow laptop")
    switch(tab, "light", "desktop")  # as the next page expects
    if len(set(root_font.values())) != 1:
        problems.append(f"the root font size differs between viewports ({root_font}): "
                        "the colour rules must look at the content on a phone too")
    problems += tab.errors
    problems += [f"request to another host: {url}" for url in tab.foreign]
    return problems


# --- the record of clean live checks -------------------------------------------

def _page_file(site: Path, doc: str, page_url) -> Path:
    return site / doc if doc.endswith(".html") else site / page_url(doc) / "index.html"


@functools.lru_cache(maxsize=None)
def _site_and_checks_digest(site: Path, axe_script: str) -> str:
    """What decides a page's verdict besides the page itself: every stylesheet
    and script the site serves, these checks (this file) and axe-core's
    script."""
    digest = hashlib.sha256()
    for path in sorted(p for p in site.rglob("*") if p.suffix in (".css", ".js")):
        digest.update(path.relative_to(site).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(axe_script.encode())
    return digest.hexdigest()


def page_digest(site: Path, doc: str, axe_script: str, page_url) -> str:
    page = hashlib.sha256(_page_file(site, doc, page_url).read_bytes()).hexdigest()
    return hashlib.sha256((page + _site_and_checks_digest(site, axe_script)).encode()).hexdigest()


@functools.lru_cache(maxsize=None)
def axe_script() -> str:
    """axe-core's script, as axe-playwright-python bundles it (no browser needed)."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().axe_script


def recorded() -> Dict[str, str]:
    """The digests of the pages that passed a live check (none if no record)."""
    if not RECORD.exists() or RECORD.stat().st_size == 0:
        return {}
    try:
        return dict(json.loads(RECORD.read_text())["pages"])
    except (ValueError, KeyError, TypeError) as exc:
        raise AssertionError(f"{RECORD.name} is not a record of pages ({exc}): store it again with make axe") from None


def store(doc: str, digest: str, browser_version: str) -> None:
    """Add one clean page to the record (several workers may write it)."""
    with open(RECORD, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        pages = {d: v for d, v in recorded().items() if d in PAGES}
        pages[doc] = digest
        axe_version = re.search(r"axe v([\d.]+)", axe_script()).group(1)
        RECORD.write_text(json.dumps({
            "about": "Pages that passed every check of tests/browser/test_browser_axe.py, checked live: "
                     "the sha256 of the built page, the site's stylesheets and scripts, the checks and "
                     "axe-core. Written by `make axe`.",
            "axe-core": axe_version, "chromium": browser_version,
            "pages": dict(sorted(pages.items())),
        }, indent=1) + "\n")


def test_a_page_s_digest_changes_with_the_page_a_stylesheet_or_a_script_and_nothing_else(tmp_path):
    site = tmp_path / "site"
    (site / "pipes" / "basics").mkdir(parents=True)
    (site / "assets").mkdir()
    page, other = site / "pipes" / "basics" / "index.html", site / "index.html"
    page.write_text("<p>a page</p>")
    other.write_text("<p>another page</p>")
    (site / "assets" / "theme.css").write_text("p { color: #222 }")
    (site / "assets" / "search.js").write_text("let x = 1;")
    (site / "sitemap.xml").write_text("<urlset/>")

    def digest(script="axe"):
        _site_and_checks_digest.cache_clear()
        return page_digest(site, "pipes/basics.md", script, lambda doc: doc[:-len(".md")] + "/")

    first = digest()
    other.write_text("<p>another page, edited</p>")
    (site / "sitemap.xml").write_text("<urlset><url/></urlset>")
    assert digest() == first  # other pages and files that are no style or script
    changes = [lambda: page.write_text("<p>a page, edited</p>"),
               lambda: (site / "assets" / "theme.css").write_text("p { color: #999 }"),
               lambda: (site / "assets" / "search.js").write_text("let x = 2;")]
    seen = {first}
    for change in changes:
        change()
        seen.add(digest())
    seen.add(digest(script="another axe-core"))
    assert len(seen) == 5
    _site_and_checks_digest.cache_clear()


@pytest.mark.slow
@pytest.mark.timeout(180)  # four axe runs of one page: over 60 s on a loaded machine in a CI run
@pytest.mark.parametrize("doc", PAGES)
def test_page_has_no_axe_violation_in_either_palette_on_desktop_or_phone(axe_tab, page_url, site, doc):
    assert page_problems(axe_tab, page_url, doc) == []
    if STORE:
        store(doc, page_digest(site, doc, axe_tab.axe_script, page_url), axe_tab.page.context.browser.version)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("doc", PAGES)
def test_page_as_built_now_passed_axe_live(built_site, page_url, request, doc):
    """The per-change check: the page is the one a clean live check
    recorded, or it passes the live check now."""
    if recorded().get(doc) == page_digest(built_site, doc, axe_script(), page_url):
        return
    assert page_problems(request.getfixturevalue("axe_tab"), page_url, doc) == []
