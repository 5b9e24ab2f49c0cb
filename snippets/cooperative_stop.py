"""A cooperative stop: ask the workers to stop, and let them finish.

The parent sets an Event; each worker looks at it between items, finishes
the item in hand, sends a last message saying it is done, and returns. Its
locks are released, its queue is flushed, its exit code is 0, and every
result it put arrives.
"""
import multiprocessing
import queue
import time

WORKERS = 2
BEFORE_STOP = 10  # results to collect before asking the workers to stop
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang
DONE = "done"


def worker(stop, results):
    n = 0
    while not stop.is_set():  # looked at between items, never mid-item
        time.sleep(0.01)  # stands for one item's work
        results.put(n)
        n += 1
    results.put(DONE)  # the last message: nothing more from this worker


def main():
    stop = multiprocessing.Event()
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=worker, args=(stop, results))
        for _ in range(WORKERS)
    ]
    for p in workers:
        p.start()
    try:
        for _ in range(BEFORE_STOP):  # the workers are at work
            results.get(timeout=TIMEOUT)
    except queue.Empty:
        raise SystemExit(f"no results within {TIMEOUT} s") from None
    # --8<-- [start:stop]
    stop.set()  # please stop after the item in hand
    done = 0
    try:
        while done < WORKERS:  # drain until every worker has said "done"
            done += results.get(timeout=TIMEOUT) == DONE
    except queue.Empty:
        print(f"a worker did not stop within {TIMEOUT} s")
    for p in workers:
        p.join(TIMEOUT)  # drained first, so this returns at once
    # --8<-- [end:stop]
    print("every worker said it was done:", done == WORKERS)
    print("exit codes:", [p.exitcode for p in workers])


if __name__ == "__main__":
    main()
