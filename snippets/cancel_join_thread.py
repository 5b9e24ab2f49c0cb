"""cancel_join_thread(): exit without flushing the queue, and lose data.

The child puts 200 items of 1,000 bytes, three times what the pipe holds,
and nobody reads while it runs. Normally it could not exit (see
exit_hang.py). cancel_join_thread() tells it not to wait for its feeder
thread at exit: it exits at once, and whatever the feeder had not yet
written into the pipe is gone. The parent reads what did arrive, then gets
queue.Empty.
"""
import multiprocessing
import queue

ITEMS = 200
SIZE = 1_000  # bytes per item
TIMEOUT = 5  # seconds


def producer(q):
    for n in range(ITEMS):
        q.put(bytes([n]) * SIZE)
    # --8<-- [start:cancel]
    # exit without waiting for the feeder: unsent items are lost
    q.cancel_join_thread()
    # --8<-- [end:cancel]


def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,), name="producer")
    p.start()
    # joining before draining: safe only because of cancel_join_thread()
    p.join(TIMEOUT)
    print(f"producer exited before anything was read: {p.exitcode == 0}")
    # --8<-- [start:read]
    received = 0
    try:
        while True:
            q.get(timeout=0.5)  # what reached the pipe is there at once
            received += 1
    except queue.Empty:  # nothing more will ever come
        pass
    # --8<-- [end:read]
    print(f"received {received} of {ITEMS} items; "
          f"never consumed: {ITEMS - received}")


if __name__ == "__main__":
    main()
