"""Every page has no axe-core violation, in both palettes, on a desktop and a phone.

axe-core (bundled by axe-playwright-python) runs in the page with its
default rules: WCAG 2.0 to 2.2, levels A and AA, and its best practices. A
failure names the page, the palette, the viewport, the rule and each element.

Each page is loaded once, on a desktop-sized viewport in the light palette,
and checked four times, with one change between two checks: light on a
desktop; dark (the palette toggle, clicked as a reader clicks it); dark on a
phone; light on a phone. What can differ after each change is checked:

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

And a program whose lines fit in 79 characters (tests/test_catalog.py) is
read without scrolling sideways on a laptop (the desktop viewport) and at
960 px, the narrowest width that still shows the navigation beside it, the
narrowest column a program gets above phone size.
"""
from typing import List, Optional, Union

import pytest

from ipcsnippets import catalog

PAGES = [*catalog.site_pages(), "404.html"]
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
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
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


def switch(page, scheme: str, viewport: str) -> None:
    """Show the page in ``scheme`` on ``viewport``, as a reader would get there."""
    if page.evaluate(SCHEME) != SCHEMES[scheme]:
        page.locator(f"label[title='{TOGGLES[scheme]}']").evaluate("label => label.click()")
        page.wait_for_function(f"{SCHEME} === '{SCHEMES[scheme]}'")
    if page.viewport_size != VIEWPORTS[viewport]:
        page.set_viewport_size(VIEWPORTS[viewport])
    page.evaluate(NEXT_FRAME)  # Material and the theme's script have seen the new size


def test_a_violation_is_found_and_named(axe_tab):
    """What the page checks rely on: axe runs, and a failure names the rule
    and the element."""
    page = axe_tab.page
    page.set_content('<html lang="en"><title>t</title><main><h1>t</h1>'
                     '<p id="faint" style="color: #aaa; background: #fff">faint text</p></main></html>')
    page.evaluate(axe_tab.axe_script)
    found = axe_violations(page, "test page")
    assert len(found) == 1 and found[0].startswith("test page: color-contrast ("), found
    assert "#faint" in found[0] and "insufficient color contrast" in found[0], found


@pytest.mark.timeout(180)  # four axe runs of one page: over 60 s on a loaded machine in a CI run
@pytest.mark.parametrize("doc", PAGES)
def test_page_has_no_axe_violation_in_either_palette_on_desktop_or_phone(axe_tab, page_url, doc):
    tab = axe_tab
    tab.forget()
    page = tab.open(doc if doc.endswith(".html") else page_url(doc))
    page.evaluate(tab.axe_script)
    code = page.evaluate(FLATTEN_CODE, CODE)
    print(f"\n{doc}: {code['kinds']} kinds of element in its code, {code['flattened']} more made bare text")
    problems, root_font = [], {}
    for scheme, viewport, runs in CHECKS:
        switch(page, scheme, viewport)
        root_font[viewport] = page.evaluate(ROOT_FONT)
        for rules, left_out in runs:
            problems += axe_violations(page, f"{doc} ({scheme}, {viewport})", rules, left_out,
                                       preload=doc == "index.md" and rules == EVERY_RULE)
        if viewport == "desktop" and scheme == "light":
            problems += programs_that_scroll(page, doc, viewport)
    if any(s.page == doc for s in catalog.CATALOG.values()):
        switch(page, "light", "narrow laptop")
        problems += programs_that_scroll(page, doc, "narrow laptop")
    switch(page, "light", "desktop")  # as the next page expects
    if len(set(root_font.values())) != 1:
        problems.append(f"the root font size differs between viewports ({root_font}): "
                        "the colour rules must look at the content on a phone too")
    problems += tab.errors
    problems += [f"request to another host: {url}" for url in tab.foreign]
    assert problems == []
