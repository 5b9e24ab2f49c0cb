"""A browser tab that records what a reader's browser does (a plain helper
of conftest.py, whose fixtures open it)."""
from __future__ import annotations

import time
from typing import List, Set
from urllib.parse import urlsplit

from _site import LOCAL_HOST

ACTION_TIMEOUT_MS = 10_000  # well under pytest-timeout's 60 s, so a stuck step says which
# Material's search worker, started by its script on every page: the last
# request of a page load (docs/.overrides/main.html holds the index's).
SEARCH_WORKER = "/assets/javascripts/workers/search."
COPY_BUTTON = 'pre > nav > button[data-md-type="copy"]'  # Material's, in a mounted block
# Resolves once two frames have passed: the browser has styled, laid out and
# painted what changed before, and the page's observers have seen it.
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Material mounts a code block (its copy button, its annotations) when the
# block first comes into view (content.lazy in mkdocs.yml), and checks
# whether it scrolls sideways (then a keyboard can focus it) each time its
# size changes; the browser lays out a block out of view only when it comes
# near (content-visibility in theme.css). Brings each shown block into view
# in turn, as a reader scrolling down the page would, lets two frames pass
# (the browser lays it out, Material sees its size), waits for its button,
# and scrolls back to the top; returns the first line of each block that got
# none. A block hidden in a closed note or a tab not chosen is mounted when
# a reader opens it, not here.
SHOW_EVERY_BLOCK = """async (timeoutMs) => {
    const missing = [];
    const frame = () => new Promise(done => requestAnimationFrame(done));
    for (const code of document.querySelectorAll("pre > code")) {
        if (!code.checkVisibility()) continue;
        code.scrollIntoView({block: "center"});
        await frame();
        await frame();
        const deadline = performance.now() + timeoutMs;
        const button = () => code.parentElement.querySelector(":scope > nav > button[data-md-type='copy']");
        while (!button() && performance.now() < deadline) {
            await frame();
        }
        if (!button()) missing.push(code.innerText.split("\\n")[0].slice(0, 60));
    }
    window.scrollTo(0, 0);
    return missing;
}"""


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

    def show_every_block(self, timeout_ms: int = 5_000) -> List[str]:
        """Bring every shown code block into view (Material mounts it then);
        the first lines of the blocks that got no copy button."""
        return self.page.evaluate(SHOW_EVERY_BLOCK, timeout_ms)

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
