"""A real browser on the built site: Debian's Chromium, driven by Playwright.

The browser is Debian's chromium-headless-shell: the same Chromium (Blink and
V8, same version as the chromium package) built as the headless shell, the
build Playwright itself runs for headless tests. Without the window-bound
parts of the full browser it costs 29 % less CPU over these tests (18.3 s
against 25.9 s, measured one after the other).

The site is built once per test run (tests/_runs.py's ``built_site``) and
served with http.server on 127.0.0.1 from a thread. The browser tests are
next to each other in file order, and pytest-xdist's worksteal gives each
worker a contiguous share: one or two workers run them, each with one
Chromium. Every test gets a fresh browser context (the page walk shares one
tab), which records what a reader's browser would do and blocks (and
records) any request to another host, so no test ever reaches the Internet.

The environment variable IPCSNIPPETS_CHROMIUM names another Chromium build
to drive instead (the GitHub workflow sets it to the Chromium that
`playwright install` downloads there; this machine cannot download one).
Without that browser or the playwright package, the tests skip with a
one-line reason; with CI=true they fail instead, so CI cannot pass them by
accident.

This file holds only the fixtures and hooks (pytest finds them nowhere
else); the plain code is in helper modules, one concern each:

- ``_session.py``: is there a browser (``require_browser``), and its life:
  ``BrowserSession``, one Chromium kept while browser tests run back to back,
  and the process and pipe helpers the leak guards below need.
- ``_site.py``: the site: a throw-away copy of the project, the static HTTP
  server (``serve``), ``url_of``. tests/_site_build.py builds it, for
  ``built_site`` as for ``throwaway_site``.
- ``_tab.py``: ``Tab``, a browser tab that records what a reader's browser
  does.
"""
from __future__ import annotations

import gc
import time
from pathlib import Path
from typing import Dict, Iterator, Optional

import pytest

from _processes import command_of, live_children, open_channels
from _session import BrowserSession, require_browser
from _site import _SERVER_SOCKETS, copy_project, serve, url_of
from _site_build import build_site
from _tab import Tab

HERE = Path(__file__).resolve().parent


# --- the site -----------------------------------------------------------------

@pytest.fixture(scope="session")
def site(built_site) -> Path:
    """The site, built once per test run (_runs.py's shared strict build)."""
    require_browser()
    return built_site


@pytest.fixture(scope="session")
def site_url(site) -> Iterator[str]:
    with serve(site) as url:
        yield url


# --- one browser while browser tests run back to back -------------------------

_SESSION = BrowserSession()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    yield  # the test's fixtures are torn down (and its guards have checked)
    if nextitem is None or HERE not in nextitem.path.parents:
        _SESSION.close()


def pytest_sessionfinish(session, exitstatus):
    _SESSION.close()


# tests/conftest.py's two guards, replaced for the browser tests (same names):
# the browser session's driver and its pipes may stay from one browser test to
# the next, and the site server's connections are the server's; nothing else
# may stay.

@pytest.fixture(autouse=True)
def no_process_outlives_the_test():
    before = live_children()
    yield
    deadline = time.monotonic() + 2
    while (stray := live_children() - before - _SESSION.pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    if stray:
        pytest.fail("the test left processes behind: " + "; ".join(
            f"pid {pid}: {command_of(pid)}" for pid in sorted(stray)), pytrace=False)


@pytest.fixture(autouse=True)
def no_pipe_outlives_the_test():
    before = open_channels()
    yield
    deadline = time.monotonic() + 2
    while True:
        leaked = {fd: t for fd, t in open_channels().items()
                  if before.get(fd) != t and _SESSION.channels.get(fd) != t
                  and t not in _SERVER_SOCKETS}
        if not leaked or time.monotonic() > deadline:
            break
        gc.collect()  # only when something is open: it costs about 25 ms
        time.sleep(0.02)
    if leaked:
        pytest.fail(f"the test left {len(leaked)} pipe(s) or socket(s) open: "
                    + ", ".join(f"fd {fd} -> {t}" for fd, t in sorted(leaked.items())), pytrace=False)


# --- tabs and pages -----------------------------------------------------------

@pytest.fixture
def throwaway_site(tmp_path):
    """``throwaway_site({"extra.md": text})``: build a copy of the project with
    these pages added, serve it, and return its URL."""
    servers = []

    def make(pages: Dict[str, str]) -> str:
        root = copy_project(tmp_path / f"project-{len(servers)}")
        for name, text in pages.items():
            (root / "docs" / name).write_text(text)
        with open(root / "mkdocs.yml", "a") as config:  # no nav entry, on purpose
            config.write("not_in_nav: |\n" + "".join(f"  /{name}\n" for name in pages))
        site = tmp_path / f"site-{len(servers)}"
        done = build_site(root, site, timeout=120)
        assert done.returncode == 0, done.stderr[-3000:]
        servers.append(serve(site))
        return servers[-1].__enter__()

    yield make
    for server in servers:
        server.__exit__(None, None, None)


@pytest.fixture
def page_url():
    """``page_url("queues/race.md")`` -> ``"queues/race/"``: where a page of docs/ is served."""
    return url_of


@pytest.fixture
def browser():
    """The session's Chromium (started on first use)."""
    require_browser()
    return _SESSION.browser()


@pytest.fixture(scope="module")
def module_tab(site_url) -> Iterator[Tab]:
    """One tab for every test of a module, as a reader going from page to
    page, with a cold cache (each page weighed as on a first visit); a test
    calls ``forget()`` before its own page. A fresh context starts a renderer
    process: it doubles the CPU cost of a page. No page load fetches the
    search index: only opening the search does."""
    require_browser()
    tab = Tab(_SESSION.browser(), site_url, cold_cache=True)
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def axe_tab(site_url) -> Iterator[Tab]:
    """One tab for every test of a module, for axe-core: a reader going from
    page to page (warm cache), on a desktop-sized viewport, with no
    transitions (prefers-reduced-motion: Material then has none, so a
    palette switch shows at once). axe-core's script, bundled by
    axe-playwright-python, is in ``tab.axe_script``."""
    require_browser()
    from axe_playwright_python.sync_playwright import Axe

    tab = Tab(_SESSION.browser(), site_url)
    tab.page.emulate_media(reduced_motion="reduce")
    tab.page.set_viewport_size({"width": 1280, "height": 800})
    tab.axe_script = Axe().axe_script
    yield tab
    tab.close()


@pytest.fixture
def new_tab(browser, request):
    """Open fresh tabs: ``new_tab()`` on the built site, ``new_tab(url)`` elsewhere."""
    tabs = []

    def new(base_url: Optional[str] = None) -> Tab:
        tabs.append(Tab(browser, base_url or request.getfixturevalue("site_url")))
        return tabs[-1]

    yield new
    for tab in tabs:
        tab.close()
