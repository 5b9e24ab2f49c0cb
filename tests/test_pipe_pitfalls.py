"""Pipe pitfalls: the EOF hang, two writers on one end, send() blocking, join before recv."""
import json
import multiprocessing
import os
import pickle
import random
import re
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path

import pytest

from ipcsnippets import load, run

METHODS = multiprocessing.get_all_start_methods()
LINUX = sys.platform.startswith("linux")
CORRUPT = re.compile(r"^after (\d+) intact message\(s\): UnpicklingError: invalid load key, '\\x00'\.$", re.M)


def run_times(name, method, times):
    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(lambda _: run(name, method), range(times)))


def stack_of(result, name):
    return next(s.stack for s in result.stacks if s.name == name)


# --- the EOF hang (pipe_eof_hang) --------------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_eof_hang_prints_ten_greetings_then_the_parent_waits_in_recv_for_ever(method, snippet_run):
    result = snippet_run("pipe_eof_hang", method)
    assert result.outcome == "hangs" and result.duration <= 3.0
    assert result.output.splitlines() == [f"hello #{i} from sender" for i in range(1, 11)]
    main = stack_of(result, "MainProcess")
    assert re.search(r'connection\.py", line \d+ in recv\n', main)
    assert re.search(r"pipe_eof_hang\.py\", line \d+ in main", main)
    # The sender is gone: only the parent (and the interpreter's helpers) are left.
    assert not [s.name for s in result.stacks if s.name == "sender"]
    assert result.leftovers == []


# --- two writers on one end (pipe_two_writers) -----------------------------------------

@pytest.mark.parametrize("method", METHODS)
@pytest.mark.slow
def test_two_writers_on_one_end_corrupt_the_stream_in_3_of_3_runs(method):
    results = run_times("pipe_two_writers", method, 3)
    for r in results:
        assert r.outcome == "completes" and r.leftovers == [], r.output
        assert CORRUPT.search(r.output), r.output
        assert r.output.splitlines()[-1] == "writers stopped"


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.slow
def test_a_one_way_pipe_shared_by_two_writers_breaks_the_same_way_in_3_of_3_runs(method):
    broken = load("pipe_two_writers")
    ctx = multiprocessing.get_context(method)
    for _ in range(3):
        receive_end, send_end = ctx.Pipe(duplex=False)
        start = ctx.Barrier(2)
        writers = [ctx.Process(target=broken.writer, args=(send_end, start)) for _ in range(2)]
        for p in writers:
            p.start()
        send_end.close()
        try:
            with pytest.raises(pickle.UnpicklingError):
                for _ in range(1000):  # the stream breaks long before
                    assert receive_end.recv() == bytes(broken.SIZE)
        finally:
            for p in writers:
                p.terminate()
                p.join(10)
            receive_end.close()


@pytest.mark.skipif(sys.platform == "win32", reason="the POSIX Connection")
def test_send_writes_a_message_of_more_than_16_kib_as_a_header_then_the_data():
    a, b = multiprocessing.Pipe()
    writes = []

    def recording_send(buf):
        writes.append(len(buf))
        Connection._send(a, buf)

    a._send = recording_send
    try:
        a.send_bytes(bytes(16384))
        assert writes == [4 + 16384]  # one write: header and data together
        b.recv_bytes()
        writes.clear()
        a.send_bytes(bytes(16385))
        assert writes == [4, 16385]  # two writes: another writer can get in between
        b.recv_bytes()
    finally:
        a.close()
        b.close()


# --- the fixes ---------------------------------------------------------------------------

INTACT = [f"writer-{i}: 5 of 5 messages intact, in order: [1, 2, 3, 4, 5]" for i in (1, 2)]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("name", ["pipe_writer_per_process", "pipe_lock_around_send"])
@pytest.mark.slow
def test_fix_delivers_every_message_intact_in_3_of_3_runs(name, method, main_runs):
    """Three runs of main() (_runs.py's main_runs) mean it: the unfixed
    program broke in 750 of 750 runs (see the page) and in every run above,
    so a fix that let the corruption through would show in the first."""
    result, outputs = main_runs(name, method, 3)
    assert result.outcome == "completes" and result.leftovers == [], result.output[-3000:]
    assert len(outputs) == 3
    for output in outputs:
        assert output.splitlines()[1:] == INTACT, output


