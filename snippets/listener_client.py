"""Listener and Client: a connection found by address, opened with a key.

The parent listens on the loopback interface. A client that knows the key
sends numbers and gets their squares back; a client with a wrong key is
refused, and the parent carries on. Both clients here are children, but
any process on this machine that knows the address and the key could be
one: that is what Listener and Client add over Pipe().
"""
import multiprocessing
import queue
import secrets
import threading
from multiprocessing.connection import AuthenticationError, Client, Listener

LOOPBACK = ("127.0.0.1", 0)  # this machine only; port 0: any free port
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang
DONE = None


def client(address, authkey, numbers):
    # --8<-- [start:client]
    with Client(address, authkey=authkey) as conn:
        for n in numbers:
            conn.send(n)
            if not conn.poll(TIMEOUT):  # recv() has no timeout of its own
                raise TimeoutError("the server did not answer")
            print(f"client: {n} squared is {conn.recv()}")
        conn.send(DONE)
    # --8<-- [end:client]


def intruder(address):
    try:
        Client(address, authkey=b"a guess")
    except AuthenticationError as exc:
        print(f"intruder: AuthenticationError: {exc}")


def serve(conn):
    while conn.poll(TIMEOUT):
        n = conn.recv()
        if n is DONE:
            return
        conn.send(n * n)
    raise TimeoutError("the client went quiet")


def accept_into(listener, box):
    try:
        box.put((listener.accept(), None))
    except Exception as exc:  # handed to the caller, which raises it
        box.put((None, exc))


def accept(listener):
    """listener.accept() with a timeout, which accept() itself lacks: it
    runs in a daemon thread, which cannot keep the program alive."""
    box = queue.Queue()
    args = (listener, box)
    threading.Thread(target=accept_into, args=args, daemon=True).start()
    conn, exc = box.get(timeout=TIMEOUT)  # queue.Empty: nobody came
    if exc is not None:
        raise exc
    return conn


def main():
    authkey = secrets.token_bytes(32)  # give it only to your clients
    # --8<-- [start:serve]
    with Listener(LOOPBACK, authkey=authkey) as listener:
        address = listener.address  # (host, the port the system chose)
        print("listening on", address[0])
        for target, args in [(intruder, (address,)),
                             (client, (address, authkey, [2, 3]))]:
            p = multiprocessing.Process(target=target, args=args)
            p.start()
            try:
                with accept(listener) as conn:  # the handshake runs here
                    serve(conn)
                refused = None
            except AuthenticationError as exc:  # one bad client: go on
                refused = exc
            p.join(TIMEOUT)
            if refused is not None:
                print(f"server: refused a client: {refused}")
    # --8<-- [end:serve]


if __name__ == "__main__":
    main()
