"""The Redis server of the tests in this folder: one per test session.

Each pytest process that runs a test of this folder (each xdist worker
that gets one) starts its own ``redis-server`` on 127.0.0.1, on a free
port, with persistence off, and stops it at the end of its session; the
server's folder goes with it. Runs that share it use keys of their own
(each snippet names its keys after its process id). Without
``redis-server`` the tests skip, with one line; with CI=true they fail.
"""
import os

import psutil
import pytest

from ipcsnippets import redis_server
from ipcsnippets.redis_server import RedisServer

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def redis_server_of_session():
    """The running [RedisServer][ipcsnippets.redis_server.RedisServer]."""
    if redis_server.executable() is None:
        reason = f"redis-server is not installed ({redis_server.INSTALL_HINT})"
        if IN_CI:
            pytest.fail(reason + " -- CI must test the Redis page", pytrace=False)
        pytest.skip(reason)
    server = RedisServer().start()
    pid, folder = server.process.pid, server.folder
    try:
        yield server
    finally:
        server.stop()
    # The leak guard of the server itself: gone, and its folder with it.
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE, \
        f"redis-server (pid {pid}) outlived the session"
    assert not os.path.exists(folder), f"{folder} outlived the session"


@pytest.fixture(scope="session")
def redis_url(redis_server_of_session) -> str:
    """``redis://127.0.0.1:PORT/0`` of the session's server."""
    return redis_server_of_session.url


@pytest.fixture
def client(redis_url):
    """A redis-py client of the session's server, closed after the test
    (the pipe and socket guard counts its connections)."""
    import redis

    r = redis.Redis.from_url(redis_url, decode_responses=True, socket_timeout=10)
    yield r
    r.close()


@pytest.fixture(scope="session")
def redis_run(shared_once, redis_url):
    """``redis_run(name, method)``: one run of a Redis snippet against the
    session's server, shared by every test that asks about the same run."""
    from ipcsnippets import run
    from ipcsnippets.cases import Case

    def get(name, method=None):
        args = {**Case(name, method).run_args(), "env": {"REDIS_URL": redis_url}}
        return shared_once(f"redis-run-{name}-{method}", lambda: run(**args))

    return get
