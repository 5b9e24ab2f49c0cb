"""Code annotations (content.code.annotate) work: the numbered marker on the
home page's command opens its note, and the copy button copies the command
without the marker."""
import re

import pytest
from _tab import NEXT_FRAME

from ipcsnippets import catalog

pytestmark = pytest.mark.slow  # `make test-slow`: the browser beyond axe

COMMAND = "python -m ipcsnippets run queue_race_forced --start-method spawn"
# Is the open note what the page shows at its centre and its lower corners
# (each point a little inside it)? Its upper left corner is under the marker
# it opened from, as Material draws it. The block is one line high: the note
# reaches far below it.
NOTE_NOT_CLIPPED = """() => {
    const note = document.querySelector(".md-content .md-annotation .md-tooltip__inner");
    const box = note.getBoundingClientRect();
    const inset = 4;
    const points = [[box.left + inset, box.bottom - inset], [box.right - inset, box.bottom - inset],
                    [(box.left + box.right) / 2, (box.top + box.bottom) / 2]];
    const shown = points.map(([x, y]) => document.elementFromPoint(x, y));
    return shown.every(element => note.contains(element))
        || shown.map(element => element?.outerHTML.slice(0, 80)).join(" | ");
}"""


def note_in_the_source() -> str:
    """The first words of the note under the annotated command in docs/index.md."""
    text = (catalog.DOCS_DIR / "index.md").read_text()
    found = re.search(re.escape(COMMAND) + r"  # \(1\)!\n```\n\n1\.  (.+)\n", text)
    assert found, "docs/index.md no longer annotates the run command"
    return found.group(1)


def test_the_annotation_opens_its_note_and_is_not_copied(new_tab):
    note_start = note_in_the_source()
    # The limit the note states is the catalog's for this program.
    assert f"({catalog.get('queue_race_forced').timeout:g} s)" in note_start
    tab = new_tab()
    page = tab.open("")
    block = page.locator(".md-content .highlight", has_text=COMMAND)
    # Material mounts a block when it comes into view; in the middle, its note has room below.
    block.evaluate("block => block.scrollIntoView({block: 'center'})")
    marker = block.locator(".md-annotation")
    marker.wait_for()
    assert marker.count() == 1
    shown = block.locator("pre > code").inner_text()
    assert shown.startswith(COMMAND) and "(1)" not in shown  # the marker is drawn, not written

    marker.locator(".md-annotation__index").click(force=True)  # it pulses: never "stable"
    note = marker.locator(".md-tooltip__inner")
    note.wait_for()
    assert note_start in " ".join(note.inner_text().split())
    # Drawn whole, over what is around the block: a block is clipped to its
    # box while content-visibility applies to it (theme.css leaves out a
    # block with an annotation).
    page.evaluate(NEXT_FRAME)
    clipped = page.evaluate(NOTE_NOT_CLIPPED)
    assert clipped is True, f"the note is cut off at the edge of its code block: {clipped}"
    page.locator(".md-content h1").click()  # a click elsewhere closes the note
    note.wait_for(state="hidden")  # on a one-line block it covers the copy button

    page.evaluate("navigator.clipboard.writeText('')")
    block.locator('pre > nav > button[data-md-type="copy"]').click()
    page.wait_for_function("async () => (await navigator.clipboard.readText()) !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == COMMAND
    assert not tab.errors and not tab.foreign
