"""The search box finds a name and leads to the pages whose programs use it.

Which pages are right comes from the catalog (every program that uses the
name, and the page that shows it), not from page text that may change.
"""
from urllib.parse import urlsplit

import pytest

from ipcsnippets import catalog

pytestmark = pytest.mark.slow  # `make test-slow`: the browser beyond axe

SEARCH_INDEX = "/search/search_index.json"

TERMS = ("JoinableQueue", "forkserver")
RESULT_LINKS = "li.md-search-result__item a.md-search-result__link"
# The search worker downloads the index and builds it before the first answer:
# a few seconds on a busy machine.
INDEX_READY_MS = 30_000


def pages_whose_programs_use(term: str):
    return sorted({s.page for s in catalog.CATALOG.values() if term in s.path.read_text()})


def search(page, term: str) -> list:
    """Type ``term`` into the search box; return every result link (pages and
    their sections), once Material has rendered them all (ten at first, more
    as the reader scrolls)."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill(term[:-1])  # Material searches on each key released: one search only,
    box.press(term[-1])  # for the whole word, not one for each prefix
    page.wait_for_function(  # the results are those of the whole word (?h=word)
        """word => [...document.querySelectorAll('a.md-search-result__link')]
            .some(a => new URL(a.href).searchParams.get('h') === word)""", arg=term.lower(),
        timeout=INDEX_READY_MS)
    meta = page.locator(".md-search-result__meta")
    page.wait_for_function("() => /^\\d+ /.test(document.querySelector('.md-search-result__meta').innerText)")
    wanted = int(meta.inner_text().split()[0])
    items = page.locator("li.md-search-result__item")
    while (shown := items.count()) < wanted:  # scroll the results to their end: four more come
        # Material adds results on a scroll that reaches the end; a list already
        # scrolled to its end must move away first, as a reader's wheel does.
        page.evaluate("""async () => {
            const w = document.querySelector('.md-search__scrollwrap');
            const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
            w.scrollTop = 0; await frame(); w.scrollTop = w.scrollHeight; }""")
        page.wait_for_function("n => document.querySelectorAll('li.md-search-result__item').length > n",
                               arg=shown)
    return page.eval_on_selector_all(RESULT_LINKS, "links => links.map(a => a.href)")


def path_of(href: str) -> str:
    return urlsplit(href).path.lstrip("/")


def search_and_follow(page, term: str, expected: list) -> None:
    """Search ``term``; every page in ``expected`` must be among the results.
    Then click the best-ranked result on one of them that shows the word (a
    section that contains it): the page opens there, the word highlighted
    (search.highlight)."""
    hrefs = search(page, term)
    found = [path_of(href) for href in hrefs]
    assert set(expected) <= set(found), (term, found)
    links = page.locator(RESULT_LINKS)
    best = next(i for i, href in enumerate(hrefs)
                if found[i] in expected and f"h={term.lower()}" in href.lower() and links.nth(i).is_visible())
    links.nth(best).click()
    page.wait_for_url(lambda url: path_of(url) == found[best])
    marks = page.locator("mark[data-md-highlight]")
    marks.first.wait_for(state="attached")
    assert term.lower() in marks.first.inner_text().lower()


def test_the_search_index_comes_only_when_the_reader_opens_the_search(new_tab, page_url):
    """Material's script would fetch and parse the whole index on every page
    load; the theme holds that request until the search field takes the
    focus (docs/.overrides/main.html)."""
    tab = new_tab()
    page = tab.open_settled(page_url("queues/race.md"))
    fetched = [r.url for r in tab.finished if r.url.endswith(SEARCH_INDEX)]
    assert fetched == [], "a page load fetched the search index"
    with page.expect_response(lambda response: response.url.endswith(SEARCH_INDEX)) as index:
        page.locator("input.md-search__input").click()
    assert index.value.ok
    assert not tab.errors and not tab.foreign


def test_search_finds_the_pages_whose_programs_use_each_term(new_tab, page_url):
    """A reader searches from the home page, follows a result, and searches
    again from there: each term once (every search loads and builds the index
    in the browser, about a second of CPU per page)."""
    tab = new_tab()
    page = tab.open("")
    for term in TERMS:
        expected = [page_url(doc) for doc in pages_whose_programs_use(term)]
        assert expected, f"no program in the catalog uses {term}"
        search_and_follow(page, term, expected)
    assert not tab.errors and not tab.foreign
