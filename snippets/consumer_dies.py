"""A consumer dies while it holds an item: collect with a deadline and notice.

One of two workers crashes on item 13 (it kills itself with SIGKILL, as the
out-of-memory killer would). The item in its hands is lost, and so are any
results it had put that its feeder thread had not yet written to the pipe:
put() returning does not mean delivered. The parent never waits for ever:
it collects with a timeout, stops once every worker has exited and the
pipe is drained, and gives up at a deadline in any case.
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


def worker(tasks, results):
    for item in iter(tasks.get, SENTINEL):
        if item == CRASH_ON:
            os.kill(os.getpid(), signal.SIGKILL)  # a crash: no cleanup, no flush
        results.put(item)


def main():
    tasks = multiprocessing.Queue()
    results = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=worker, args=(tasks, results)) for _ in range(2)]
    for p in workers:
        p.start()
    for item in range(ITEMS):
        tasks.put(item)
    for _ in workers:
        tasks.put(SENTINEL)
    # --8<-- [start:collect]
    done = []
    give_up = time.monotonic() + DEADLINE
    while len(done) < ITEMS and time.monotonic() < give_up:
        try:
            done.append(results.get(timeout=POLL))
        except queue.Empty:
            # A worker that exits normally flushes its results first: once
            # none is alive, an empty wait means nothing more is coming.
            if not any(p.is_alive() for p in workers):
                break
    for p in workers:
        p.join(POLL)
        if p.is_alive():  # stuck, e.g. on a queue the crash left locked
            p.terminate()
            p.join(POLL)
    # --8<-- [end:collect]
    missing = sorted(set(range(ITEMS)) - set(done))
    print(f"received {len(done)} of {ITEMS} results; missing: {missing}")
    print("worker exit codes:", sorted(p.exitcode for p in workers))


if __name__ == "__main__":
    main()
