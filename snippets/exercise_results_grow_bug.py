"""Exercise: it passed its tests with 100 numbers; with 5,000 it hangs. Why?

Two workers square their share of the numbers and put each result on a
queue. The parent waits for both workers to finish, then collects the
results. The answer, and the fixed program, are in
exercise_results_grow_fixed.py.
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
    for p in workers:
        p.join()
    squares = dict(results.get(timeout=TIMEOUT) for _ in NUMBERS)
    print(f"received {len(squares)} squares")


if __name__ == "__main__":
    main()
