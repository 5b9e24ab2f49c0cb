"""A consumer dies while it holds an item: collect with a deadline and notice.

One of two workers crashes on item 13 (it kills itself with SIGKILL, as the
out-of-memory killer would). The item in its hands is lost, and so are any
results it had put that its feeder thread had not yet written to the pipe:
put() returning does not mean delivered. If the crash comes while its
feeder holds the results queue's write lock, that lock stays held for ever:
the other worker can no longer deliver anything and cannot exit, and the
parent ends it with terminate() (exit code -15) after the deadline. The
parent never waits for ever: it collects with a timeout, stops once every
worker has ended and the pipe is drained, and gives up at a deadline.
"""
import multiprocessing
import os
import queue
import signal
import time

ITEMS = 20
CRASH_ON = 13
SENTINEL = None
POLL = 0.1  # seconds between looks at the workers while waiting
DEADLINE = 5  # seconds for the whole collection, whatever happens
TIMEOUT = 10  # seconds a worker waits for its next task


def worker(tasks, results):
    while True:
        item = tasks.get(timeout=TIMEOUT)  # a lost producer: queue.Empty
        if item is SENTINEL:
            return
        if item == CRASH_ON:
            os.kill(os.getpid(), signal.SIGKILL)  # a crash: no clean-up
        results.put(item)


# --8<-- [start:collect]
def collect(results, workers, count):
    """Up to `count` results: fewer once every worker has ended and the
    pipe is empty, or when DEADLINE seconds have passed."""
    done = []
    give_up = time.monotonic() + DEADLINE
    while len(done) < count and time.monotonic() < give_up:
        # Look before the wait: a worker that ends during the wait has
        # flushed its results first, so the next wait still gets them.
        ended = not any(p.is_alive() for p in workers)
        try:
            done.append(results.get(timeout=POLL))
        except queue.Empty:
            if ended:  # every worker had ended, and nothing came: that's all
                break
    return done


def stop(workers):
    for p in workers:
        p.join(POLL)
        if p.is_alive():  # stuck at exit, e.g. on a lock the crash left held
            p.terminate()  # exit code -15: SIGTERM, sent by this parent
            # It dies at once, but its exit code can take a moment to come
            # back (under forkserver the server reports it): wait for it.
            p.join(TIMEOUT)
# --8<-- [end:collect]


def main():
    tasks = multiprocessing.Queue()
    results = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(target=worker, args=(tasks, results))
        for _ in range(2)
    ]
    for p in workers:
        p.start()
    for item in range(ITEMS):
        tasks.put(item)
    for _ in workers:
        tasks.put(SENTINEL)
    done = collect(results, workers, ITEMS)
    stop(workers)
    missing = sorted(set(range(ITEMS)) - set(done))
    print(f"received {len(done)} of {ITEMS} results; missing: {missing}")
    print("worker exit codes:", sorted(p.exitcode for p in workers))


if __name__ == "__main__":
    main()
