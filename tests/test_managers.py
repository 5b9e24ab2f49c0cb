"""Manager queues: what the page claims about them, a queue served over TCP, and the cost."""
import json
import multiprocessing
import os
import queue
import re
import socket
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.managers import SyncManager

import pytest

from ipcsnippets import catalog, load, run
from _children import _put, _put_after, _put_from_inbox, _put_then_set, _take_then_crash

METHODS = multiprocessing.get_all_start_methods()
TIMEOUT = 10
PAGE = catalog.DOCS_DIR / "queues" / "managers.md"


def _gone(pid: int) -> bool:
    return not os.path.exists(f"/proc/{pid}")


# --- what a Manager queue is ------------------------------------------------

def test_manager_queue_is_a_real_queue_queue_in_the_server_process():
    assert SyncManager._registry["Queue"][0] is queue.Queue
    with multiprocessing.Manager() as manager:
        q = manager.Queue()
        assert not isinstance(q, queue.Queue)  # here: a proxy
        assert str(q).startswith("<queue.Queue object at ")  # str() runs in the server
        assert manager._process.pid != os.getpid()


@pytest.mark.slow
def test_empty_is_false_right_after_put_in_500_fresh_manager_queues():
    with multiprocessing.Manager() as manager:
        answers = []
        for _ in range(500):
            q = manager.Queue()
            q.put("item")
            answers.append(q.empty())
        assert answers == [False] * 500


def test_a_plain_queue_often_looks_empty_right_after_put_in_200_fresh_tries():
    """The contrast the page draws: put() hands the item to a feeder thread."""
    looked_empty = 0
    for _ in range(200):
        q = multiprocessing.Queue()
        q.put("item")
        looked_empty += q.empty()
        q.get(timeout=TIMEOUT)
        q.close()
        q.join_thread()
    assert looked_empty >= 1


def test_unpicklable_put_raises_typeerror_in_the_caller_and_delivers_nothing():
    with multiprocessing.Manager() as manager:
        q = manager.Queue()
        with pytest.raises(TypeError, match=r"cannot pickle '_thread\.lock' object"):
            q.put(threading.Lock())
        assert q.qsize() == 0
        q.put("still works")  # the connection to the server is intact
        assert q.get(timeout=TIMEOUT) == "still works"


@pytest.mark.slow
def test_the_exceptions_are_the_same_on_python_3_9_to_3_15(python_of, snippet_runs):
    """'the same on every Python from 3.9 to 3.15': 3.11 runs the whole
    suite; the other versions run both programs."""
    jobs = [(name, "fork", python_of(v)) for name in ("manager_queue", "remote_queue")
            for v in ((3, 9), (3, 10), (3, 12), (3, 13), (3, 14), (3, 15))]
    for (name, _, python), r in zip(jobs, snippet_runs(jobs)):
        assert r.outcome == "completes", (python, r.output)
        if name == "manager_queue":
            assert "raised in the caller: TypeError: cannot pickle '_thread.lock' object" in r.output, python
        else:
            assert "refused: AuthenticationError: digest sent was rejected" in r.output, python
            assert "drainer got 100 items; each exactly once: True" in r.output, python


# --- when to use one ----------------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_a_manager_queue_goes_to_pool_workers_a_plain_queue_cannot(method):
    ctx = multiprocessing.get_context(method)
    snippet = load("manager_queue")
    plain = ctx.Queue()
    try:
        with ctx.Manager() as manager, ctx.Pool(2) as pool:
            q = manager.Queue()
            pool.map(snippet.square, [(q, n) for n in (2, 3)], chunksize=1)
            assert sorted(q.get(timeout=TIMEOUT) for _ in range(2)) == [4, 9]
            with pytest.raises(RuntimeError, match="only be shared between processes through inheritance"):
                pool.map(snippet.square, [(plain, 2)])
    finally:
        plain.close()
        plain.join_thread()


@pytest.mark.parametrize("method", METHODS)
def test_a_manager_queue_can_be_handed_to_a_process_after_it_started(method):
    ctx = multiprocessing.get_context(method)
    with ctx.Manager() as manager:
        q = manager.Queue()
        inbox, outbox = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_put_from_inbox, args=(inbox,))
        p.start()
        try:
            outbox.send((q, "sent later"))
            assert q.get(timeout=TIMEOUT) == "sent later"
        finally:
            p.join(TIMEOUT)
        assert p.exitcode == 0


