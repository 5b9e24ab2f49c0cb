"""Exercise: every result arrives, then the program never ends. Why?

Two consumers square numbers until they receive the sentinel. The parent
puts the numbers and the sentinel, collects the squares, then waits for
the consumers to finish. The answer, and the fixed program, are in
exercise_one_sentinel_fixed.py.
"""
import multiprocessing

NUMBERS = range(10)
SENTINEL = None
TIMEOUT = 10  # seconds


def consumer(tasks, results):
    for n in iter(tasks.get, SENTINEL):
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
    tasks.put(SENTINEL)  # no more work
    squares = [results.get(timeout=TIMEOUT) for _ in NUMBERS]
    print(f"sum of the squares: {sum(squares)}")
    for p in consumers:
        p.join()
    print("both consumers have finished")


if __name__ == "__main__":
    main()