# --- send() blocks (pipe_send_blocks) ----------------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_send_blocks_prints_what_the_page_says(method, snippet_run):
    result = snippet_run("pipe_send_blocks", method)
    assert result.outcome == "completes" and result.leftovers == []
    assert result.output.splitlines() == [
        "65,000 bytes: send() returned, nobody has read yet",
        "65,000 bytes: recv() got 65,000 bytes, send() is done: True",
        "66,000 bytes: send() still blocked after 0.5 s, nobody has read",
        "66,000 bytes: recv() got 66,000 bytes, send() is done: True",
        "child: recv() got 1,000,000 bytes, then join(): exit code 0",
    ]


def _returns_unread(pipe, size, raw=False):
    """Whether send(bytes(size)) returns while nobody reads the other end
    (send_bytes() with raw=True: no pickle)."""
    receive_end, send_end = pipe
    send, recv = (send_end.send_bytes, receive_end.recv_bytes) if raw else (send_end.send, receive_end.recv)
    sending = threading.Thread(target=send, args=(bytes(size),))
    sending.start()
    sending.join(0.5)
    returned = not sending.is_alive()
    try:
        assert len(recv()) == size
        sending.join(10)
        assert not sending.is_alive()
    finally:
        receive_end.close()
        send_end.close()
    return returned


@pytest.mark.skipif(not LINUX, reason="a Linux pipe holds 64 KiB")
def test_a_one_way_pipe_holds_exactly_64_kib():
    # bytes(n) pickles to n + 18 bytes below 64 KiB, and the header adds 4:
    # 65,514 bytes of data make exactly 65,536 bytes in the pipe.
    assert len(ForkingPickler.dumps(bytes(65514))) + 4 == 65536
    assert _returns_unread(multiprocessing.Pipe(duplex=False), 65514) is True
    assert _returns_unread(multiprocessing.Pipe(duplex=False), 65515) is False


@pytest.mark.skipif(not LINUX, reason="Linux socket buffers")
def test_a_duplex_pipe_holds_more_than_a_one_way_pipe_but_far_less_than_1_mb():
    assert _returns_unread(multiprocessing.Pipe(), 66_000) is True
    assert _returns_unread(multiprocessing.Pipe(), 1_000_000) is False


# --- how much each pipe holds (pipe_capacity) -----------------------------------------

CAPACITY = re.compile(r"^(Pipe\(duplex=False\)|Pipe\(\)) +holds a message of ([\d,]+) bytes, unread$", re.M)
# The machine the stored output came from: its socket send buffer (bytes).
STORED_WMEM_DEFAULT = 212_992
STORED = Path(__file__).parent.parent / "docs" / "outputs" / "pipe_capacity.json"


def _capacities(output):
    return {kind: int(size.replace(",", "")) for kind, size in CAPACITY.findall(output)}


def _wmem_default():
    try:
        with open("/proc/sys/net/core/wmem_default") as f:
            return int(f.read())
    except OSError:
        return None


@pytest.mark.skipif(not LINUX, reason="Linux pipe and socket sizes")
def test_pipe_capacity_a_one_way_pipe_holds_16_pages_and_a_socket_pair_over_three_times_that(snippet_run):
    """pipes/pitfalls.md: "A one-way pipe on Linux holds 16 pages, 64 KiB with
    the usual 4 KiB pages: the message above and its 4-byte length fill it
    exactly." and "The duplex `Pipe()` is a socket pair, and it holds more
    than three times as much". The stored output must be what this machine
    prints (when its socket buffer is the one it was stored with)."""
    result = snippet_run("pipe_capacity")
    assert result.outcome == "completes", result.output
    now = _capacities(result.output)
    assert now["Pipe(duplex=False)"] + 4 == 16 * os.sysconf("SC_PAGE_SIZE")
    assert now["Pipe()"] > 3 * now["Pipe(duplex=False)"]
    stored = _capacities(json.loads(STORED.read_text())["runs"]["own"]["output"])
    assert stored["Pipe(duplex=False)"] == 65_532
    if _wmem_default() == STORED_WMEM_DEFAULT and os.sysconf("SC_PAGE_SIZE") == 4096:
        assert now == stored


