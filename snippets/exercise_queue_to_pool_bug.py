"""Exercise: the Pool workers never get to put anything. Why?

Pool workers square numbers and report each square on a queue that the
parent reads. The answer, and the fixed program, are in
exercise_queue_to_pool_fixed.py.
"""
import multiprocessing

NUMBERS = [1, 2, 3]
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def square(job):
    n, reports = job
    reports.put(n * n)


def main():
    reports = multiprocessing.Queue()
    with multiprocessing.Pool(2) as pool:
        pool.map_async(square, [(n, reports) for n in NUMBERS]).get(TIMEOUT)
    print(f"reported: {sorted(reports.get(timeout=TIMEOUT) for _ in NUMBERS)}")


if __name__ == "__main__":
    main()