@pytest.mark.parametrize("method", METHODS)
def test_a_child_that_put_a_megabyte_can_be_joined_before_anyone_reads_it(method):
    ctx = multiprocessing.get_context(method)
    with ctx.Manager() as manager:
        q = manager.Queue()
        p = ctx.Process(target=_put, args=(q, b"x" * 1_000_000))
        p.start()
        p.join(TIMEOUT)  # with a multiprocessing.Queue this join would wait for ever
        assert p.exitcode == 0
        # The child's put() returned before it exited: the server holds the item.
        assert q.empty() is False and q.qsize() == 1
        assert len(q.get(timeout=TIMEOUT)) == 1_000_000


@pytest.mark.parametrize("method", METHODS)
def test_a_put_that_returned_first_comes_out_first(method):
    ctx = multiprocessing.get_context(method)
    with ctx.Manager() as manager:
        q = manager.Queue()
        done = ctx.Event()
        # Start the second putter first: only the event orders the two puts.
        second = ctx.Process(target=_put_after, args=(q, "second", done))
        first = ctx.Process(target=_put_then_set, args=(q, "first", done))
        second.start()
        first.start()
        try:
            assert [q.get(timeout=TIMEOUT), q.get(timeout=TIMEOUT)] == ["first", "second"]
        finally:
            for p in (first, second):
                p.join(TIMEOUT)
        assert first.exitcode == second.exitcode == 0


# --- its limits ------------------------------------------------------------------

def test_items_still_queued_are_gone_with_the_server():
    with multiprocessing.Manager() as manager:
        q = manager.Queue()
        q.put("never taken")
    with pytest.raises((OSError, EOFError)):
        q.get(timeout=1)


def test_an_item_taken_by_a_consumer_that_crashes_is_lost():
    with multiprocessing.Manager() as manager:
        q = manager.Queue()
        q.put("the job")
        p = multiprocessing.Process(target=_take_then_crash, args=(q,))
        p.start()
        p.join(TIMEOUT)
        assert p.exitcode == 1
        assert q.qsize() == 0  # no acknowledgement, no redelivery


# --- what it costs ------------------------------------------------------------

def test_the_server_process_runs_during_the_with_block_and_is_gone_after():
    with multiprocessing.Manager() as manager:
        server = manager._process
        assert server in multiprocessing.active_children()
        assert server.name.startswith("SyncManager-")
        assert server.is_alive() and not _gone(server.pid)
    assert server not in multiprocessing.active_children()
    assert _gone(server.pid)


def test_a_manager_queue_is_at_least_twice_as_slow_as_a_plain_queue():
    """Best of 2 calls, each already the best of 5 rounds of 500 items."""
    cost = load("manager_queue_cost")
    managed = plain = 0.0
    for _ in range(2):
        with multiprocessing.Manager() as manager:
            managed = max(managed, cost.items_per_second(manager.Queue()))
        q = multiprocessing.Queue()
        try:
            plain = max(plain, cost.items_per_second(q))
        finally:
            q.close()
            q.join_thread()
    assert plain >= 2 * managed, f"Queue {plain:,.0f}/s, Manager().Queue {managed:,.0f}/s"


def _stored_cost_figures():
    stored = json.loads((catalog.DOCS_DIR / "outputs" / "manager_queue_cost.json").read_text())
    ratios, plain, managed = [], [], []
    for entry in stored["runs"].values():
        out = entry["output"]
        ratios.append(float(re.search(r"was (\d+\.\d) times slower", out).group(1)))
        plain.append(int(re.search(r"multiprocessing\.Queue: +([\d,]+)", out).group(1).replace(",", "")))
        managed.append(int(re.search(r"Manager\(\)\.Queue: +([\d,]+)", out).group(1).replace(",", "")))
    return ratios, plain, managed


def test_the_page_names_the_factor_of_its_output_and_the_bench_figure():
    """managers.md: "The last line of each run above gives the factor for this
    program" and "[the performance page] finds the Manager queue 13 to 15
    times slower for small items": the one figure the site uses, from
    docs/measured/bench.json."""
    from ipcsnippets import perfchart

    ratios, plain, managed = _stored_cost_figures()
    assert len(ratios) == len(plain) == len(managed) >= 1 and min(ratios) >= 2
    text = " ".join(PAGE.read_text().split())
    assert "13 to 15 times slower for small items" in text
    bench = json.loads((catalog.DOCS_DIR / "measured" / "bench.json").read_text())
    for m in perfchart.methods(bench):
        ratio = perfchart.per_s(bench, m, "Queue") / perfchart.per_s(bench, m, "Manager().Queue")
        assert 13 <= round(ratio) <= 15, (m, ratio)


