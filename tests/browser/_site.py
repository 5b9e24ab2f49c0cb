"""The site for the browser tests (plain helpers of conftest.py): a copy of
what it is built from, and a static HTTP server for it on 127.0.0.1. The
build itself is tests/_site_build.py's."""
from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Set

from ipcsnippets import catalog

LOCAL_HOST = "127.0.0.1"


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
    happened to make the browser open them (see no_pipe_outlives_the_test
    in conftest.py)."""

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


def url_of(doc: str) -> str:
    """The URL path of a page given relative to docs/: ``queues/race.md`` -> ``queues/race/``."""
    stem = doc[: -len(".md")]
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"
