"""Code annotations (content.code.annotate) work: a numbered marker in the
code opens its note, and the copy button copies the code without it.

No page uses them yet, so the check runs on a throw-away copy of the project
with one page added.
"""
import time

NOTE = "The child inherits this queue."
PAGE = f'''# Annotated

```python
import multiprocessing

queue = multiprocessing.Queue()  # (1)!
```

1.  {NOTE}
'''


def test_an_annotation_opens_its_note_and_is_not_copied(throwaway_site, new_tab):
    tab = new_tab(throwaway_site({"annotated.md": PAGE}))
    page = tab.open("annotated/")
    block = page.locator(".md-content .highlight").first
    marker = block.locator(".md-annotation")
    marker.wait_for()
    assert marker.count() == 1
    assert "(1)!" not in block.locator("pre > code").inner_text()

    marker.locator(".md-annotation__index").click(force=True)  # it pulses: never "stable"
    note = marker.locator(".md-tooltip__inner")
    note.wait_for()
    assert NOTE in note.inner_text()

    block.locator('pre > nav > button[data-md-type="copy"]').click()
    code = "import multiprocessing\n\nqueue = multiprocessing.Queue()"
    deadline = time.monotonic() + 3
    while (copied := page.evaluate("navigator.clipboard.readText()")) != code and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert copied == code
    assert not tab.errors and not tab.foreign
