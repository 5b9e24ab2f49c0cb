"""The first fix for two writers: one pipe per writer, and wait() to read.

Each writer owns the send end of its own one-way pipe, so no two processes
ever write into the same pipe. The reader waits on every receive end at once
with multiprocessing.connection.wait() and reads whichever is ready; EOFError
on one end means that writer is done. Every 1 MB message arrives intact.
"""
import multiprocessing
from multiprocessing.connection import wait

SIZE = 1_000_000  # bytes per message: far more than a pipe holds
MESSAGES = 5  # per writer
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def writer(conn, start):
    name = multiprocessing.current_process().name
    start.wait(TIMEOUT)  # both begin at once, as in pipe_two_writers.py
    for number in range(1, MESSAGES + 1):
        conn.send((name, number, bytes(SIZE)))
    conn.close()


def main():
    start = multiprocessing.Barrier(2)
    # --8<-- [start:pipes]
    receive_ends, writers = [], []
    for i in (1, 2):
        # one pipe each
        receive_end, send_end = multiprocessing.Pipe(duplex=False)
        p = multiprocessing.Process(
            target=writer, args=(send_end, start), name=f"writer-{i}"
        )
        p.start()
        send_end.close()
        receive_ends.append(receive_end)
        writers.append(p)
    # --8<-- [end:pipes]
    received = {p.name: [] for p in writers}
    # --8<-- [start:wait]
    while receive_ends:
        ready = wait(receive_ends, timeout=TIMEOUT)
        if not ready:
            raise SystemExit(f"no writer sent anything for {TIMEOUT} s")
        for conn in ready:
            try:
                name, number, payload = conn.recv()
            except EOFError:  # this writer closed its end: it is done
                conn.close()
                receive_ends.remove(conn)
                continue
            received[name].append((number, payload == bytes(SIZE)))
    # --8<-- [end:wait]
    for p in writers:
        p.join(TIMEOUT)
    for name, messages in received.items():
        numbers = [number for number, _ in messages]
        intact = sum(ok for _, ok in messages)
        print(f"{name}: {intact} of {MESSAGES} messages intact, "
              f"in order: {numbers}")


if __name__ == "__main__":
    main()