@pytest.mark.skipif(not LINUX, reason="Linux socket buffers")
def test_the_socket_pairs_capacity_holds_for_a_blocking_send_too():
    """The snippet measures with a non-blocking end; a plain blocking send()
    stops at the same size: one byte more than it found waits for a reader."""
    capacity = load("pipe_capacity").largest_message(True)
    assert _returns_unread(multiprocessing.Pipe(), capacity, raw=True) is True
    assert _returns_unread(multiprocessing.Pipe(), capacity + 1, raw=True) is False


@pytest.mark.skipif(not LINUX, reason="PIPE_BUF is the system's")
def test_pipe_buf_is_4096_bytes_on_linux():
    """pipes/pitfalls.md: "POSIX makes a write to a one-way pipe ... atomic
    only up to `PIPE_BUF` bytes: 4,096 on Linux, 512 on macOS
    (`select.PIPE_BUF` tells yours)." (macOS's 512 is read, not run.)"""
    import select
    assert select.PIPE_BUF == 4096


def test_a_64_mib_message_goes_through_one_send():
    """pipes/pitfalls.md: "the tests send and receive 64 MiB in one `send()`
    without an error" (against the documentation's "about 32 MiB and up
    ... may raise `ValueError`")."""
    receive_end, send_end = multiprocessing.Pipe()
    message = bytes(64 * 2**20)
    sending = threading.Thread(target=send_end.send, args=(message,))
    sending.start()
    try:
        assert receive_end.poll(10)
        assert receive_end.recv() == message
        sending.join(10)
        assert not sending.is_alive()
    finally:
        receive_end.close()
        send_end.close()


def random_writer(conn, seed, start):
    payload = random.Random(seed).randbytes(100_000)
    start.wait(10)
    while True:  # until the test stops it
        conn.send(payload)


@pytest.mark.slow
def test_two_writers_of_random_100_kb_messages_break_the_stream_in_3_of_3_runs():
    """pipes/pitfalls.md: "with random 100 KB messages the tests see the
    stream break in every run"; a message that unpickles to the wrong bytes
    counts as broken too."""
    payloads = {random.Random(seed).randbytes(100_000) for seed in (1, 2)}
    for _ in range(3):
        receive_end, send_end = multiprocessing.Pipe()
        start = multiprocessing.Barrier(2)
        writers = [multiprocessing.Process(target=random_writer, args=(send_end, seed, start)) for seed in (1, 2)]
        for p in writers:
            p.start()
        send_end.close()
        broke = False
        try:
            for _ in range(2000):  # it breaks long before
                assert receive_end.poll(10)
                if receive_end.recv() not in payloads:
                    broke = True
                    break
        except (pickle.UnpicklingError, EOFError, OSError, ValueError, TypeError, AttributeError,
                IndexError, KeyError, MemoryError, OverflowError, UnicodeDecodeError, ImportError):
            broke = True  # whatever the unpickler meets in the other writer's bytes
        finally:
            for p in writers:
                p.terminate()
                p.join(10)
            receive_end.close()
        assert broke


# --- join before recv (pipe_join_before_recv) -----------------------------------------

@pytest.mark.parametrize("method", METHODS)
def test_join_before_recv_deadlocks_parent_in_join_child_in_send(method, snippet_run):
    result = snippet_run("pipe_join_before_recv", method)
    assert result.outcome == "hangs" and result.duration <= 3.0
    assert result.output.splitlines() == ["sender: sending 1,000,000 bytes"]
    assert re.search(r"process\.py\", line \d+ in join\n", stack_of(result, "MainProcess"))
    sender = stack_of(result, "sender")
    assert re.search(r'connection\.py", line \d+ in send\n', sender)
    assert re.search(r"pipe_join_before_recv\.py\", line \d+ in sender", sender)
    assert result.leftovers == []
