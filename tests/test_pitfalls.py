"""The Pitfalls page lists every trap that a page shows happening.

Proves the claim of docs/pitfalls.md's first paragraph: "Every trap that a
page of this site shows happening, in one line [...] A test checks that
every page with such a program is linked from here." A program shows a trap
happening when the catalog expects it to hang, raise or lose items under
some start method; the section of its page that embeds it must be linked
from the Pitfalls page, and every test file the page names must exist.
"""
import re

import pytest
from markdown.extensions.toc import slugify

from ipcsnippets import catalog

PITFALLS = catalog.DOCS_DIR / "pitfalls.md"
HEADING = re.compile(r"^#{2,6} (?P<text>.*?)(?: \{#(?P<id>[\w-]+)\})?\s*$")


def _shows_a_trap(snippet) -> bool:
    return any(e.outcomes - {catalog.COMPLETES} or catalog.LOST_ITEMS in e.shows for e in snippet.expect.values())


def section_anchor(page: str, name: str) -> str:
    """The anchor of the section of `page` that embeds snippets/NAME.py whole."""
    lines = (catalog.DOCS_DIR / page).read_text().splitlines()
    embed = next(i for i, line in enumerate(lines) if f'--8<-- "snippets/{name}.py"' in line)
    for line in reversed(lines[:embed]):
        m = HEADING.match(line)
        if m:
            return m["id"] or slugify(m["text"].replace("`", ""), "-")
    raise AssertionError(f"{page}: no heading above the embed of {name}")


TRAPS = sorted((s.page, s.name) for s in catalog.CATALOG.values() if _shows_a_trap(s))


def test_the_anchor_of_a_section_is_found_as_the_site_makes_it():
    assert section_anchor("queues/fixes.md", "task_done_too_many") == "one-task_done-too-many"
    assert section_anchor("pipes/pitfalls.md", "pipe_join_before_recv") == "join-before-recv"


@pytest.mark.parametrize("page, name", TRAPS, ids=[name for _, name in TRAPS])
def test_every_section_that_shows_a_trap_is_linked_from_the_pitfalls_page(page, name):
    link = f"({page}#{section_anchor(page, name)})"
    assert link in PITFALLS.read_text(), f"pitfalls.md does not link {link} (where {name} shows its trap)"


def test_every_test_file_the_pitfalls_page_names_exists():
    named = set(re.findall(r"`(tests/test_\w+\.py)`", PITFALLS.read_text()))
    assert len(named) >= 8
    assert [n for n in sorted(named) if not (catalog.ROOT / n).is_file()] == []