# --- a queue served over TCP ----------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_remote_feeder_delivers_every_item_exactly_once_to_another_client(method):
    remote = load("remote_queue")
    ctx = multiprocessing.get_context(method)
    with remote.QueueManager(address=("127.0.0.1", 0), authkey=remote.AUTHKEY, ctx=ctx) as manager:
        host, port = manager.address
        assert host == "127.0.0.1" and port != 0
        feeder = ctx.Process(target=remote.feed, args=(manager.address,))
        feeder.start()
        feeder.join(TIMEOUT)
        assert feeder.exitcode == 0
        jobs = remote.connect(manager.address, remote.AUTHKEY)  # the test is another client
        got = [jobs.get(timeout=TIMEOUT) for _ in range(remote.ITEMS + 1)]
        assert got == list(range(remote.ITEMS)) + [remote.DONE]
        with pytest.raises(queue.Empty):
            jobs.get(timeout=0.2)  # nothing more: each item came out once
        server = manager._process
    assert _gone(server.pid)


@pytest.mark.slow
def test_remote_snippet_drains_every_item_exactly_once_in_2_runs_per_method(snippet_runs):
    """The catalog's shared run and one more, under each method."""
    with ThreadPoolExecutor(3) as pool:
        fresh = list(pool.map(lambda m: run("remote_queue", m), METHODS))
    for r in fresh + snippet_runs([("remote_queue", m, None) for m in METHODS]):
        assert r.outcome == "completes", r.output
        assert r.output.splitlines() == [
            "serving a queue on 127.0.0.1; port 0 became a free port: True",
            "feeder put 100 items; now the sentinel",
            "drainer got 100 items; each exactly once: True",
            "clients' exit codes: [0, 0]",
            "a wrong authkey is refused: AuthenticationError: digest sent was rejected",
            "server stopped; processes left: []",
        ], r.start_method
        assert r.leftovers == []


def test_a_wrong_authkey_raises_authenticationerror():
    remote = load("remote_queue")
    with remote.QueueManager(address=("127.0.0.1", 0), authkey=remote.AUTHKEY) as manager:
        with pytest.raises(multiprocessing.AuthenticationError, match="digest sent was rejected"):
            remote.connect(manager.address, b"a wrong guess")
        assert remote.connect(manager.address, remote.AUTHKEY).qsize() == 0  # the right key still works


def _relay(upstream, captured, stop):
    """Accept connections on 127.0.0.1 and forward them to upstream,
    recording every byte a client sends."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)

    def pump(src, dst, record):
        try:
            while not stop.is_set():
                try:
                    data = src.recv(65536)
                except socket.timeout:
                    continue
                if not data:
                    break
                if record:
                    captured.append(data)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def accept():
        threads = []
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except socket.timeout:
                continue
            server = socket.create_connection(upstream, timeout=TIMEOUT)
            for s in (client, server):
                s.settimeout(0.1)
            for args in ((client, server, True), (server, client, False)):
                t = threading.Thread(target=pump, args=args, daemon=True)
                t.start()
                threads.append(t)
        for t in threads:
            t.join(TIMEOUT)
        listener.close()

    acceptor = threading.Thread(target=accept, daemon=True)
    acceptor.start()
    return listener.getsockname(), acceptor


def test_the_authkey_never_crosses_the_wire_but_the_items_do_in_plain_bytes():
    remote = load("remote_queue")
    captured, stop = [], threading.Event()
    with remote.QueueManager(address=("127.0.0.1", 0), authkey=remote.AUTHKEY) as manager:
        address, relay = _relay(manager.address, captured, stop)
        try:
            jobs = remote.connect(address, remote.AUTHKEY)
            jobs.put("a private message")
            assert jobs.get(timeout=TIMEOUT) == "a private message"
            del jobs
        finally:
            stop.set()
            relay.join(TIMEOUT)
    sent = b"".join(captured)
    assert b"a private message" in sent
    assert remote.AUTHKEY not in sent
