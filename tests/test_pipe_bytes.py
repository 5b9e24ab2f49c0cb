"""Raw bytes on a Connection (pipes/basics.md): the calls, their limits, the stored gain."""
import ast
import json
import multiprocessing
import pickle
import re

import pytest
from multiprocessing import BufferTooShort

from ipcsnippets import catalog

STORED = catalog.DOCS_DIR / "outputs" / "pipe_send_bytes.json"


def test_the_snippet_prints_what_the_calls_return(snippet_run):
    r = snippet_run("pipe_send_bytes", catalog.OWN)
    assert r.outcome == "completes" and r.leftovers == []
    assert r.output.splitlines()[:5] == [
        "recv_bytes(): b'23456'",
        "recv_bytes_into(): 4 bytes: b'spam'",
        "BufferTooShort: the message was 30 bytes",
        "recv_bytes(maxlength=100): bad message length",
        "receive_end is closed now: True",
    ]


def test_send_is_a_pickle_sent_as_bytes_and_each_kind_needs_its_own_reader():
    """basics.md: "send() itself is a pickle sent with send_bytes() [...] So
    a send_bytes() message must be read with recv_bytes() or
    recv_bytes_into(), and a send() message with recv()."""
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    with receive_end, send_end:
        send_end.send({"a": 1})
        assert pickle.loads(receive_end.recv_bytes()) == {"a": 1}  # the pickle, as bytes
        send_end.send_bytes(b"spam")
        with pytest.raises(pickle.UnpicklingError):
            receive_end.recv()


def test_buffer_too_short_keeps_the_whole_message_and_the_end_reads_on():
    """basics.md: "it raises BufferTooShort, and the whole message is in the
    exception's args[0]: nothing is lost."""
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    with receive_end, send_end:
        send_end.send_bytes(b"x" * 30)
        send_end.send_bytes(b"next")
        with pytest.raises(BufferTooShort) as caught:
            receive_end.recv_bytes_into(bytearray(8))
        assert caught.value.args[0] == b"x" * 30
        assert receive_end.recv_bytes() == b"next"


def test_a_message_over_maxlength_ends_reading_on_either_kind_of_end():
    """basics.md: "that end can never receive again: a one-way receive end
    is closed [...] and a duplex end stops being readable."""
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    with receive_end, send_end:
        send_end.send_bytes(b"x" * 1000)
        with pytest.raises(OSError, match="bad message length"):
            receive_end.recv_bytes(maxlength=100)
        assert receive_end.closed
    a, b = multiprocessing.Pipe()
    with a, b:
        b.send_bytes(b"x" * 1000)
        b.send_bytes(b"short")
        with pytest.raises(OSError, match="bad message length"):
            a.recv_bytes(maxlength=100)
        assert not a.closed and a.readable is False and a.writable
        with pytest.raises(OSError, match="write-only"):
            a.recv_bytes()


def _stored_factors():
    output = json.loads(STORED.read_text())["runs"][catalog.OWN]["output"]
    factors = {}
    for block in output.split("\n\n")[1:]:
        label = re.match(r"(.+) per message", block).group(1)
        for way, factor in re.findall(r"^  (\S+) .* x(\d+\.\d\d)$", block, re.M):
            factors[label, way] = float(factor)
    return factors


def test_the_stored_run_says_what_the_page_says_about_it():
    """basics.md: "In the stored run, raw bytes were faster than pickled
    bytes at both sizes, and the gain was larger for 1 MiB messages than
    for small ones" and recv_bytes_into() "in the stored run [...] was
    slower at both sizes"."""
    f = _stored_factors()
    for size in ("100 bytes", "1 MiB"):
        assert f[size, "send/recv"] == 1.0
        assert f[size, "send_bytes/recv_bytes"] > 1.0
        assert f[size, "send_bytes/recv_bytes_into"] < f[size, "send_bytes/recv_bytes"]
    assert f["1 MiB", "send_bytes/recv_bytes"] > f["100 bytes", "send_bytes/recv_bytes"]


# --- the exercise ---------------------------------------------------------------

CITIES = ["Copenhagen", "Oslo", "Helsinki", "Reykjavik"]
SENT = f"sent:     {CITIES}"


def _received(result):
    lines = result.output.splitlines()
    assert lines[0] == SENT, result.output
    assert len(lines) == 2 and lines[1].startswith("received: "), result.output
    return ast.literal_eval(lines[1][len("received: "):])


@pytest.mark.parametrize("method", catalog.get("exercise_raw_bytes_buffer_bug").methods())
def test_a_reused_buffer_read_without_its_length_keeps_the_tail_of_the_longer_name_before(method, snippet_run):
    """basics.md: "`Oslo` lands on top of `Copenhagen`, and the rest of
    `Copenhagen` is still behind it": every message arrives, and each name
    shorter than the one before it comes out with that name's tail."""
    r = snippet_run("exercise_raw_bytes_buffer_bug", method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, [])
    received = _received(r)
    assert received == ["Copenhagen", "Oslonhagen", "Helsinkien", "Reykjavikn"]
    for before, sent, got in zip(received, CITIES[1:], received[1:]):
        assert got == sent + before[len(sent):], (sent, got)  # the new name, then the old tail


def test_recv_bytes_into_writes_only_the_message_and_rstrip_cuts_a_message_ending_in_zeros():
    """basics.md: "`recv_bytes_into()` writes the message at the start of
    the buffer and leaves every byte after it as it was", and stripping
    zeros "would go wrong on the first message too, had that message ended
    in zero bytes of its own"; the length it returns is the message's."""
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    with receive_end, send_end:
        buffer = bytearray(b"-" * 16)
        send_end.send_bytes(b"abc")
        assert receive_end.recv_bytes_into(buffer) == 3
        assert buffer == b"abc" + b"-" * 13
        buffer = bytearray(16)
        send_end.send_bytes(b"data\0\0")
        size = receive_end.recv_bytes_into(buffer)
        assert buffer.rstrip(b"\0") == b"data"  # two bytes of the message lost
        assert buffer[:size] == b"data\0\0"


@pytest.mark.parametrize("method", catalog.get("exercise_raw_bytes_buffer_fixed").methods())
def test_reading_the_returned_length_gives_back_every_name_as_sent(method, snippet_run):
    r = snippet_run("exercise_raw_bytes_buffer_fixed", method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, [])
    assert _received(r) == CITIES
