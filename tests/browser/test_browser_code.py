"""What the theme does so that a long page is quick to start (issue 18), and
that a reader loses nothing by it.

- Material mounts a code block (its copy button, its annotations) when the
  block first comes into view (``content.lazy`` in mkdocs.yml), not all at
  load.
- Code out of view is not rendered until it comes near the viewport
  (``content-visibility: auto`` in theme.css). Shown, nothing has moved; a
  link to a heading far down the page still lands on it; an annotation's
  note and a focused program's ring are not cut off at the block's edge.
- Loading a page writes no colour to <body> that it already has, and no
  "switching" mark that restyles the whole page (docs/.overrides/main.html);
  a reader's switch, and the first visit of a reader whose system prefers
  dark, still get the mark.
- Each table is built in Material's wrappers (ipcsnippets/site_hooks.py) and
  Material's script leaves it there (main.html): no table is taken out of the
  page and put back, which restyles the article, and none is wrapped twice.
- The "Verified on" page's table of every snippet by interpreter is folded;
  a link to it (each cell of the grid is one) opens it and shows it.
- The page's colour scheme is declared once, in <head>, before anything is
  styled, and <html> is marked "js" there: no colour-scheme <meta> is added or
  written once the page is parsed, which restyles every element, unless the
  scheme really changes; a reader's switch and a returning reader's palette
  still get the right scheme.

The costs these save are measured by ``make audit`` (docs/measured/lighthouse.md).
"""
import re
import statistics
from pathlib import Path

import pytest
from _site import url_of
from _tab import NEXT_FRAME

from ipcsnippets import catalog

slow = pytest.mark.slow  # `make test-slow`: the browser beyond axe

PHONE = {"width": 375, "height": 667}
LONG_PAGE = "queues/fixes.md"  # the page with the most programs
BUTTON = ':scope > nav > button[data-md-type="copy"]'
# Material has started on the page: its palette has written the theme colour.
MATERIAL_STARTED = "() => !!document.querySelector('meta[name=theme-color]')?.content"
THEME_CSS = catalog.DOCS_DIR / "stylesheets" / "theme.css"

# Every attribute written to <body> from the start of the page, in order
# (a write of the value it already has is recorded too).
RECORD_BODY_WRITES = """
window.__bodyWrites = [];
new MutationObserver(records => {
    for (const r of records) {
        if (r.target === document.body) {
            window.__bodyWrites.push([r.attributeName, r.oldValue, r.target.getAttribute(r.attributeName)]);
        }
    }
}).observe(document, {attributes: true, attributeOldValue: true, subtree: true});
"""

# Every colour-scheme <meta> the page gets, and every write to one, in order:
# [kind of change, its content, whether <body> was parsed yet]. An observer's
# records are delivered when the script that made the change ends, so a write
# made in <head> is seen before <body> exists.
RECORD_SCHEME_CHANGES = """
window.__schemeChanges = [];
new MutationObserver(records => {
    for (const r of records) {
        const nodes = r.type === "childList" ? [...r.addedNodes] : [r.target];
        for (const node of nodes) {
            if (node.nodeName === "META" && node.getAttribute("name") === "color-scheme") {
                window.__schemeChanges.push([r.type, node.getAttribute("content"), !!document.body]);
            }
        }
    }
}).observe(document, {childList: true, attributes: true, attributeFilter: ["content"], subtree: true});
"""
SCHEMES = "[...document.querySelectorAll('meta[name=color-scheme]')].map(meta => meta.content)"
# Every table taken out of the page once it is parsed (put back or not).
RECORD_TABLES_MOVED = """
window.__tablesMoved = 0;
document.addEventListener("DOMContentLoaded", () => new MutationObserver(records => {
    for (const r of records) {
        window.__tablesMoved += [...r.removedNodes].filter(node => node.nodeName === "TABLE").length;
    }
}).observe(document.body, {childList: true, subtree: true}), {once: true});
"""
# For each table of the article: the wrappers around it, innermost first, up
# to the article.
TABLE_WRAPPERS = """[...document.querySelectorAll("article table:not([class])")].map(table => {
    const names = [];
    for (let node = table.parentElement; node && node.tagName !== "ARTICLE"; node = node.parentElement) {
        if (/md-typeset__(table|scrollwrap)/.test(node.className)) names.push(node.className);
    }
    return names.join(" < ");
})"""


def open_page(tab, doc: str, viewport=None, fragment: str = ""):
    if viewport:
        tab.page.set_viewport_size(viewport)
    page = tab.open(url_of(doc) + fragment)
    page.wait_for_function(MATERIAL_STARTED)
    page.evaluate(NEXT_FRAME)
    return page


