"""JoinableQueue: the producer waits until every item has been processed.

Each worker calls task_done() once for every item it took, after it has
processed it. tasks.join() returns when every put() has been matched by a
task_done(). Then one sentinel per worker stops the workers.

JoinableQueue.join() takes no timeout, so the producer calls it in a helper
thread and waits for that thread with one.
"""
import multiprocessing
import queue
import threading

ITEMS = 200
WORKERS = 2
SENTINEL = None  # any value that is never a real item
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(tasks, results):
    # --8<-- [start:work]
    while True:
        # a vanished producer ends in queue.Empty
        item = tasks.get(timeout=TIMEOUT)
        try:
            if item is SENTINEL:
                return
            results.put(item * item)
        finally:
            tasks.task_done()  # once per get(), even if processing failed
    # --8<-- [end:work]


# --8<-- [start:bounded_join]
def join_with_timeout(tasks, timeout):
    """tasks.join(), but give up after `timeout` s; True if it returned."""
    waiter = threading.Thread(target=tasks.join, daemon=True)
    waiter.start()
    waiter.join(timeout)
    return not waiter.is_alive()
# --8<-- [end:bounded_join]


def main():
    tasks = multiprocessing.JoinableQueue()
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=worker, args=(tasks, results))
        for _ in range(WORKERS)
    ]
    for p in workers:
        p.start()
    # --8<-- [start:produce]
    for n in range(ITEMS):
        tasks.put(n)
    # wait until every item is processed
    if not join_with_timeout(tasks, TIMEOUT):
        for p in workers:
            p.terminate()
        raise SystemExit(f"items still unprocessed after {TIMEOUT} s")
    print("tasks.join() returned: every item has been processed")
    # --8<-- [end:produce]
    try:
        # drain first...
        squares = [results.get(timeout=TIMEOUT) for _ in range(ITEMS)]
    except queue.Empty:
        raise SystemExit(f"results missing after {TIMEOUT} s") from None
    for _ in workers:
        tasks.put(SENTINEL)  # one per worker: each stops after taking one
    for p in workers:
        p.join(TIMEOUT)  # ...then join
    expected = sorted(n * n for n in range(ITEMS))
    print(f"consumed {len(squares)} of {ITEMS} items; "
          f"never consumed: {ITEMS - len(squares)}")
    print("every item exactly once:", sorted(squares) == expected)
    print("every worker stopped at its sentinel:",
          all(p.exitcode == 0 for p in workers))


if __name__ == "__main__":
    main()
