"""The second fix for two writers: a Lock around send() on the shared end.

Both writers still share one end of one Pipe, but each holds a Lock for the
whole send(): the header and the data of one message go into the pipe before
the other writer may start. Every 1 MB message arrives intact.
"""
import multiprocessing

SIZE = 1_000_000  # bytes per message: far more than a pipe holds
MESSAGES = 5  # per writer
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def writer(conn, lock, start):
    name = multiprocessing.current_process().name
    start.wait(TIMEOUT)  # both begin at once, as in pipe_two_writers.py
    for number in range(1, MESSAGES + 1):
        message = (name, number, bytes(SIZE))
        # --8<-- [start:lock]
        with lock:  # one whole message at a time
            conn.send(message)
        # --8<-- [end:lock]


def main():
    parent_end, child_end = multiprocessing.Pipe()
    lock = multiprocessing.Lock()
    start = multiprocessing.Barrier(2)
    writers = [
        multiprocessing.Process(
            target=writer, args=(child_end, lock, start), name=f"writer-{i}"
        )
        for i in (1, 2)
    ]
    for p in writers:
        p.start()
    child_end.close()
    received = {p.name: [] for p in writers}
    while parent_end.poll(TIMEOUT):
        try:
            name, number, payload = parent_end.recv()
        except EOFError:  # both writers exited: every copy of child_end closed
            break
        received[name].append((number, payload == bytes(SIZE)))
    for p in writers:
        p.join(TIMEOUT)
    for name, messages in received.items():
        numbers = [number for number, _ in messages]
        intact = sum(ok for _, ok in messages)
        print(f"{name}: {intact} of {MESSAGES} messages intact, "
              f"in order: {numbers}")


if __name__ == "__main__":
    main()