@slow
def test_a_block_out_of_view_is_not_rendered_and_gets_its_button_when_it_comes_into_view(new_tab):
    tab = new_tab()
    page = open_page(tab, LONG_PAGE, PHONE)
    # The last block of the page that is not hidden in a closed note or a tab
    # not chosen, and has highlighted tokens (elements) to look at.
    page.evaluate("""() => [...document.querySelectorAll(".md-content pre")]
        .filter(pre => pre.checkVisibility() && pre.querySelector(":scope > code > *"))
        .pop().setAttribute("data-last-shown", "")""")
    last = page.locator("pre[data-last-shown]")
    state = last.evaluate("""pre => ({
        visibility: getComputedStyle(pre.querySelector(":scope > code")).contentVisibility,
        rendered: pre.querySelector(":scope > code > *").checkVisibility({contentVisibilityAuto: true}),
        button: !!pre.querySelector(':scope > nav > button[data-md-type="copy"]')})""")
    assert state == {"visibility": "auto", "rendered": False, "button": False}
    last.evaluate("pre => pre.scrollIntoView({block: 'center'})")
    last.locator(BUTTON).wait_for()
    assert last.evaluate("pre => pre.querySelector(':scope > code > *').checkVisibility({contentVisibilityAuto: true})")
    assert not tab.errors and not tab.foreign


@slow
def test_a_block_not_yet_shown_already_has_the_height_it_will_have(new_tab):
    """Each block's --lines (ipcsnippets/site_hooks.py) sizes it exactly: the
    page's length is right from the start, and what axe-core (in Lighthouse)
    asks of a token out of view is inside its own block."""
    tab = new_tab()
    page = open_page(tab, LONG_PAGE, PHONE)
    heights = """() => [...document.querySelectorAll(".md-content pre > code")]
        .filter(code => code.checkVisibility())
        .map(code => [code.style.getPropertyValue("--lines"), code.offsetHeight])"""
    before = page.evaluate(heights)
    skipped = page.evaluate("""() => [...document.querySelectorAll(".md-content pre > code > :first-child")]
        .filter(token => token.checkVisibility() && !token.checkVisibility({contentVisibilityAuto: true})).length""")
    assert skipped > 10 and all(lines for lines, _ in before)
    assert tab.show_every_block() == []
    assert page.evaluate(heights) == before


@slow
def test_showing_the_code_moves_nothing(new_tab):
    """Once every block has been shown, the page is laid out exactly as it
    is with content-visibility off: the containment changes no margin and no
    size (the code element is already its own formatting context, as it
    scrolls, and has no margin). A block in a closed note is not shown, and
    is laid out when it is."""
    tab = new_tab()
    page = open_page(tab, LONG_PAGE)
    assert tab.show_every_block() == []
    boxes = """() => [...document.querySelectorAll(".md-content h2, .md-content h3, .md-content pre")]
        .filter(el => el.checkVisibility())
        .map(el => { const r = el.getBoundingClientRect(); return [el.tagName, r.top + scrollY, r.height]; })"""
    shown = page.evaluate(boxes)
    page.add_style_tag(content=".md-content * { content-visibility: visible !important; }")
    page.evaluate(NEXT_FRAME)
    assert page.evaluate(boxes) == shown


@slow
def test_a_link_to_a_heading_far_down_a_long_page_lands_on_it(new_tab):
    tab = new_tab()
    page = open_page(tab, LONG_PAGE, PHONE)
    last = page.evaluate("[...document.querySelectorAll('.md-content h2[id]')].pop().id")
    page = open_page(tab, "index.md")  # from another page, as a reader follows a link
    page = open_page(tab, LONG_PAGE, fragment="#" + last)
    # Where the heading is once the blocks near it are laid out: a frame in
    # which nothing moved, then the next one.
    where = f"""async () => {{
        const frame = () => new Promise(done => requestAnimationFrame(done));
        const top = () => document.getElementById("{last}").getBoundingClientRect().top;
        let before;
        do {{ before = top(); await frame(); await frame(); }} while (top() !== before);
        return [top(), document.querySelector(".md-header").getBoundingClientRect().height];
    }}"""
    top, header = page.evaluate(where)
    assert header - 1 <= top <= header + 40, (last, top, header)


