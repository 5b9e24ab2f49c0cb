"""close() and join_thread() flush this process's feeder; they shut nothing.

close() says that this process will put nothing more; join_thread() then
waits until the feeder thread has written every buffered item into the
pipe and stopped. After close(), put() and get() raise ValueError in this
process. Other processes are not told: a consumer's get() just finds
nothing more. A multiprocessing queue has no shutdown() method.
"""
import multiprocessing
import queue
import threading

ITEMS = 3
TIMEOUT = 10  # seconds


def feeder_threads():
    """How many queue feeder threads run in this process."""
    return sum(t.name == "QueueFeederThread" for t in threading.enumerate())


def consumer(q, closed, report):
    got = [q.get(timeout=TIMEOUT) for _ in range(ITEMS)]
    closed.wait(TIMEOUT)  # the producer has closed its end by now
    try:
        q.get(timeout=0.5)
        then = "another item"
    except queue.Empty:
        then = "queue.Empty after waiting 0.5 s"
    report.put((got, then))


def main():
    q = multiprocessing.Queue()
    closed = multiprocessing.Event()
    report = multiprocessing.Queue()
    p = multiprocessing.Process(target=consumer, args=(q, closed, report))
    p.start()

    # --8<-- [start:close]
    for n in range(ITEMS):
        q.put(n)
    print(f"put {ITEMS} items; feeder threads here: {feeder_threads()}")
    q.close()  # this process will put nothing more
    # returns once the feeder has written every item and stopped
    q.join_thread()
    print("after close() and join_thread(): feeder threads here: "
          f"{feeder_threads()}")
    # --8<-- [end:close]

    # --8<-- [start:closed]
    try:
        q.put(ITEMS)
    except ValueError as exc:
        print(f"put() after close(): ValueError: {exc}")
    try:
        q.get(timeout=TIMEOUT)
    except ValueError as exc:
        print(f"get() after close(): ValueError: {exc}")
    # --8<-- [end:closed]

    closed.set()
    got, then = report.get(timeout=TIMEOUT)
    p.join(TIMEOUT)
    print(f"the consumer got {got}, then {then}")

    # --8<-- [start:shutdown]
    print("multiprocessing.Queue has shutdown():", hasattr(q, "shutdown"))
    # 3.13 and newer
    print("queue.Queue has shutdown():", hasattr(queue.Queue, "shutdown"))
    # --8<-- [end:shutdown]


if __name__ == "__main__":
    main()
