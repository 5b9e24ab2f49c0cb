"""A real browser on the built site: Debian's Chromium, driven by Playwright.

The browser is Debian's chromium-headless-shell: the same Chromium (Blink and
V8, same version as the chromium package) built as the headless shell, the
build Playwright itself runs for headless tests. Without the window-bound
parts of the full browser it costs 29 % less CPU over these tests (18.3 s
against 25.9 s, measured one after the other).

The site is built once per test run (tests/conftest.py's ``built_site``) and
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
"""
from __future__ import annotations

import functools
import gc
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set
from urllib.parse import urlsplit

import pytest

from ipcsnippets import catalog

# The one setting that says which browser runs the tests (see above).
CHROMIUM = Path(os.environ.get("IPCSNIPPETS_CHROMIUM")
                or "/usr/bin/chromium-headless-shell")
LOCAL_HOST = "127.0.0.1"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
    # One renderer process serves every context: 5 % less CPU for the tests.
    "--renderer-process-limit=1", "--disable-site-isolation-trials",
    # No host but ours resolves, so no request can leave the machine. (A
    # Playwright route did this before; it sent every request through Python
    # and cost a page load 15 % more CPU.)
    f"--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE {LOCAL_HOST}",
]
ACTION_TIMEOUT_MS = 10_000  # well under pytest-timeout's 60 s, so a stuck step says which
SEARCH_INDEX = "/search/search_index.json"  # fetched once the reader opens the search
# Material's search worker, started by its script on every page: the last
# request of a page load (docs/.overrides/main.html holds the index's).
SEARCH_WORKER = "/assets/javascripts/workers/search."
HERE = Path(__file__).resolve().parent


# --- is there a browser? ------------------------------------------------------

def _why_no_browser() -> Optional[str]:
    if not CHROMIUM.is_file():
        return (f"no browser: {CHROMIUM} is missing (apt-get install chromium-headless-shell, "
                "or set IPCSNIPPETS_CHROMIUM to a Chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no browser: the playwright package is missing (pip install -e '.[test]')"
    return None


def require_browser():
    reason = _why_no_browser()
    if reason is None:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(reason + " -- CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


# --- the site -----------------------------------------------------------------

def build_site(root: Path, site: Path) -> Path:
    """``mkdocs build --strict`` of the project at ``root`` into ``site``."""
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=root, capture_output=True, text=True, timeout=120,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return site


def copy_project(destination: Path) -> Path:
    """A throw-away copy of what the site is built from."""
    destination.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "snippets", "ipcsnippets"):
        source = catalog.ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, destination / name)
    return destination


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    timeout = 5  # a connection the browser opened but never used ends in time

    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


_SERVER_SOCKETS: Set[str] = set()  # "socket:[inode]" of the servers' connections


class _SiteServer(http.server.ThreadingHTTPServer):
    """Records its sockets: they belong to the site, not to the test that
    happened to make the browser open them (see no_pipe_outlives_the_test)."""

    def server_activate(self):
        super().server_activate()
        _SERVER_SOCKETS.add(_fd_target(self.socket.fileno()))

    def get_request(self):
        connection, address = super().get_request()
        _SERVER_SOCKETS.add(_fd_target(connection.fileno()))
        return connection, address


def _fd_target(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) from a thread; yield its URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _SiteServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def site(built_site) -> Path:
    """The site, built once per test run (conftest.py's shared strict build)."""
    require_browser()
    return built_site


@pytest.fixture(scope="session")
def site_url(site) -> Iterator[str]:
    with serve(site) as url:
        yield url