@slow
def test_the_focus_ring_of_a_program_that_scrolls_sideways_shows_on_every_side(new_tab):
    """Material makes a program that scrolls sideways focusable (on a screen
    with a pointer that hovers). The block's containment clips what is drawn
    outside it; the ring is drawn inside the edge: along each edge of the
    block, a band of pixels changes when it takes the focus."""
    tab = new_tab()
    page = open_page(tab, LONG_PAGE, {"width": 600, "height": 800})
    assert tab.show_every_block() == []
    code = page.locator(".md-content pre > code[tabindex='0']").first
    code.evaluate("code => code.scrollIntoView({block: 'center'})")
    page.evaluate(NEXT_FRAME)
    box = code.bounding_box()
    band = 4  # px, inside the edge
    bands = {"top": {"x": box["x"], "y": box["y"], "width": box["width"], "height": band},
             "bottom": {"x": box["x"], "y": box["y"] + box["height"] - band, "width": box["width"], "height": band},
             "left": {"x": box["x"], "y": box["y"], "width": band, "height": box["height"]},
             "right": {"x": box["x"] + box["width"] - band, "y": box["y"], "width": band, "height": box["height"]}}
    before = {side: page.screenshot(clip=clip) for side, clip in bands.items()}
    code.focus()  # then from the keyboard, so that it counts as keyboard focus
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert code.evaluate("code => document.activeElement === code && code.classList.contains('focus-visible')")
    page.evaluate(NEXT_FRAME)
    unchanged = [side for side, clip in bands.items() if page.screenshot(clip=clip) == before[side]]
    assert unchanged == [], f"no focus ring along these edges of the focused program: {unchanged}"


@slow
def test_loading_a_page_writes_no_colour_and_no_switching_mark(new_tab):
    tab = new_tab()
    tab.page.add_init_script(RECORD_BODY_WRITES)
    page = open_page(tab, LONG_PAGE)
    # The only change: which system preference the palette follows, which no
    # style sheet reads.
    assert page.evaluate("window.__bodyWrites") == [
        ["data-md-color-media", None, "(prefers-color-scheme: light)"]]


