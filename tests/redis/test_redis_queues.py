"""The Redis page (docs/queues/redis.md): what it claims, run against a real server."""
import os
import re
import socket
import time

import pytest
import redis

from ipcsnippets import catalog, load, run, runner
from ipcsnippets.cases import cases
from ipcsnippets.redis_server import RedisServer, RedisServerError

pytestmark = pytest.mark.slow  # `make test-slow`: a Redis server for every run

PAGE = catalog.DOCS_DIR / "queues" / "redis.md"
REDIS_CASES = [case for case in cases() if case.snippet.needs]


def test_the_redis_snippets_are_the_ones_that_need_redis():
    assert {c.name for c in REDIS_CASES} == {n for n in catalog.names() if n.startswith("redis_")}
    assert all(catalog.get(c.name).page == "queues/redis.md" for c in REDIS_CASES)


@pytest.mark.parametrize("case", [pytest.param(c, id=f"{c.name}-{c.method}") for c in REDIS_CASES])
def test_redis_snippet_behaves_as_catalogued(case, redis_run):
    result = redis_run(case.name, case.method)
    assert result.problems(case.expect()) == [], result.output[-3000:]


# --- the server -------------------------------------------------------------

def test_the_session_server_is_on_loopback_with_persistence_off(client, redis_server_of_session):
    assert redis_server_of_session.url.startswith("redis://127.0.0.1:")
    assert client.config_get("bind")["bind"] == "127.0.0.1"
    assert client.config_get("save")["save"] == ""
    assert client.config_get("appendonly")["appendonly"] == "no"
    assert client.config_get("dir")["dir"] == redis_server_of_session.folder


def test_a_server_stops_and_leaves_nothing_behind():
    server = RedisServer().start()
    pid, folder = server.process.pid, server.folder
    assert redis.Redis.from_url(server.url).close() is None
    server.stop()
    server.stop()  # twice is fine
    assert runner._reaper.alive(pid) is False
    assert not __import__("os").path.exists(folder)
    with pytest.raises(RedisServerError, match="not running"):
        server.url


def test_without_redis_server_the_error_is_one_line(monkeypatch):
    monkeypatch.setattr("ipcsnippets.redis_server.executable", lambda: None)
    with pytest.raises(RedisServerError) as error:
        RedisServer().start()
    assert str(error.value) == "redis-server is not installed (Debian, Ubuntu: apt-get install redis-server)"


def test_the_runner_gives_a_run_a_server_of_its_own_and_stops_it():
    result = run("redis_blpop_lost", "fork")  # no REDIS_URL given
    assert result.exit_code == 0, result.output
    assert "never consumed: 1 [0]" in result.output
    # the no_process_outlives_the_test guard checks that its server is gone


def test_a_python_without_redis_py_is_refused_in_one_line(python_of):
    python = python_of((3, 9))
    if runner.can_import(python, "redis"):
        pytest.skip(f"{python} can import redis")
    with pytest.raises(runner.RunnerError) as error:
        run("redis_sentinel", "fork", python=python)
    assert str(error.value) == (f"snippet 'redis_sentinel' needs redis, which {python} cannot import "
                                "(pip install redis)")


# --- bad input: no server, a bad address ------------------------------------------

def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_no_server_gives_one_clear_line_and_exit_status_1():
    port = _closed_port()
    url = f"redis://127.0.0.1:{port}/0"
    result = run("redis_sentinel", "fork", env={"REDIS_URL": url})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"cannot use the Redis server at {url}: Error 111 connecting to 127.0.0.1:{port}. Connection refused."]


def test_every_redis_snippet_connects_through_the_same_clear_error():
    """Each one reads REDIS_URL with a loopback default and exits with one
    line when the server cannot be used (the test above runs one of them)."""
    for name in {c.name for c in REDIS_CASES}:
        source = catalog.get(name).path.read_text()
        assert 'URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")' in source, name
        assert 'sys.exit(f"cannot use the Redis server at {url}: {exc}")' in source, name


def test_a_bad_address_gives_one_clear_line_and_exit_status_1():
    result = run("redis_sentinel", "fork", env={"REDIS_URL": "localhost:6379"})
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "cannot use the Redis server at localhost:6379: Redis URL must specify one of the following "
        "schemes (redis://, rediss://, unix://)"]


# --- the list: LLEN, LPOP, BLPOP ------------------------------------------------

def test_llen_says_now_not_later_and_lpop_on_an_empty_list_returns_none_at_once(client):
    key = "test:llen"
    assert client.llen(key) == 0
    started = time.monotonic()
    assert client.lpop(key) is None
    assert time.monotonic() - started < 1
    client.rpush(key, "job")  # the producer, a moment later
    assert client.llen(key) == 1
    client.delete(key)


def test_blpop_returns_none_when_its_timeout_runs_out(client):
    started = time.monotonic()
    assert client.blpop(["test:never"], timeout=1) is None
    assert 0.9 <= time.monotonic() - started < 5


