"""Exercise: every task is processed, yet tasks.join() never returns. Why?

Two workers take tasks from a JoinableQueue and call task_done() after
each one; a sentinel stops each worker. The parent puts the tasks and the
sentinels, collects the results and waits for the workers to finish. Last,
it checks with tasks.join() that every task was marked done (giving up
after JOIN_TIMEOUT seconds). The answer, and the fixed program, are in
exercise_task_done_fixed.py.
"""
import multiprocessing
import threading

TASKS = range(6)
WORKERS = 2
SENTINEL = None
JOIN_TIMEOUT = 1  # seconds
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(tasks, results):
    for n in iter(tasks.get, SENTINEL):
        results.put(n * n)
        tasks.task_done()


def join_with_timeout(tasks, timeout):
    """tasks.join(), but give up after `timeout` s; True if it returned."""
    waiter = threading.Thread(target=tasks.join, daemon=True)
    waiter.start()
    waiter.join(timeout)
    return not waiter.is_alive()


def main():
    tasks = multiprocessing.JoinableQueue()
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(tasks, results))
               for _ in range(WORKERS)]
    for p in workers:
        p.start()
    for n in TASKS:
        tasks.put(n)
    for _ in workers:
        tasks.put(SENTINEL)
    squares = [results.get(timeout=TIMEOUT) for _ in TASKS]
    for p in workers:
        p.join(TIMEOUT)
    print(f"squares received: {len(squares)} of {len(TASKS)}")
    print("both workers have finished:", all(p.exitcode == 0 for p in workers))
    print(f"tasks.join() returned: {join_with_timeout(tasks, JOIN_TIMEOUT)}")


if __name__ == "__main__":
    main()
