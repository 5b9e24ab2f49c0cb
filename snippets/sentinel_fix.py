"""The fix: one sentinel per consumer, and drain the results before joining.

A consumer never asks whether the queue is empty. It blocks in get() until
it receives the sentinel, which the producer puts once per consumer after
the real items. Every item is consumed exactly once, under every start method.
Every wait has a timeout, in the consumers too: a missing sentinel ends a
consumer with queue.Empty instead of leaving it waiting for ever.
"""
import multiprocessing
import queue

ITEMS = 200
CONSUMERS = 2
SENTINEL = None  # any value that is never a real item
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def consumer(tasks, results):
    # --8<-- [start:consume]
    while True:
        item = tasks.get(timeout=TIMEOUT)  # no sentinel in time: queue.Empty
        if item is SENTINEL:
            break
        results.put(item * item)
    # --8<-- [end:consume]


def main():
    tasks = multiprocessing.Queue()
    results = multiprocessing.Queue()
    consumers = [
        multiprocessing.Process(target=consumer, args=(tasks, results))
        for _ in range(CONSUMERS)
    ]
    for p in consumers:
        p.start()
    # --8<-- [start:produce]
    for n in range(ITEMS):
        tasks.put(n)
    for _ in consumers:
        tasks.put(SENTINEL)  # one per consumer: each stops after taking one
    # --8<-- [end:produce]
    # --8<-- [start:drain]
    try:
        # drain first...
        squares = [results.get(timeout=TIMEOUT) for _ in range(ITEMS)]
    except queue.Empty:
        raise SystemExit(f"no result for {TIMEOUT} s") from None
    for p in consumers:
        p.join(TIMEOUT)  # ...then join
    # --8<-- [end:drain]
    expected = sorted(n * n for n in range(ITEMS))
    lost = ITEMS - len(squares)
    print(f"consumed {len(squares)} of {ITEMS} items; never consumed: {lost}")
    print("every item exactly once:", sorted(squares) == expected)


if __name__ == "__main__":
    main()
