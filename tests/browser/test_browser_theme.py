"""The light/dark toggle switches the colour scheme, and the reader's choice
stays on the next page (Material keeps it in the browser's local storage)."""

SCHEME = "document.body.getAttribute('data-md-color-scheme')"


def test_the_dark_mode_toggle_switches_and_the_choice_stays(new_tab, page_url):
    tab = new_tab()  # Playwright's default: the reader's system prefers light
    page = tab.open("")
    assert page.evaluate(SCHEME) == "default"

    page.locator("label[title='Switch to dark mode']").click()
    page.wait_for_function(f"{SCHEME} === 'slate'")

    page = tab.open(page_url("queues/race.md"))
    assert page.evaluate(SCHEME) == "slate"
    page.locator("label[title='Switch to light mode']").click()
    page.wait_for_function(f"{SCHEME} === 'default'")
    assert not tab.errors and not tab.foreign
