"""Listener and Client (pipes/basics.md): the key, what it proves, what it does not."""
import inspect
import multiprocessing
import os
import queue
import re
import socket
import subprocess
import sys
import threading
from multiprocessing.connection import AuthenticationError, Client, Listener
from multiprocessing.reduction import ForkingPickler

import pytest

from ipcsnippets import load
from test_managers import _relay  # records every byte a client sends
from _children import _send_a_call

METHODS = multiprocessing.get_all_start_methods()
TIMEOUT = 10
KEY = b"k" * 32
EXPECTED = [
    "listening on 127.0.0.1",
    "intruder: AuthenticationError: digest sent was rejected",
    "client: 2 squared is 4",
    "client: 3 squared is 9",
]


@pytest.mark.parametrize("method", METHODS)
def test_the_right_key_is_served_and_a_wrong_one_refused_on_both_sides(method, snippet_run):
    """basics.md: "A client with a wrong key is refused on both sides [...]
    The program catches that one exception and serves the next client."""
    r = snippet_run("listener_client", method)
    assert r.outcome == "completes" and r.leftovers == []
    lines = r.output.splitlines()
    assert lines == EXPECTED[:2] + ["server: refused a client: digest received was wrong"] + EXPECTED[2:]


@pytest.mark.slow
def test_the_messages_are_the_same_on_3_9_3_12_and_3_15(python_of, snippet_runs):
    """basics.md: "The messages are the same on every Python from 3.9 to
    3.15, though the handshake changed in 3.12" (3.11 runs above)."""
    jobs = [("listener_client", "fork", python_of(v)) for v in ((3, 9), (3, 12), (3, 15))]
    for (_, _, python), r in zip(jobs, snippet_runs(jobs)):
        assert r.outcome == "completes", (python, r.output)
        assert "server: refused a client: digest received was wrong" in r.output, python
        assert all(line in r.output for line in EXPECTED), python


@pytest.mark.slow
def test_a_3_9_client_passes_the_handshake_of_this_python(python_of):
    """basics.md: "from 3.12 it is SHA-256 by default, with MD5 still
    accepted from an older peer": a 3.9 client, which speaks MD5 only,
    talks to this Python's listener (3.11 here; the snippet runs on 3.15)."""
    with Listener(("127.0.0.1", 0), authkey=KEY) as listener:
        code = ("import sys; from multiprocessing.connection import Client\n"
                f"c = Client({listener.address!r}, authkey={KEY!r}); c.send('from 3.9'); c.recv()")
        child = subprocess.Popen([python_of((3, 9)), "-c", code])
        try:
            box = queue.Queue()
            threading.Thread(target=lambda: box.put(listener.accept()), daemon=True).start()
            conn = box.get(timeout=TIMEOUT)
            assert conn.poll(TIMEOUT) and conn.recv() == "from 3.9"
            conn.send("ok")
            assert child.wait(TIMEOUT) == 0
            conn.close()
        finally:
            if child.poll() is None:
                child.kill()
            child.wait(TIMEOUT)


@pytest.mark.parametrize("authkey", [None, KEY], ids=["no key", "with the key"])
def test_recv_runs_what_the_sender_names_with_or_without_a_key(authkey):
    """basics.md: "A client that knows the key can run code in the server,
    and so can anyone at all if the listener has no key": recv() calls the
    function the sender's pickle names, in the receiving process."""
    with Listener(("127.0.0.1", 0), authkey=authkey) as listener:
        sender = multiprocessing.get_context("spawn").Process(
            target=_send_a_call, args=(listener.address, authkey))
        sender.start()
        try:
            box = queue.Queue()
            threading.Thread(target=lambda: box.put(listener.accept()), daemon=True).start()
            with box.get(timeout=TIMEOUT) as conn:
                assert conn.poll(TIMEOUT)
                assert conn.recv() == os.getpid()  # the call ran here, not in the sender
            sender.join(TIMEOUT)
            assert sender.exitcode == 0
        finally:
            if sender.is_alive():
                sender.kill()
            sender.join(TIMEOUT)


def test_the_key_never_crosses_the_wire_and_the_messages_do_in_plain_bytes():
    """basics.md: "the key itself never crosses the wire" and "After the
    handshake, every message is a plain pickle on the socket"."""
    captured, stop = [], threading.Event()
    with Listener(("127.0.0.1", 0), authkey=KEY) as listener:
        address, relay = _relay(listener.address, captured, stop)
        box = queue.Queue()
        threading.Thread(target=lambda: box.put(listener.accept()), daemon=True).start()
        try:
            with Client(address, authkey=KEY) as client:
                with box.get(timeout=TIMEOUT) as conn:
                    client.send("a private message")
                    assert conn.poll(TIMEOUT) and conn.recv() == "a private message"
        finally:
            stop.set()
            relay.join(TIMEOUT)
    sent = b"".join(captured)
    assert b"a private message" in sent and KEY not in sent


