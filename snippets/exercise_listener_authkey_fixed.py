"""Answer to exercise_listener_authkey_bug.py: a key passed by position.

Client()'s second parameter is family, not authkey. Client(address, key)
passes the key as the family, which Client() ignores for a (host, port)
address, and no key at all: the client skips the handshake. The server's
accept() takes the client's first message, the pickled 3, for the answer
to its challenge and refuses it; the client's recv() gets the challenge,
which is not a pickle. Pass the key by name: authkey=authkey.
"""
import multiprocessing
import queue
import secrets
import threading
from multiprocessing.connection import AuthenticationError, Client, Listener

LOOPBACK = ("127.0.0.1", 0)  # this machine only; port 0: any free port
TIMEOUT = 10  # seconds


def client(address, authkey):
    with Client(address, authkey=authkey) as conn:
        conn.send(3)
        if not conn.poll(TIMEOUT):  # recv() has no timeout of its own
            raise TimeoutError("the server did not answer")
        print(f"client: 3 squared is {conn.recv()}")


def accept_into(listener, box):
    try:
        box.put((listener.accept(), None))
    except Exception as exc:  # handed to the caller, which raises it
        box.put((None, exc))


def accept(listener):
    """listener.accept() with a timeout, as in listener_client.py."""
    box = queue.Queue()
    args = (listener, box)
    threading.Thread(target=accept_into, args=args, daemon=True).start()
    conn, exc = box.get(timeout=TIMEOUT)  # queue.Empty: nobody came
    if exc is not None:
        raise exc
    return conn


def main():
    authkey = secrets.token_bytes(32)
    with Listener(LOOPBACK, authkey=authkey) as listener:
        args = (listener.address, authkey)
        p = multiprocessing.Process(target=client, args=args)
        p.start()
        try:
            with accept(listener) as conn:  # the handshake runs here
                if not conn.poll(TIMEOUT):
                    raise TimeoutError("the client sent nothing")
                n = conn.recv()
                conn.send(n * n)
            refused = None
        except AuthenticationError as exc:
            refused = exc
        p.join(TIMEOUT)
    if refused is not None:
        print(f"server: refused the client: {refused}")
    print(f"client's exit code: {p.exitcode}")


if __name__ == "__main__":
    main()