def test_blpop_with_timeout_0_waits_past_any_limit(redis_url):
    """'a timeout of 0 waits for ever': still waiting when the socket's own
    timeout of 1.5 s ends the call."""
    r = redis.Redis.from_url(redis_url, socket_timeout=1.5, retry_on_timeout=False)
    try:
        started = time.monotonic()
        with pytest.raises(redis.exceptions.TimeoutError):
            r.blpop(["test:never"], timeout=0)
        assert time.monotonic() - started >= 1.4
    finally:
        r.close()


def test_the_llen_consumers_stop_at_once_and_leave_every_job(redis_run):
    for method in ("fork", "spawn", "forkserver"):
        out = redis_run("redis_llen_trap", method).output
        consumed = int(re.search(r"consumed (\d+) of 20 jobs; never consumed: (\d+)", out).group(1))
        assert consumed + int(re.search(r"never consumed: (\d+)", out).group(1)) == 20
        assert consumed < 20


# --- the stream: nothing lost, at least once -------------------------------------

def _rounds(output):
    return re.findall(r"^round \d+: c0 did (\d+) jobs, (then was killed|finished before the kill); "
                      r"c1 took over (\d+); lost: (\d+); done twice: \[([\d, ]*)\]; results right: (\w+)$",
                      output, re.M)


def test_nothing_lost_in_every_round_with_a_consumer_killed_at_random(redis_run):
    """Five rounds: a consumer is sent SIGKILL in each; no job is lost and
    every result is right (the stored stress runs repeat it many times)."""
    rounds = _rounds(redis_run("redis_stream_reliable", "own").output)
    assert len(rounds) == 5
    assert all(r[3] == "0" and r[5] == "True" for r in rounds)
    killed = [r for r in rounds if r[1] == "then was killed"]
    assert len(killed) >= 2, rounds  # the kill mostly lands while c0 works


def test_a_job_done_before_its_xack_is_done_again_by_the_other_consumer(redis_url, client):
    """At least once, shown without chance: c0 does the job and dies before
    XACK; c1 takes the entry over with XAUTOCLAIM and does it again, and
    the stored result is the same."""
    program = load("redis_stream_reliable")
    keys = {k: f"test:{k}" for k in ("stream", "results", "log", "claims")}
    client.delete(*keys.values())
    client.xgroup_create(keys["stream"], program.GROUP, id="0", mkstream=True)
    client.xadd(keys["stream"], {"job": 7})
    [(_, [(entry_id, fields)])] = client.xreadgroup(program.GROUP, "c0", {keys["stream"]: ">"}, count=1)
    program.do(client, keys, "c0", fields["job"])  # the work, and no XACK: c0 "dies" here
    assert client.xpending(keys["stream"], program.GROUP)["pending"] == 1
    assert client.xautoclaim(keys["stream"], program.GROUP, "c1", program.IDLE_MS)[1] == []  # not idle yet
    time.sleep(program.IDLE_MS / 1000 + 0.05)
    _, claimed, *_ = client.xautoclaim(keys["stream"], program.GROUP, "c1", program.IDLE_MS)
    assert claimed == [(entry_id, {"job": "7"})]
    program.handle(client, keys, "c1", claimed)
    assert client.lrange(keys["log"], 0, -1) == ["c0 7", "c1 7"]  # done twice
    assert client.hgetall(keys["results"]) == {"7": "49"}  # the same result
    assert client.xpending(keys["stream"], program.GROUP)["pending"] == 0
    client.delete(*keys.values())


def test_blpop_loses_the_job_a_killed_consumer_held(redis_run):
    for method in ("fork", "spawn", "forkserver"):
        out = redis_run("redis_blpop_lost", method).output
        assert "a consumer took job 0 and was killed (exit code -9)" in out
        assert "never consumed: 1 [0]" in out


# --- the measured tables on the page ------------------------------------------

def test_the_measured_tables_are_current_and_on_the_page():
    from ipcsnippets import fragments

    assert fragments.check(["redis-bench"]) == []
    text = PAGE.read_text()
    assert '--8<-- "docs/measured/redis_rates.md"' in text
    assert '--8<-- "docs/measured/redis_loss_rates.md"' in text


def test_page_claim_no_stress_run_lost_a_job():
    """'No run lost a job': the stored stress runs of the stream program."""
    import json

    from ipcsnippets.commands import stress

    stored = json.loads(stress.paths("redis_loss_rates")[0].read_text())
    [m] = stored["snippets"]
    assert m["snippet"] == "redis_stream_reliable"
    for method, t in m["methods"].items():
        assert t["runs"] >= 200, method
        assert (t["completed"], t["lost_items"], t["disagree"]) == (t["runs"], 0, 0), method


