"""Answer to exercise_results_grow_bug.py: join() before the results are read.

A process that put items cannot exit until its feeder thread has written
them all into the pipe, and the pipe holds only about 64 KiB. 100 small
results fit; 5,000 do not. So the workers wait for a reader, and the only
reader waits in join() for the workers. Collect first, then join.
"""
import multiprocessing

NUMBERS = range(5000)
WORKERS = 2
TIMEOUT = 10  # seconds


def worker(numbers, results):
    for n in numbers:
        results.put((n, n * n))


def main():
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=worker,
                                args=(NUMBERS[i::WORKERS], results),
                                name=f"worker-{i + 1}")
        for i in range(WORKERS)
    ]
    for p in workers:
        p.start()
    print(f"{WORKERS} workers started for {len(NUMBERS)} numbers")
    # collect first...
    squares = dict(results.get(timeout=TIMEOUT) for _ in NUMBERS)
    for p in workers:
        p.join(TIMEOUT)  # ...then join
    print(f"received {len(squares)} squares")
    print("both workers have finished:", all(p.exitcode == 0 for p in workers))


if __name__ == "__main__":
    main()
