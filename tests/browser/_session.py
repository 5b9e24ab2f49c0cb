"""The browser (plain helpers of conftest.py): is there one, and its life.
One Chromium is kept alive while browser tests run back to back
(``BrowserSession``), which notes what it holds open, so that the leak
guards can tell it from what a test left behind."""
from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Dict, Optional, Set

import pytest

from _processes import live_children, open_channels
from _site import LOCAL_HOST

# The one setting that says which browser runs the tests (see conftest.py's
# docstring).
CHROMIUM = Path(os.environ.get("IPCSNIPPETS_CHROMIUM")
                or "/usr/bin/chromium-headless-shell")
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


# --- is there a browser? ------------------------------------------------------

def _why_no_browser() -> Optional[str]:
    if not CHROMIUM.is_file():
        return (f"no browser: {CHROMIUM} is missing (apt-get install chromium-headless-shell, "
                "or set IPCSNIPPETS_CHROMIUM to a Chromium)")
    try:
        importlib.import_module("playwright.sync_api")
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


# --- one browser while browser tests run back to back -------------------------

class BrowserSession:
    """Playwright's driver (a node process, the parent of Chromium) and the browser.

    tests/conftest.py fails a test that leaves a child process or a pipe
    behind, and under pytest-xdist a browser test may be followed by any other
    test on the same worker. So the browser lives only while browser tests
    follow one another: it is closed after the last of a run (see
    pytest_runtest_teardown in conftest.py) and started again if another one
    comes. ``pids`` and ``channels`` are what it holds open meanwhile.
    """

    def __init__(self):
        self._playwright = None
        self._browser = None
        self.pids: Set[int] = set()
        self.channels: Dict[int, str] = {}

    def browser(self):
        if self._browser is None:
            from playwright.sync_api import sync_playwright

            pids, channels = live_children(), open_channels()
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            self.pids = live_children() - pids
            self.channels = {fd: t for fd, t in open_channels().items() if channels.get(fd) != t}
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
