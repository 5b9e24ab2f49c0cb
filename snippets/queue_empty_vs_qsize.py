"""Right after put(), empty() often says True while qsize() says 1.

put() counts the item at once (qsize() reads a semaphore that put()
acquired) but only hands it to the feeder thread; empty() asks whether the
pipe has data, and the feeder may not have written it yet. On a fresh
queue the feeder thread is only just starting, so empty() is nearly always
wrong; on a queue whose feeder already runs, it depends on scheduling.
(qsize() raises NotImplementedError on macOS.)
"""
import multiprocessing

TRIES = 1000
TIMEOUT = 10  # seconds


def main():
    empty_says_true = qsize_says_one = 0
    # --8<-- [start:fresh]
    for n in range(TRIES):
        # a fresh queue: its first put() starts the feeder
        q = multiprocessing.Queue()
        q.put(n)
        empty_says_true += q.empty()
        qsize_says_one += q.qsize() == 1
        q.get(timeout=TIMEOUT)
        q.close()
        q.join_thread()
    # --8<-- [end:fresh]
    print(f"{TRIES} fresh queues, right after put():")
    print(f"  qsize() == 1 in {qsize_says_one} of {TRIES}")
    print(f"  empty() is True in {empty_says_true} of {TRIES}")

    q = multiprocessing.Queue()
    empty_says_true = qsize_says_one = 0
    for n in range(TRIES):
        q.put(n)  # the feeder thread is already running after the first one
        empty_says_true += q.empty()
        qsize_says_one += q.qsize() == 1
        q.get(timeout=TIMEOUT)
    q.close()
    q.join_thread()
    print(f"one queue, {TRIES} times put() then get():")
    print(f"  qsize() == 1 in {qsize_says_one} of {TRIES}")
    print(f"  empty() is True in {empty_says_true} of {TRIES}")


if __name__ == "__main__":
    main()