@slow
def test_a_reader_s_switch_still_turns_transitions_off_while_the_colours_change(new_tab):
    tab = new_tab()
    tab.page.add_init_script(RECORD_BODY_WRITES)
    page = open_page(tab, LONG_PAGE)
    page.evaluate("window.__bodyWrites = []")
    page.locator("label[title='Switch to dark mode']").click()
    page.wait_for_function("document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    assert_mark_around_the_change(page.evaluate("window.__bodyWrites"))


@slow
def test_a_reader_whose_system_prefers_dark_gets_the_mark_on_the_first_visit(new_tab):
    tab = new_tab()
    tab.page.emulate_media(color_scheme="dark")
    tab.page.add_init_script(RECORD_BODY_WRITES)
    page = open_page(tab, LONG_PAGE)
    page.wait_for_function("!document.body.hasAttribute('data-md-color-switching')")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert_mark_around_the_change(page.evaluate("window.__bodyWrites"))


@slow
def test_a_page_declares_its_colour_scheme_once_before_its_body(new_tab):
    tab = new_tab()
    tab.page.add_init_script(RECORD_SCHEME_CHANGES)
    page = open_page(tab, LONG_PAGE)
    assert page.evaluate(SCHEMES) == ["light"]
    assert page.evaluate("window.__schemeChanges") == [["childList", "light", False]]
    assert page.evaluate("[...document.documentElement.classList]").count("js") == 1
    assert "no-js" not in page.evaluate("document.documentElement.className")


@slow
def test_the_declared_scheme_follows_a_reader_s_switch_and_their_next_visit(new_tab):
    tab = new_tab()
    tab.page.add_init_script(RECORD_SCHEME_CHANGES)
    page = open_page(tab, LONG_PAGE)
    page.locator("label[title='Switch to dark mode']").click()
    page.wait_for_function(f"{SCHEMES}.join() === 'dark'")
    assert page.evaluate("getComputedStyle(document.body).colorScheme") == "dark"
    # The next page they open is dark from its <head> on, and nothing
    # writes the scheme again once its body is parsed.
    page = open_page(tab, "queues/race.md")
    assert page.evaluate(SCHEMES) == ["dark"]
    assert page.evaluate("window.__schemeChanges") == [
        ["childList", "light", False], ["attributes", "dark", False]]
    page.locator("label[title='Switch to light mode']").click()
    page.wait_for_function(f"{SCHEMES}.join() === 'light'")


@slow
def test_a_reader_whose_system_prefers_dark_gets_a_dark_scheme_on_the_first_visit(new_tab):
    tab = new_tab()
    tab.page.emulate_media(color_scheme="dark")
    page = open_page(tab, LONG_PAGE)
    page.wait_for_function(f"{SCHEMES}.join() === 'dark'")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"


@slow
@pytest.mark.parametrize("doc", ["cheatsheet.md", "performance.md"])  # the most tables; tables in tabs
def test_material_leaves_each_table_in_the_wrappers_it_was_built_in(new_tab, doc):
    tab = new_tab()
    tab.page.add_init_script(RECORD_TABLES_MOVED)
    page = open_page(tab, doc)
    wrappers = page.evaluate(TABLE_WRAPPERS)
    assert len(wrappers) >= 5
    assert set(wrappers) == {"md-typeset__table < md-typeset__scrollwrap"}
    assert page.evaluate("window.__tablesMoved") == 0


@slow
@pytest.mark.parametrize("how", ["a click on a cell of the grid", "a link from elsewhere"])
def test_a_link_to_the_folded_table_of_every_snippet_opens_it(new_tab, how):
    tab = new_tab()
    folded = "document.getElementById('by-snippet')"
    if how == "a link from elsewhere":
        page = open_page(tab, "verified.md", PHONE, fragment="#by-snippet")
    else:
        page = open_page(tab, "verified.md", PHONE)
        assert page.evaluate(f"{folded}.open") is False
        assert page.evaluate(f"{folded}.querySelector('table').checkVisibility()") is False
        page.locator("a[href='#by-snippet']").first.click()
    page.wait_for_function(f"{folded}.open")
    page.evaluate(NEXT_FRAME)
    top = page.evaluate(f"{folded}.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"] / 2, top
    rows = page.evaluate(f"[...{folded}.querySelectorAll('tbody tr')].filter(row => row.checkVisibility()).length")
    summary = page.evaluate(f"{folded}.querySelector('summary').textContent")
    assert rows == int(re.search(r"(\d+) snippets by", summary).group(1)) > 0, summary


def assert_mark_around_the_change(writes):
    names = [name for name, _, _ in writes]
    scheme = names.index("data-md-color-scheme")
    marked = [i for i, (name, old, new) in enumerate(writes)
              if name == "data-md-color-switching" and old is None and new == ""]
    unmarked = [i for i, (name, old, new) in enumerate(writes)
                if name == "data-md-color-switching" and new is None]
    assert marked and unmarked and marked[0] < scheme < unmarked[-1], writes
    assert all(old != new for _, old, new in writes), writes  # no write of a value already there


def test_the_size_a_block_counts_without_its_lines_is_the_median_block(built_site):
    """theme.css says so: a build without ipcsnippets/site_hooks.py (Zensical
    runs no MkDocs hook) sizes each block as the median number of lines of the
    site's code blocks."""
    counted = re.search(r"contain-intrinsic-block-size:\s*auto\s+calc\(var\(--lines,\s*(\d+)\)", THEME_CSS.read_text())
    assert counted, "theme.css no longer sets the size of a block not yet shown"
    lines = [int(n) for html in Path(built_site).rglob("*.html")
             for n in re.findall(r'<code style="--lines: (\d+)"', html.read_text())]
    assert int(counted.group(1)) == statistics.median_low(lines), (len(lines), statistics.median(lines))


@slow
def test_a_keyboard_reaches_every_program_that_scrolls_sideways(new_tab):
    """Material makes a block that scrolls focusable when it mounts it, as it
    comes into view; the focus could pass a block before that. A block not
    mounted yet is focusable (docs/javascripts/accessible.js): the keyboard
    stops at every program that scrolls, as on a page that mounts them all."""
    tab = new_tab()
    page = open_page(tab, LONG_PAGE, {"width": 600, "height": 800})
    page.evaluate("""() => document.addEventListener("focusin", event => {
        if (event.target.matches("pre > code")) event.target.setAttribute("data-focused", "");
    })""")
    for _ in range(2_000):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.md-footer')"):
            break
    else:
        pytest.fail("2,000 presses of Tab never got to the footer")
    assert tab.show_every_block() == []
    # Focusable once shown: the programs that scroll sideways (a block hidden
    # in a closed note is mounted, and judged, when a reader opens it).
    focusable = """[...document.querySelectorAll(".md-content pre > code[tabindex='0']")]
        .filter(code => code.checkVisibility())"""
    missed = page.evaluate(f"""() => {focusable}
        .filter(code => !code.hasAttribute("data-focused"))
        .map(code => code.textContent.split("\\n")[0])""")
    scrolling = page.evaluate(f"() => {focusable}.length")
    assert scrolling > 0 and missed == [], f"{len(missed)} of {scrolling} missed: {missed}"
