"""What a reader copies from a page is the program the tests run.

Each page shows its programs whole, in a block titled ``snippets/NAME.py``.
The text of that block (the code element's innerText, what the copy button
copies) must be the file, except for one thing: pymdownx.snippets leaves out
the lines that mark named sections (``# --8<-- [start:part]``), which only
the page's excerpts use. So a reader runs the same program, without those
comments.
"""
import re
import time

import pytest
from pymdownx.snippets import SnippetPreprocessor

from ipcsnippets import catalog

SECTION_MARK = SnippetPreprocessor.RE_SNIPPET_SECTION  # what pymdownx.snippets leaves out
PAGES = sorted({snippet.page for snippet in catalog.CATALOG.values()})
COPY_BUTTON = 'pre > nav > button[data-md-type="copy"]'


def as_shown(source: str) -> str:
    """The file as a page shows it whole: without the section-mark lines.
    (A mark escaped as ``;--8<--`` would be shown; the snippets have none.)"""
    return "".join(line for line in source.splitlines(keepends=True)
                   if not ("8<-" in line and SECTION_MARK.match(line.rstrip("\n"))))


def reveal(block):
    """Open what hides ``block``, outermost first, as a reader would: a
    collapsed admonition (``??? question "Answer"``), a content tab not chosen."""
    hiding = block.locator("xpath=ancestor::*[self::details[not(@open)]"
                           " or contains(concat(' ', @class, ' '), ' tabbed-block ')]")
    for element in hiding.all():
        if element.evaluate("e => e.tagName") == "DETAILS":
            element.locator(":scope > summary").click()
        elif not element.is_visible():
            index = element.evaluate("b => [...b.parentElement.children].indexOf(b)")
            element.locator("xpath=../../div[contains(@class, 'tabbed-labels')]/label").nth(index).click()


def clipboard_once_it_holds(page, text: str, timeout: float = 3.0) -> str:
    """The clipboard's text, once it is ``text`` or ``timeout`` seconds have passed."""
    deadline = time.monotonic() + timeout
    while (copied := page.evaluate("navigator.clipboard.readText()")) != text and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return copied


def test_only_the_section_mark_lines_are_left_out():
    source = ("def f():\n"
              "    # --8<-- [start:body]\n"
              "    return '8<-'\n"
              "    # --8<-- [end:body]\n")
    assert as_shown(source) == "def f():\n    return '8<-'\n"


@pytest.mark.parametrize("doc", PAGES)
def test_each_program_reads_and_copies_as_its_file(new_tab, page_url, doc):
    tab = new_tab()
    page = tab.open(page_url(doc))
    wrong = []
    for snippet in sorted(catalog.CATALOG.values(), key=lambda s: s.name):
        if snippet.page != doc:
            continue
        title = f"snippets/{snippet.name}.py"
        blocks = page.locator(".highlight").filter(
            has=page.locator(":scope > .filename", has_text=re.compile(rf"^{re.escape(title)}$")))
        if blocks.count() != 1:
            wrong.append(f"{title}: {blocks.count()} blocks titled so (want 1)")
            continue
        expected = as_shown(snippet.path.read_text())
        reveal(blocks)
        shown = blocks.locator("pre > code").inner_text()
        if shown != expected:
            wrong.append(f"{title}: the block's text differs from the file")
            continue
        page.evaluate("navigator.clipboard.writeText('')")
        blocks.locator(COPY_BUTTON).click()
        # Material's copy button trims trailing whitespace: the final newline.
        copied = clipboard_once_it_holds(page, expected.rstrip())
        if copied != expected.rstrip():
            wrong.append(f"{title}: the copy button copied something else: {copied[-80:]!r}")
    assert wrong == []
    assert not tab.errors and not tab.foreign
