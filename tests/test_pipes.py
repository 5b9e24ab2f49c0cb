"""Pipes, the basics: EOF, duplex and one-way ends, poll(), connection.wait()."""
import multiprocessing
import os
import re
import stat
import subprocess
import sys
import time
from multiprocessing.connection import wait

import pytest

from ipcsnippets import load

METHODS = multiprocessing.get_all_start_methods()


@pytest.mark.parametrize("method", METHODS)
def test_greetings_arrive_in_order_then_eof(method, snippet_run):
    result = snippet_run("pipe_greetings", method)
    lines = result.output.splitlines()
    assert lines[:10] == [f"hello #{i} from sender" for i in range(1, 11)]
    assert lines[10:] == ["the sender is done"]


@pytest.mark.parametrize("method", METHODS)
def test_parent_that_keeps_its_copy_of_the_child_end_sees_no_eof(method):
    greetings = load("pipe_greetings")
    ctx = multiprocessing.get_context(method)
    parent_end, child_end = ctx.Pipe()
    p = ctx.Process(target=greetings.sender, args=(child_end,))
    p.start()
    try:
        received = []
        while parent_end.poll(5):
            received.append(parent_end.recv())
            if len(received) == 10:
                break
        p.join(10)
        assert p.exitcode == 0 and len(received) == 10
        # The sender is gone, yet there is no EOF: our own copy keeps the pipe open.
        assert parent_end.poll(0.2) is False
        child_end.close()
        assert parent_end.poll(5) is True
        with pytest.raises(EOFError):
            parent_end.recv()
    finally:
        p.join(1)
        if p.is_alive():
            p.kill()
            p.join()


