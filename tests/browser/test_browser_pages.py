"""Every page of the built site, opened in Chromium the way a reader opens it.

One test per page. Each page must load without a console error, an uncaught
exception, a failed request or an HTTP error; make no request to a host other
than 127.0.0.1 (fonts, scripts, analytics, repository statistics); give every
code block its copy button once the block is in view (Material mounts a block
when it first comes into view); and stay within its weight budget.

And what a reader copies is the program the tests run: each program the
catalog places on the page is shown whole, in a block titled
``snippets/NAME.py``, whose text (the code element's innerText, what the copy
button copies) is the file, except for one thing: pymdownx.snippets leaves out
the lines that mark named sections (``# --8<-- [start:part]``), which only
the page's excerpts use. So a reader runs the same program, without those
comments.
"""
import pytest
from _tab import COPY_BUTTON
from pymdownx.snippets import SnippetPreprocessor

from ipcsnippets import catalog

pytestmark = pytest.mark.slow  # `make test-slow`: the browser beyond axe

# Bytes over the wire for one page with a cold cache (the walk's tab turns the
# browser's cache off), served uncompressed by http.server: the HTML,
# Material's CSS and JavaScript (the search index comes only when the reader
# opens the search). Most of it is shared by all pages and cached after the
# first one; a server that compresses sends about a quarter of it. Raise the
# budget with a reason.
PAGE_BUDGET = 1_500_000
COPY_BUTTON_WAIT_MS = 5_000  # per block, from the moment it is in view
SECTION_MARK = SnippetPreprocessor.RE_SNIPPET_SECTION  # what pymdownx.snippets leaves out
PAGES = [*catalog.site_pages(), "404.html"]  # every page of docs/, and the 404 page

# For each block titled snippets/NAME.py: open what hides it as a reader would
# (a collapsed admonition, a content tab not chosen), bring it into view (where
# Material gives it its copy button), read the code's text as shown, press its
# copy button and read the clipboard. The first program's
# button is pressed by Playwright, as a reader's click (see below); pressing
# the others from the page runs the same copy handler, at a tenth of the cost.
PROGRAMS = """async ({titles, skipClick}) => {
    const found = {};
    for (const block of document.querySelectorAll(".highlight")) {
        const title = block.querySelector(":scope > .filename")?.textContent;
        if (!titles.includes(title)) continue;
        for (let hider = block.parentElement; hider; hider = hider.parentElement) {
            if (hider.tagName === "DETAILS") hider.open = true;
        }
        for (let tab = block.closest(".tabbed-block"); tab; tab = tab.parentElement.closest(".tabbed-block")) {
            const index = [...tab.parentElement.children].indexOf(tab);
            tab.closest(".tabbed-set").querySelector(":scope > .tabbed-labels").children[index].click();
        }
        const code = block.querySelector("pre > code");
        const entry = {count: (found[title]?.count || 0) + 1, visible: code.checkVisibility()};
        code.scrollIntoView({block: "center"});
        const button = () => block.querySelector('pre > nav > button[data-md-type="copy"]');
        // Until Material has mounted it and the browser renders its tokens: the
        // browser renders a block (theme.css) once a frame's update finds it
        // near the viewport, and till then its innerText, what the copy button
        // copies, is empty. A reader's click lands on a block on screen, long
        // rendered.
        const rendered = () => code.firstElementChild.checkVisibility({contentVisibilityAuto: true});
        const shownBy = Date.now() + 5000;
        while (!(button() && rendered()) && Date.now() < shownBy) {
            await new Promise(frame => requestAnimationFrame(frame));
        }
        entry.button = Boolean(button());
        entry.shown = code.innerText;  // as shown: in view, where the browser has laid it out
        if (title !== skipClick && entry.button) {
            await navigator.clipboard.writeText("");
            button().click();
            // Until the copy lands: no event says so. A fixed 2 s ran out once
            // in a CI run, with the slow tier loading both cores.
            const deadline = Date.now() + 10000;
            while ((entry.copied = await navigator.clipboard.readText()) === "" && Date.now() < deadline) {
                await new Promise(resolve => setTimeout(resolve, 20));
            }
        }
        found[title] = entry;
    }
    return found;
}"""


