"""Answer to exercise_one_sentinel_bug.py: one sentinel for two consumers.

A consumer stops after the one sentinel it takes, so the sentinel stops
one consumer only. The other waits in get() for ever, and so does the
parent's join(). Put one sentinel per consumer, and give get() and join()
a timeout.
"""
import multiprocessing

NUMBERS = range(10)
SENTINEL = None
TIMEOUT = 10  # seconds


def consumer(tasks, results):
    for n in iter(lambda: tasks.get(timeout=TIMEOUT), SENTINEL):
        results.put(n * n)


def main():
    tasks = multiprocessing.Queue()
    results = multiprocessing.Queue()
    consumers = [
        multiprocessing.Process(target=consumer, args=(tasks, results),
                                name=f"consumer-{i}")
        for i in (1, 2)
    ]
    for p in consumers:
        p.start()
    for n in NUMBERS:
        tasks.put(n)
    for _ in consumers:
        tasks.put(SENTINEL)  # one per consumer: each stops after taking one
    squares = [results.get(timeout=TIMEOUT) for _ in NUMBERS]
    print(f"sum of the squares: {sum(squares)}")
    for p in consumers:
        p.join(TIMEOUT)
    print("both consumers have finished:",
          all(p.exitcode == 0 for p in consumers))


if __name__ == "__main__":
    main()
