"""Every page of the built site, opened in Chromium the way a reader opens it.

One walk over every HTML file of the site, in one test (so that pytest-xdist
runs it once): each page must load without a console error, an uncaught
exception, a failed request or an HTTP error; make no request to a host other
than 127.0.0.1 (fonts, scripts, analytics, repository statistics); give every
code block its copy button; and stay within its weight budget.
"""
import pytest

# Bytes over the wire for one page with a cold cache (routing requests turns
# the browser's cache off), served uncompressed by http.server: the HTML,
# Material's CSS and JavaScript, the search index. Most of it is shared by all
# pages and cached after the first one; a server that compresses sends about
# a quarter of it. Raise the budget with a reason.
PAGE_BUDGET = 1_500_000
COPY_BUTTON_WAIT_MS = 5_000

ALL_BLOCKS_HAVE_BUTTONS = """() => document.querySelectorAll("pre > code").length
    === document.querySelectorAll('pre > nav > button[data-md-type="copy"]').length"""
BLOCKS_WITHOUT_BUTTON = """() => [...document.querySelectorAll("pre > code")]
    .filter(code => !code.parentElement.querySelector(':scope > nav > button[data-md-type="copy"]'))
    .map(code => code.innerText.split("\\n")[0].slice(0, 60))"""


@pytest.mark.timeout(180)  # about 20 pages, each until its network is quiet; slow on a busy machine
def test_every_page_loads_cleanly_offline_with_copy_buttons(site, new_tab):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    htmls = sorted(site.rglob("*.html"))
    assert len(htmls) > 10
    tab = new_tab()
    problems, weights = {}, {}
    for html in htmls:
        relative = html.relative_to(site).as_posix()
        path = relative[: -len("index.html")] if relative.endswith("index.html") else relative
        tab.forget()
        found = []
        try:
            # networkidle: late requests (the search index, a script's fetch) count too.
            page = tab.open(path, wait_until="networkidle")
            try:  # Material adds the copy buttons from a script, a moment after load
                page.wait_for_function(ALL_BLOCKS_HAVE_BUTTONS, timeout=COPY_BUTTON_WAIT_MS)
            except PlaywrightTimeout:
                found += [f"code block without a copy button: {first_line!r}"
                          for first_line in page.evaluate(BLOCKS_WITHOUT_BUTTON)]
        except Exception as error:  # one broken page must not hide the others
            found.append(f"could not open: {str(error).splitlines()[0]}")
        found += tab.errors
        found += [f"request to another host: {url}" for url in tab.foreign]
        weights["/" + path] = tab.bytes_received()
        if weights["/" + path] > PAGE_BUDGET:
            found.append(f"{weights['/' + path]} bytes over the wire, over the budget of {PAGE_BUDGET}")
        if found:
            problems["/" + path] = found

    heaviest = max(weights, key=weights.get)
    print(f"\n{len(weights)} pages; heaviest {heaviest}: {weights[heaviest]} bytes over the wire "
          f"(cold cache, uncompressed); lightest: {min(weights.values())} bytes")
    assert problems == {}
