"""A reader's two choices follow them to the next page: the light/dark toggle
(Material keeps it in the browser's local storage), and the output tab of a
start method, which switches every tab set with the same labels, on this page
and the next (content.tabs.link). One path through two pages: each page load
costs about a second of CPU.

The pages come from the catalog: those showing the stored output of a program
run under several start methods (docs/outputs/NAME.md holds one tab each).
"""
import re

import pytest

from ipcsnippets import catalog

pytestmark = pytest.mark.slow  # `make test-slow`: the browser beyond axe

CHOICE = "spawn"  # not the first tab, so a page that ignored the choice shows "fork"
SCHEME = "document.body.getAttribute('data-md-color-scheme')"

# For every tab set on the page that has a CHOICE tab: the selected label, and
# the label of the one visible block.
TAB_SETS = """choice => [...document.querySelectorAll(".tabbed-set")]
    .map(set => {
        const labels = [...set.querySelectorAll(":scope > .tabbed-labels > label")];
        const inputs = [...set.querySelectorAll(":scope > input")];
        const blocks = [...set.querySelectorAll(":scope > .tabbed-content > .tabbed-block")];
        return {
            labels: labels.map(label => label.innerText.trim()),
            selected: labels[inputs.findIndex(input => input.checked)]?.innerText.trim(),
            visible: blocks.filter(block => block.offsetParent !== null)
                           .map(block => labels[blocks.indexOf(block)].innerText.trim()),
        };
    })
    .filter(set => set.labels.includes(choice))"""


def tab_sets_once_all_show(page, choice: str) -> list:
    """The tab sets (as TAB_SETS), once every one shows ``choice`` or 5 s have passed."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(f"choice => ({TAB_SETS})(choice).every(s => s.selected === choice)",
                               arg=choice, timeout=5_000)
    except PlaywrightTimeout:
        pass  # the assertion that follows shows which do not
    return page.evaluate(TAB_SETS, choice)


def pages_with_start_method_tabs():
    pages = []
    for snippet in sorted(catalog.CATALOG.values(), key=lambda s: s.name):
        output = catalog.DOCS_DIR / "outputs" / f"{snippet.name}.md"
        if output.is_file() and f'=== "{CHOICE}"' in output.read_text() and snippet.page not in pages:
            pages.append(snippet.page)
    return pages


def test_dark_mode_and_a_tab_choice_switch_at_once_and_stay_on_the_next_page(new_tab, page_url):
    pages = pages_with_start_method_tabs()
    assert len(pages) >= 2, pages
    first, second = pages[0], pages[1]
    tab = new_tab()  # Playwright's default: the reader's system prefers light

    page = tab.open(page_url(first))
    assert page.evaluate(SCHEME) == "default"
    before = page.evaluate(TAB_SETS, CHOICE)
    assert before and all(s["selected"] != CHOICE for s in before), before

    page.locator("label[title='Switch to dark mode']").click()
    page.wait_for_function(f"{SCHEME} === 'slate'")
    page.locator(".tabbed-labels > label", has_text=re.compile(f"^{CHOICE}$")).first.click()
    after = tab_sets_once_all_show(page, CHOICE)
    assert [(s["selected"], s["visible"]) for s in after] == [(CHOICE, [CHOICE])] * len(after)

    page = tab.open(page_url(second))  # same browser context: a reader moving on
    assert page.evaluate(SCHEME) == "slate"
    carried = tab_sets_once_all_show(page, CHOICE)
    assert carried
    assert [(s["selected"], s["visible"]) for s in carried] == [(CHOICE, [CHOICE])] * len(carried)
    page.locator("label[title='Switch to light mode']").click()
    page.wait_for_function(f"{SCHEME} === 'default'")
    assert not tab.errors and not tab.foreign