def test_a_silent_client_holds_accept_and_one_that_leaves_makes_it_raise(monkeypatch):
    """basics.md: "A client that connects and sends nothing keeps accept(),
    and so this server, waiting until it leaves; one that leaves half-way
    makes accept() raise EOFError or ConnectionResetError." With the
    snippet's own accept_into(); this client leaves the challenge unread,
    so its socket closes with a reset."""
    snippet = load("listener_client")
    monkeypatch.setattr(snippet, "TIMEOUT", 1)
    with Listener(("127.0.0.1", 0), authkey=KEY) as listener:
        silent = socket.create_connection(listener.address, timeout=TIMEOUT)
        box = queue.Queue()
        threading.Thread(target=snippet.accept_into, args=(listener, box), daemon=True).start()
        with pytest.raises(queue.Empty):
            box.get(timeout=1)  # accept() is still in the handshake with the silent client
        silent.close()
        conn, exc = box.get(timeout=TIMEOUT)
        assert conn is None and isinstance(exc, (EOFError, ConnectionResetError))


def test_without_a_key_there_is_no_handshake_and_a_wrong_key_is_a_protocol_error():
    """basics.md: "with authkey=None (the default) there is no handshake":
    a client without a key gets in at once; a client with a key, talking to
    a listener without one, waits for a challenge that never comes."""
    with Listener(("127.0.0.1", 0)) as listener:
        box = queue.Queue()
        threading.Thread(target=lambda: box.put(listener.accept()), daemon=True).start()
        with Client(listener.address) as client, box.get(timeout=TIMEOUT) as conn:
            client.send("in")
            assert conn.poll(TIMEOUT) and conn.recv() == "in"
    assert issubclass(AuthenticationError, multiprocessing.ProcessError)


# --- the exercise ---------------------------------------------------------------

def _refusal_of_a_pickled_3():
    """What accept() says of the pickled 3 it took for the answer to its
    challenge, on this Python: from 3.12 it quotes the bytes it received."""
    if sys.version_info < (3, 12):
        return "digest received was wrong"
    pickled = bytes(ForkingPickler.dumps(3))  # what conn.send(3) writes
    return ("unsupported message length, missing digest prefix, or unsupported digest: "
            f"message={pickled!r}")


@pytest.mark.parametrize("method", METHODS)
def test_a_key_passed_by_position_makes_each_side_misread_the_others_first_message(method, snippet_run):
    """basics.md: "The server's accept() sends its challenge and reads the
    next message as the answer: the pickled 3 [...] The client's recv() gets
    the challenge, which starts with #CHALLENGE# and is not a pickle"."""
    r = snippet_run("exercise_listener_authkey_bug", method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, [])
    lines = r.output.splitlines()
    # The client failed in its recv(), on the challenge's first byte...
    assert re.search(r'line \d+, in client\n\s+print\(f"client: 3 squared is \{conn\.recv\(\)\}"\)', r.output)
    assert lines[-3] == "_pickle.UnpicklingError: invalid load key, '#'."
    # ...and the server refused the 3 it had read as the answer.
    assert lines[-2] == f"server: refused the client: {_refusal_of_a_pickled_3()}"
    assert lines[-1] == "client's exit code: 1"
    assert not any(line.startswith("client: ") for line in lines)


def test_the_second_parameter_of_client_and_listener_is_family_and_listener_rejects_a_key_there():
    """basics.md: "its signature is Client(address, family=None,
    authkey=None)" and "Listener(address, authkey) [...] fails at once: the
    key is not a family name, and the listener raises TypeError"."""
    assert list(inspect.signature(Client).parameters) == ["address", "family", "authkey"]
    assert list(inspect.signature(Listener).parameters)[:2] == ["address", "family"]
    with pytest.raises(TypeError):
        Listener(("127.0.0.1", 0), KEY)


def test_a_key_passed_by_position_to_client_is_not_used():
    """basics.md: "Client(address, authkey) passes the key as the address
    family, which Client() does not use for a (host, port) address, and
    passes no key at all": against a listener without a key, that client
    takes the server's first message as a message, where a client with a
    key would take it for the challenge and fail."""
    def accept_and_greet(listener, box):
        conn = listener.accept()
        conn.send("hello")
        box.put(conn)

    with Listener(("127.0.0.1", 0)) as listener:
        box = queue.Queue()
        threading.Thread(target=accept_and_greet, args=(listener, box), daemon=True).start()
        with Client(listener.address, KEY) as client:
            assert client.poll(TIMEOUT) and client.recv() == "hello"
            with box.get(timeout=TIMEOUT) as conn:
                client.send(3)
                assert conn.poll(TIMEOUT) and conn.recv_bytes() == bytes(ForkingPickler.dumps(3))


@pytest.mark.parametrize("method", METHODS)
def test_the_key_passed_by_name_gets_the_client_its_square(method, snippet_run):
    r = snippet_run("exercise_listener_authkey_fixed", method)
    assert (r.outcome, r.exit_code, r.leftovers) == ("completes", 0, [])
    assert r.output.splitlines() == ["client: 3 squared is 9", "client's exit code: 0"]
