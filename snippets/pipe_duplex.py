"""Pipe() is duplex: both ends send and receive. Pipe(duplex=False) is one-way.

A duplex pipe (a socket pair on POSIX) carries a ping-pong between parent and
child. A one-way pipe returns (receive_end, send_end), in that order, and
each end refuses the other direction with an OSError.
"""
import multiprocessing

TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang
STOP = None  # tells the child to return


def ponger(conn):
    # --8<-- [start:pong]
    for ping in iter(conn.recv, STOP):  # recv() until the parent sends STOP
        conn.send(ping.replace("ping", "pong"))
    # --8<-- [end:pong]


def ping_pong():
    # duplex=True is the default
    parent_end, child_end = multiprocessing.Pipe()
    p = multiprocessing.Process(target=ponger, args=(child_end,))
    p.start()
    child_end.close()
    # --8<-- [start:ping]
    for i in range(1, 4):
        parent_end.send(f"ping {i}")
        if not parent_end.poll(TIMEOUT):
            raise SystemExit(f"no answer after {TIMEOUT} s")
        print(f"sent 'ping {i}', received {parent_end.recv()!r}")
    # --8<-- [end:ping]
    parent_end.send(STOP)
    p.join(TIMEOUT)
    print(f"ponger exit code: {p.exitcode}")


def one_way():
    # --8<-- [start:oneway]
    # receive end FIRST
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    # --8<-- [end:oneway]
    for name, end in (("receive_end", receive_end), ("send_end", send_end)):
        print(f"{name}: readable={end.readable}, writable={end.writable}")
    send_end.send("through the one-way pipe")
    print(f"receive_end.recv(): {receive_end.recv()!r}")
    # --8<-- [start:wrong_way]
    try:
        receive_end.send("the wrong way")
    except OSError as exc:
        print(f"receive_end.send(...): OSError: {exc}")
    try:
        send_end.recv()
    except OSError as exc:
        print(f"send_end.recv(): OSError: {exc}")
    # --8<-- [end:wrong_way]
    receive_end.close()
    send_end.close()


def main():
    ping_pong()
    one_way()


if __name__ == "__main__":
    main()