def as_shown(source: str) -> str:
    """The file as a page shows it whole: without the section-mark lines.
    (A mark escaped as ``;--8<--`` would be shown; the snippets have none.)"""
    return "".join(line for line in source.splitlines(keepends=True)
                   if not ("8<-" in line and SECTION_MARK.match(line.rstrip("\n"))))


def path_of_page(doc: str, page_url) -> str:
    return doc if doc.endswith(".html") else page_url(doc)


def test_only_the_section_mark_lines_are_left_out():
    source = ("def f():\n"
              "    # --8<-- [start:body]\n"
              "    return '8<-'\n"
              "    # --8<-- [end:body]\n")
    assert as_shown(source) == "def f():\n    return '8<-'\n"


def test_a_request_to_another_host_is_recorded_and_never_leaves(new_tab):
    """What the walk relies on: Chromium resolves no host but 127.0.0.1, and
    the tab records every request to another host."""
    tab = new_tab()
    url = "http://fonts.example.org/font.woff2"
    with tab.page.expect_event("requestfailed") as failed:
        tab.page.set_content(f'<img src="{url}">')
    assert failed.value.url == url and failed.value.failure == "net::ERR_NAME_NOT_RESOLVED"
    assert tab.foreign == [url]


def test_every_built_page_is_walked(site, page_url):
    built = sorted(html.relative_to(site).as_posix() for html in site.rglob("*.html"))
    walked = sorted(path_of_page(doc, page_url) + ("index.html" if not doc.endswith(".html") else "")
                    for doc in PAGES)
    assert walked == built


@pytest.mark.parametrize("doc", PAGES)
def test_page_loads_cleanly_offline_and_its_programs_copy_as_their_files(module_tab, page_url, doc):
    tab = module_tab
    tab.forget()
    page = tab.open_settled(path_of_page(doc, page_url))
    # Material adds a block's copy button from a script when the block comes into view.
    problems = [f"code block without a copy button once in view: {first_line!r}"
                for first_line in tab.show_every_block(COPY_BUTTON_WAIT_MS)]
    weight = tab.bytes_received()
    print(f"\n{doc}: {weight} bytes over the wire (cold cache, uncompressed)")
    if weight > PAGE_BUDGET:
        problems.append(f"{weight} bytes over the wire, over the budget of {PAGE_BUDGET}")

    programs = sorted((s for s in catalog.CATALOG.values() if s.page == doc), key=lambda s: s.name)
    titles = [f"snippets/{s.name}.py" for s in programs]
    if titles:
        # A reader's click on the first program's copy button: Playwright
        # checks that it is visible, enabled and not covered before it clicks.
        first = page.locator(".highlight").filter(
            has=page.locator(":scope > .filename", has_text=titles[0])).first
        found = page.evaluate(PROGRAMS, {"titles": titles[:1], "skipClick": titles[0]})
        if found.get(titles[0], {}).get("button"):  # a missing block or button is reported below
            page.evaluate("navigator.clipboard.writeText('')")
            first.locator(COPY_BUTTON).click()
            page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
            found[titles[0]]["copied"] = page.evaluate("navigator.clipboard.readText()")
        found.update(page.evaluate(PROGRAMS, {"titles": titles[1:], "skipClick": None}))
        for snippet in programs:
            title = f"snippets/{snippet.name}.py"
            expected = as_shown(snippet.path.read_text())
            got = found.get(title)
            if got is None or got["count"] != 1:
                problems.append(f"{title}: {got and got['count'] or 0} blocks titled so (want 1)")
            elif not got["visible"]:
                problems.append(f"{title}: still hidden after opening what hides it")
            elif not got["button"]:
                problems.append(f"{title}: no copy button once in view")
            elif got["shown"] != expected:
                problems.append(f"{title}: the block's text differs from the file")
            # Material's copy button trims trailing whitespace: the final newline.
            elif got.get("copied") != expected.rstrip():
                problems.append(f"{title}: the copy button copied something else: {str(got.get('copied'))[-80:]!r}")
    problems += tab.errors
    problems += [f"request to another host: {url}" for url in tab.foreign]
    assert problems == []