# --- duplex and one-way (pipe_duplex) -----------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_duplex_ping_pong_and_one_way_ends_print_what_the_page_says(method, snippet_run):
    result = snippet_run("pipe_duplex", method)
    assert result.outcome == "completes" and result.leftovers == []
    assert result.output.splitlines() == [
        "sent 'ping 1', received 'pong 1'",
        "sent 'ping 2', received 'pong 2'",
        "sent 'ping 3', received 'pong 3'",
        "ponger exit code: 0",
        "receive_end: readable=True, writable=False",
        "send_end: readable=False, writable=True",
        "receive_end.recv(): 'through the one-way pipe'",
        "receive_end.send(...): OSError: connection is read-only",
        "send_end.recv(): OSError: connection is write-only",
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX: a socket pair and an os.pipe")
def test_duplex_pipe_is_a_socket_pair_and_a_one_way_pipe_is_an_os_pipe():
    a, b = multiprocessing.Pipe()
    r, w = multiprocessing.Pipe(duplex=False)
    try:
        assert all(stat.S_ISSOCK(os.fstat(c.fileno()).st_mode) for c in (a, b))
        assert all(stat.S_ISFIFO(os.fstat(c.fileno()).st_mode) for c in (r, w))
        # Both ends of the duplex pipe send and receive.
        a.send("to b")
        b.send("to a")
        assert (b.recv(), a.recv()) == ("to b", "to a")
    finally:
        for c in (a, b, r, w):
            c.close()


def test_one_way_pipe_returns_the_receive_end_first_and_each_end_refuses_the_other_direction():
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    try:
        assert (receive_end.readable, receive_end.writable) == (True, False)
        assert (send_end.readable, send_end.writable) == (False, True)
        with pytest.raises(OSError) as sending:
            receive_end.send("x")
        assert type(sending.value) is OSError and str(sending.value) == "connection is read-only"
        with pytest.raises(OSError) as receiving:
            send_end.recv()
        assert type(receiving.value) is OSError and str(receiving.value) == "connection is write-only"
    finally:
        receive_end.close()
        send_end.close()


WRONG_WAY_PROBE = """
import multiprocessing
r, w = multiprocessing.Pipe(duplex=False)
for call in (lambda: r.send(1), w.recv):
    try:
        call()
    except OSError as exc:
        print(type(exc).__name__, exc)
"""


@pytest.mark.slow
def test_the_wrong_way_messages_are_the_same_on_every_python_from_3_9(interpreters, python_of):
    """'the same on every Python from 3.9 to 3.15'"""
    python_of((3, 9)), python_of((3, 15))  # the oldest and the newest must be here
    for version, path in sorted({i.minor: i.path for i in interpreters}.items()):
        done = subprocess.run([path, "-c", WRONG_WAY_PROBE], capture_output=True, text=True, timeout=30)
        assert done.stdout.splitlines() == [
            "OSError connection is read-only",
            "OSError connection is write-only",
        ], (version, done.stderr)


@pytest.mark.skipif("fork" not in METHODS, reason="fork children inherit every descriptor")
def test_under_fork_a_child_reading_until_eof_keeps_the_parents_end_open_itself():
    """Why pipe_duplex stops its child with STOP and not with EOF."""
    duplex = load("pipe_duplex")
    results = {}
    for method in METHODS:
        ctx = multiprocessing.get_context(method)
        parent_end, child_end = ctx.Pipe()
        p = ctx.Process(target=duplex.ponger, args=(child_end,))
        p.start()
        child_end.close()
        parent_end.send("ping")
        assert parent_end.poll(10) and parent_end.recv() == "pong"
        parent_end.close()  # no STOP: the child can only end on EOFError
        # A fork child never sees EOF, so a second shows it waiting on; a
        # spawn child must end, and on a loaded machine may take more than
        # one second to (a soak run failed so on join(1.0)).
        p.join(1.0 if method == "fork" else 10)
        results[method] = p.exitcode
        if p.is_alive():
            p.kill()
        p.join(5)
    # fork: the child holds an inherited copy of parent_end: no EOF, it waits on.
    # spawn, forkserver: its recv() raises EOFError (exit code 1, a traceback).
    assert results == {m: None if m == "fork" else 1 for m in METHODS}


# --- poll (pipe_poll) ----------------------------------------------------------

def test_poll_without_timeout_returns_at_once_and_with_a_timeout_waits_that_long():
    receive_end, send_end = multiprocessing.Pipe()
    try:
        started = time.monotonic()
        assert receive_end.poll() is False
        # Any wait at all would be a timeout's. A busy machine can stall a
        # process for 0.2 s (seen on CI), so the bound is short of poll(0.3).
        assert time.monotonic() - started < 0.25
        started = time.monotonic()
        assert receive_end.poll(0.3) is False
        waited = time.monotonic() - started
        assert 0.3 <= waited < 2.0
    finally:
        receive_end.close()
        send_end.close()


@pytest.mark.parametrize("method", METHODS)
def test_poll_none_waits_until_the_child_sends(method):
    polling = load("pipe_poll")
    ctx = multiprocessing.get_context(method)
    parent_end, child_end = ctx.Pipe()
    go = ctx.Event()
    p = ctx.Process(target=polling.late_sender, args=(child_end, go))
    p.start()
    try:
        child_end.close()
        assert parent_end.poll(0.3) is False  # the child waits for go
        started = time.monotonic()  # before the set: the child's DELAY starts after it
        go.set()
        assert parent_end.poll(None) is True
        assert time.monotonic() - started >= polling.DELAY
        assert parent_end.recv() == "finally some data"
        # At EOF poll() is True too: the next recv() raises EOFError.
        assert parent_end.poll(10) is True
        with pytest.raises(EOFError):
            parent_end.recv()
    finally:
        p.join(10)
        if p.is_alive():
            p.kill()
            p.join()
        parent_end.close()


@pytest.mark.parametrize("method", METHODS)
def test_pipe_poll_prints_the_measured_waits(method, snippet_run):
    result = snippet_run("pipe_poll", method)
    assert result.outcome == "completes"
    waits = dict(re.findall(r"^(\S+) +-> .* after (\d+\.\d) s$", result.output, re.M))
    # poll() and recv() do not wait; poll(0.3) waits its 0.3 s and returns
    # False. Above the lower bounds, a busy machine adds its own delay.
    assert float(waits["poll()"]) < 0.3 and float(waits["recv()"]) < 0.3
    assert float(waits["poll(0.3)"]) >= 0.3
    assert "poll(None)" in waits and "-> True" in result.output


# --- connection.wait() (connection_wait) ----------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_wait_hands_over_every_result_once_and_each_eof_once(method, snippet_run):
    result = snippet_run("connection_wait", method)
    assert result.outcome == "completes" and result.leftovers == []
    lines = result.output.splitlines()
    assert len(lines) == 12
    for name in ("worker-1", "worker-2", "worker-3"):
        own = [line for line in lines if line.startswith(name)]
        # Each worker's results in its own order, then its EOF, exactly once.
        assert own == [f"{name}: result {n}" for n in (1, 2, 3)] + [f"{name} is done"]


def test_wait_reports_an_end_at_eof_as_ready():
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    other_receive, other_send = multiprocessing.Pipe(duplex=False)
    try:
        assert wait([receive_end, other_receive], timeout=0.1) == []
        send_end.close()
        assert wait([receive_end, other_receive], timeout=10) == [receive_end]
        with pytest.raises(EOFError):
            receive_end.recv()
    finally:
        for c in (receive_end, other_receive, other_send):
            c.close()
