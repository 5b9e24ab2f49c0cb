"""Answer to exercise_queue_to_pool_bug.py: a Queue cannot travel in a task.

Pool sends each task to a worker by pickling it, and a multiprocessing.Queue
refuses to be pickled except while a child process is being started:
RuntimeError, raised in the parent by map_async(...).get(). A Manager
queue is a proxy, and a proxy can be pickled: each worker connects to the
manager's server and puts there.
"""
import multiprocessing

NUMBERS = [1, 2, 3]
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def square(job):
    n, reports = job
    reports.put(n * n)


def main():
    with multiprocessing.Manager() as manager:
        reports = manager.Queue()  # a proxy: it can travel inside a task
        with multiprocessing.Pool(2) as pool:
            tasks = [(n, reports) for n in NUMBERS]
            pool.map_async(square, tasks).get(TIMEOUT)
        reported = sorted(reports.get(timeout=TIMEOUT) for _ in NUMBERS)
        print(f"reported: {reported}")


if __name__ == "__main__":
    main()
