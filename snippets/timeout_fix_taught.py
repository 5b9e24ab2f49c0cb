"""The "timeout fix" as it is often taught, and why it still fails.

It swaps q.get() for q.get(block=False, timeout=5) inside the same
`while not q.empty()` loop and wraps it in a bare except. But the timeout
is ignored when block=False, and empty() cannot tell "finished" from "not
there yet": the consumers stop at the first moment the pipe is empty while
the producer is still working, the rest is never consumed, and the parent
cannot even exit, because its feeder thread waits to flush those items into
a pipe that nobody reads.
"""
import multiprocessing
import time

ITEMS = 200
WORKERS = 2


def produce(n):
    time.sleep(0.002)  # stands for the real work of making an item
    return bytes([n % 256]) * 10_000  # about 10 KB


def consumer(q, counts):
    taken = 0
    # --8<-- [start:taught]
    while not q.empty():
        try:
            q.get(block=False, timeout=5)  # block=False: timeout ignored
            taken += 1
        except:  # noqa: E722 (as taught; it also hides real errors and Ctrl-C)
            pass
    # --8<-- [end:taught]
    counts.put(taken)


def main():
    q = multiprocessing.Queue()
    counts = multiprocessing.Queue()
    consumers = [
        multiprocessing.Process(target=consumer, args=(q, counts))
        for _ in range(WORKERS)
    ]
    for p in consumers:
        p.start()
    for n in range(ITEMS):
        q.put(produce(n))
    for p in consumers:
        p.join()
    consumed = sum(counts.get() for _ in consumers)
    print(f"consumed {consumed} of {ITEMS} items; "
          f"never consumed: {ITEMS - consumed}")
    # The interpreter now waits for the feeder thread to flush the unread
    # items into the pipe. Nobody reads it, so the process never exits.


if __name__ == "__main__":
    main()