def url_of(doc: str) -> str:
    """The URL path of a page given relative to docs/: ``queues/race.md`` -> ``queues/race/``."""
    stem = doc[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


# --- one browser while browser tests run back to back -------------------------

def _children() -> Set[int]:
    """Live child processes of this process."""
    me, found = os.getpid(), set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode(errors="replace")
        except OSError:
            continue
        state, ppid = stat[stat.rindex(")") + 2:].split()[:2]
        if int(ppid) == me and state not in ("Z", "X"):
            found.add(int(entry))
    return found


def _channels() -> Dict[int, str]:
    """This process's open pipes and sockets: fd -> what it points to."""
    found = {}
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(("pipe:", "socket:")):
            found[int(fd)] = target
    return found


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "(gone)"


class BrowserSession:
    """Playwright's driver (a node process, the parent of Chromium) and the browser.

    tests/conftest.py fails a test that leaves a child process or a pipe
    behind, and under pytest-xdist a browser test may be followed by any other
    test on the same worker. So the browser lives only while browser tests
    follow one another: it is closed after the last of a run (see
    pytest_runtest_teardown below) and started again if another one comes.
    ``pids`` and ``channels`` are what it holds open meanwhile.
    """

    def __init__(self):
        self._playwright = None
        self._browser = None
        self.pids: Set[int] = set()
        self.channels: Dict[int, str] = {}

    def browser(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            pids, channels = _children(), _channels()
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            self.pids = _children() - pids
            self.channels = {fd: t for fd, t in _channels().items() if channels.get(fd) != t}
        return self._browser

    def close(self):
        try:
            if self._browser is not None:
                self._browser.close()
        finally:
            self._browser = None
            if self._playwright is not None:
                self._playwright.stop()  # ends the driver, and with it the browser
            self._playwright = None
            self.pids, self.channels = set(), {}


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
    before = _children()
    yield
    deadline = time.monotonic() + 2
    while (stray := _children() - before - _SESSION.pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    if stray:
        pytest.fail("the test left processes behind: " + "; ".join(
            f"pid {pid}: {_cmdline(pid)}" for pid in sorted(stray)), pytrace=False)


@pytest.fixture(autouse=True)
def no_pipe_outlives_the_test():
    before = _channels()
    yield
    deadline = time.monotonic() + 2
    while True:
        leaked = {fd: t for fd, t in _channels().items()
                  if before.get(fd) != t and _SESSION.channels.get(fd) != t
                  and t not in _SERVER_SOCKETS}
        if not leaked or time.monotonic() > deadline:
            break
        gc.collect()  # only when something is open: it costs about 25 ms
        time.sleep(0.02)
    if leaked:
        pytest.fail(f"the test left {len(leaked)} pipe(s) or socket(s) open: "
                    + ", ".join(f"fd {fd} -> {t}" for fd, t in sorted(leaked.items())), pytrace=False)


# --- a browser tab that records what a reader's browser does ------------------

class Tab:
    """A page in a fresh browser context, with everything it did recorded.

    Requests to any host but 127.0.0.1 fail (Chromium resolves no other
    host) and are recorded in ``foreign``; ``errors`` holds console errors,
    uncaught exceptions, failed requests and HTTP errors. With
    ``cold_cache``, nothing comes from the browser's cache, as on a reader's
    first visit.
    """

    def __init__(self, browser, base_url: str, cold_cache: bool = False):
        self.base_url = base_url
        self.context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        self.context.set_default_timeout(ACTION_TIMEOUT_MS)
        self.foreign: List[str] = []
        self.errors: List[str] = []
        self.finished = []
        self.pending: Set = set()  # requests made and not yet finished or failed
        self.page = self.context.new_page()
        if cold_cache:
            devtools = self.context.new_cdp_session(self.page)
            devtools.send("Network.enable")
            devtools.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.page.on("console", self._on_console)
        self.page.on("pageerror", lambda error: self.errors.append(f"uncaught exception: {error}"))
        self.page.on("request", self._on_request)
        self.page.on("requestfailed", self._on_failed)
        self.page.on("response", self._on_response)
        self.page.on("requestfinished", self._on_finished)

    @staticmethod
    def _is_foreign(url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname != LOCAL_HOST

    def _on_request(self, request):
        self.pending.add(request)
        if self._is_foreign(request.url):
            self.foreign.append(request.url)

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append(f"console error: {message.text}")

    def _on_finished(self, request):
        self.pending.discard(request)
        self.finished.append(request)

    def _on_failed(self, request):
        self.pending.discard(request)
        # ERR_ABORTED is a request the browser itself cancelled because the
        # tab navigated on before it finished (the search worker, the
        # favicon): not a fault of the site. A missing file is an HTTP 404
        # (see _on_response); a refused connection is another error.
        if request.failure == "net::ERR_ABORTED":
            return
        if not self._is_foreign(request.url):  # those are in self.foreign
            self.errors.append(f"request failed: {request.url} ({request.failure})")

    def _on_response(self, response):
        if response.status >= 400:
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def open(self, path: str, wait_until: str = "load"):
        """Load ``path`` (relative to the site's root) and wait as told."""
        response = self.page.goto(self.base_url + path, wait_until=wait_until)
        assert response is not None and response.ok, f"{path}: {response and response.status}"
        return self.page

    def open_settled(self, path: str):
        """Load ``path`` and wait until every request it made has ended,
        the late ones included: Material's script starts its search worker
        after the load event. Cheaper than Playwright's "networkidle",
        which waits for half a second of silence after the last request."""
        with self.page.expect_response(lambda response: SEARCH_WORKER in response.url):
            page = self.open(path)
        deadline = time.monotonic() + ACTION_TIMEOUT_MS / 1000
        while self.pending and time.monotonic() < deadline:
            page.wait_for_timeout(20)  # lets Playwright deliver the events that end them
        self.errors += [f"request never ended: {request.url}" for request in self.pending]
        return page

    def forget(self):
        """Start recording afresh (to tell one page's doings from the next's)."""
        self.foreign.clear()
        self.errors.clear()
        self.finished.clear()
        self.pending.clear()

    def bytes_received(self) -> int:
        """Bytes over the wire for what this tab loaded: headers and bodies."""
        total = 0
        for request in self.finished:
            sizes = request.sizes()
            total += sizes["responseHeadersSize"] + sizes["responseBodySize"]
        return total

    def close(self):
        self.context.close()


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
        site = build_site(root, tmp_path / f"site-{len(servers)}")
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

