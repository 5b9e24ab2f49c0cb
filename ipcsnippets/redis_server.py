"""A Redis server of our own, started the way a user starts one.

The snippets of the Redis page need a real server. [RedisServer][ipcsnippets.redis_server.RedisServer]
starts Debian's ``redis-server`` on 127.0.0.1 on a free port, with
persistence off (nothing is written to disk) and its working folder in a
temporary directory, and stops it again. The runner gives each run of such
a snippet the server's address in ``REDIS_URL``; the test suite starts one
server per session (``tests/redis/conftest.py``).

The server runs in its own session, registered with the runner's watchdog:
if the process that started it dies without stopping it, the watchdog
kills it, as it kills a run's processes.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from typing import Optional

from .runner import RUN_FOLDER_PREFIX, RunnerError, _RUNNING

EXECUTABLE = "redis-server"
ENV = "REDIS_URL"
"""The variable a snippet reads the server's address from."""
INSTALL_HINT = "apt-get install redis-server"


class RedisServerError(RunnerError):
    """The server could not be started (the message is one line)."""


def executable() -> Optional[str]:
    """The path of ``redis-server``, or None when it is not installed."""
    return shutil.which(EXECUTABLE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ping(port: int, timeout: float) -> bool:
    """True when a Redis server answers PING on 127.0.0.1:port (RESP inline command)."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """``redis-server`` on 127.0.0.1, a free port, no persistence.

    Use it as a context manager, or call ``start()`` and ``stop()``::

        with RedisServer() as server:
            print(server.url)  # redis://127.0.0.1:PORT/0

    Raises:
        RedisServerError: ``redis-server`` is not installed, or did not
            answer within ``timeout`` seconds (three tries, each on a new
            free port: another program may take the port between the
            look-up and the bind).
    """

    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout
        self.port: Optional[int] = None
        self.folder: Optional[str] = None
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:PORT/0``."""
        if self.port is None:
            raise RedisServerError("the Redis server is not running")
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        path = executable()
        if path is None:
            raise RedisServerError(f"{EXECUTABLE} is not installed (Debian, Ubuntu: {INSTALL_HINT})")
        self.folder = tempfile.mkdtemp(prefix=f"{RUN_FOLDER_PREFIX}redis-{os.getpid()}-")
        try:
            for _ in range(3):
                if self._try(path, _free_port()):
                    return self
            raise RedisServerError(f"{EXECUTABLE} did not start; its log: {self._log_tail()}")
        except BaseException:
            self.stop()
            raise

    def _try(self, path: str, port: int) -> bool:
        log = os.path.join(self.folder, "redis.log")
        argv = [
            path, "--bind", "127.0.0.1", "--port", str(port),
            "--save", "", "--appendonly", "no",  # persistence off: nothing on disk
            "--dir", self.folder, "--logfile", log, "--daemonize", "no",
        ]
        with _RUNNING.starting() as register:
            self.process = subprocess.Popen(
                argv, cwd=self.folder, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, start_new_session=True)
            register(self.process.pid)
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:  # port taken, or a bad option
                self._reap()
                return False
            if _ping(port, timeout=0.5):
                self.port = port
                return True
            time.sleep(0.01)
        self._reap()
        return False

    def _log_tail(self) -> str:
        try:
            with open(os.path.join(self.folder, "redis.log")) as f:
                lines = [line.strip() for line in f if line.strip()]
            return lines[-1] if lines else "(empty)"
        except OSError:
            return "(none)"

    def _reap(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL) and forget it."""
        proc, self.process, self.port = self.process, None, None
        if proc is None:
            return
        try:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)  # without persistence, it exits at once
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)
        except ProcessLookupError:
            proc.wait(5)
        finally:
            _RUNNING.discard(proc.pid)

    def stop(self) -> None:
        """Stop the server and remove its folder; safe to call twice."""
        self._reap()
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
