"""Consumers that stop after an idle timeout: get(timeout=...) and queue.Empty.

Each consumer blocks in get() for at most IDLE_TIMEOUT seconds. If nothing
arrives in that time, it takes the silence to mean the work is over and
stops. That is right when the producer never pauses that long; a producer
slower than the timeout makes the consumers quit too early.
"""
import multiprocessing
import queue

ITEMS = 200
CONSUMERS = 2
IDLE_TIMEOUT = 0.5  # seconds of silence that mean "no more work"
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def consumer(tasks, results):
    # --8<-- [start:consume]
    while True:
        try:
            item = tasks.get(timeout=IDLE_TIMEOUT)  # blocks, but not for ever
        except queue.Empty:  # only this: any other error must still be seen
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
    for n in range(ITEMS):
        # no sentinels: the consumers stop when the queue stays empty
        tasks.put(n)
    # Everything is put before any consumer starts, so no consumer can go
    # IDLE_TIMEOUT without an item while work remains.
    for p in consumers:
        p.start()
    try:
        # drain first...
        squares = [results.get(timeout=TIMEOUT) for _ in range(ITEMS)]
    except queue.Empty:
        raise SystemExit(
            f"a consumer stopped answering after {TIMEOUT} s") from None
    for p in consumers:
        # ...then join: each returns IDLE_TIMEOUT after the last item
        p.join(TIMEOUT)
    expected = sorted(n * n for n in range(ITEMS))
    print(f"consumed {len(squares)} of {ITEMS} items; "
          f"never consumed: {ITEMS - len(squares)}")
    print("every item exactly once:", sorted(squares) == expected)
    print("every consumer stopped by itself:",
          all(p.exitcode == 0 for p in consumers))


if __name__ == "__main__":
    main()
