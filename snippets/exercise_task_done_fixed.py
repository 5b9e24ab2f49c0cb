"""Answer to exercise_task_done_bug.py: the sentinels are tasks too.

Every put() adds one to the count of unfinished tasks, the sentinels'
put() as well, and join() waits until task_done() has taken the count
back to zero. Each worker called task_done() for its numbers but not for
its sentinel, so two tasks stayed unfinished for ever. Call task_done()
for the sentinel too.
"""
import multiprocessing
import threading

TASKS = range(6)
WORKERS = 2
SENTINEL = None
JOIN_TIMEOUT = 1  # seconds
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(tasks, results):
    for n in iter(lambda: tasks.get(timeout=TIMEOUT), SENTINEL):
        results.put(n * n)
        tasks.task_done()
    tasks.task_done()  # for the sentinel: it was put, so it counts


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