def test_page_claim_a_round_trip_per_item_sets_the_pace_and_pipelining_moves_many_times_more():
    """'fewer items per second than one round trip allows, and far fewer
    than a multiprocessing.Queue'; 'pipelining ... moves many times more':
    in every stored run."""
    import json

    from ipcsnippets.commands import redis_bench

    stored = json.loads(redis_bench.JSON_PATH.read_text())
    assert len(stored["runs"]) >= 5
    for run in stored["runs"]:
        rates = run["rates"]
        per_item = rates["Redis list, one command per item"]
        assert per_item < 1e6 / run["round_trip_us"]
        assert per_item * 3 < rates["multiprocessing.Queue, one item per put()"]
        assert per_item * 3 < rates["Redis list, pipelines of 100 commands"]


def test_the_bench_reads_the_figures_a_run_prints(redis_run):
    from ipcsnippets.commands import redis_bench

    found = redis_bench.figures(redis_run("redis_throughput", "own").output)
    assert found["round_trip_us"] > 0
    assert set(found["rates"]) == {"multiprocessing.Queue, one item per put()", "Redis list, one command per item",
                                   "Redis list, pipelines of 100 commands"}
    with pytest.raises(ValueError, match="printed no figures"):
        redis_bench.figures("cannot use the Redis server at x: y\n")


# --- where the matrix and the outputs run them ------------------------------------

def test_the_matrix_runs_a_redis_snippet_only_where_redis_py_imports():
    from ipcsnippets import matrix

    plain = matrix.Interpreter(path="/opt/python3.15", version=(3, 15, 2))
    [venv] = matrix.environment()  # make installs redis-py in .venv
    assert venv.found == "venv" and venv.modules == ("redis",) and venv.label.endswith(" venv")
    sentinel, plain_snippet = catalog.get("redis_sentinel"), catalog.get("pipe_greetings")
    assert matrix.columns(sentinel, plain) == ()
    assert set(matrix.columns(sentinel, venv)) >= {"fork", "spawn", "forkserver"}
    assert matrix.columns(plain_snippet, venv) == ()  # the base interpreter runs those
    assert matrix.columns(plain_snippet, plain) != ()


def test_the_matrix_page_says_which_snippets_need_redis_and_where_they_ran():
    from ipcsnippets import matrix

    venv = matrix.Interpreter(path="/w/.venv/bin/python", version=(3, 11, 7), found="venv", modules=("redis",))
    cell = matrix.Cell(python=venv.label, path=venv.path, snippet="redis_sentinel", method="fork",
                       outcome="completes", result="completed (exit status 0)", expected="completes",
                       expect_key="*", problems=[], duration=0.5)
    stored = {
        "command": matrix.COMMAND, "date": "2026-01-01", "platform": "Linux", "cpu_count": 2,
        "load_average_before": None, "jobs": 4, "hang_limit_s": None, "wall_seconds": 1.0,
        "interpreters": [vars(venv)],
        "snippets": {"redis_sentinel": {"page": "queues/redis.md", "title": "t", "source_sha256": "0",
                                        "expect": {}, "needs": ["redis"]}},
        "cells": [vars(cell)],
    }
    md = matrix.render(stored)
    assert "(`redis_sentinel`: redis-py and a Redis server, started for each run) ran only where that package " \
           "can be imported: on 3.11.7 venv." in md
    assert "| 3.11.7 venv (the project's .venv, with redis) | ✅ [1 of 1 as catalogued](#by-snippet) |" in md


def test_outputs_of_the_redis_snippets_come_from_an_interpreter_with_redis_py():
    import json

    from ipcsnippets import outputs

    for name in {c.name for c in REDIS_CASES}:
        stored = json.loads((outputs.OUTPUTS_DIR / f"{name}.json").read_text())
        assert stored["python"].endswith(" venv"), (name, stored["python"])
    assert outputs.check([c.name for c in REDIS_CASES]) == []


@pytest.mark.parametrize("ci, outcome", [("", "1 skipped"), ("true", "1 error")], ids=["local", "ci"])
def test_without_redis_server_the_tests_skip_in_one_line_and_fail_under_ci(tmp_path, ci, outcome):
    """What the folder's conftest promises: without redis-server on PATH, a
    test that needs the server skips, with one line naming the package; with
    CI=true it fails instead, so CI cannot pass the Redis page by accident."""
    import subprocess
    import sys

    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep)
                           if not os.path.exists(os.path.join(p, "redis-server")))
    test = "tests/redis/test_redis_queues.py::test_the_session_server_is_on_loopback_with_persistence_off"
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rsE", "-n", "0", "-p", "no:cacheprovider", test],
        cwd=catalog.ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "PATH": path, "CI": ci})
    assert outcome in done.stdout, done.stdout[-2000:]
    reason = "redis-server is not installed (apt-get install redis-server)"
    assert reason in done.stdout, done.stdout[-2000:]
    if ci:
        assert done.returncode == 1 and "CI must test the Redis page" in done.stdout
    else:
        assert done.returncode == 0
