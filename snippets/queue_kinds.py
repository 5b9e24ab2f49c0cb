"""SimpleQueue, Queue and JoinableQueue side by side.

All three pickle each item and send it through one pipe. SimpleQueue
writes to the pipe inside put() itself. Queue and JoinableQueue append the
item to a buffer and return at once; a feeder thread, started in the
putting process by its first put(), pickles the item and writes it later.
"""
import multiprocessing
import threading

TIMEOUT = 10  # seconds


def feeder_threads():
    """How many queue feeder threads run in this process."""
    return sum(t.name == "QueueFeederThread" for t in threading.enumerate())


def methods(q):
    return {name for name in dir(q) if not name.startswith("_")}


def child(q):
    before = feeder_threads()
    q.put("hello from the child")
    q.put(f"the child's feeder threads: {before} before its first put(), "
          f"{feeder_threads()} after")


def main():
    simple = multiprocessing.SimpleQueue()
    plain = multiprocessing.Queue()
    joinable = multiprocessing.JoinableQueue()

    # --8<-- [start:simple]
    simple.put("item")  # pickles and writes to the pipe before it returns
    print("SimpleQueue:   item in the pipe when put() returned: "
          f"{not simple.empty()}; "
          f"feeder threads: {feeder_threads()}")
    simple.get()  # no timeout parameter; the item is already there
    simple.close()
    # --8<-- [end:simple]

    # --8<-- [start:feeder]
    for q in (plain, joinable):
        q.put("item")  # hands the item to a feeder thread and returns
        running = feeder_threads()
        q.get(timeout=TIMEOUT)
        if q is joinable:
            q.task_done()  # one per item taken...
            q.join()  # ...so this returns at once
        q.close()  # no more put() from this process: the feeder may stop
        q.join_thread()  # wait until it has flushed everything and stopped
        print(f"{type(q).__name__ + ':':14} feeder threads after put(): "
              f"{running}; "
              f"after close() and join_thread(): {feeder_threads()}")
    # --8<-- [end:feeder]

    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=child, args=(q,))
    p.start()
    print(q.get(timeout=TIMEOUT))
    print(q.get(timeout=TIMEOUT))
    p.join(TIMEOUT)
    print("this process only read from that queue: feeder threads here: "
          f"{feeder_threads()}")

    base = methods(simple)
    print("SimpleQueue has:", ", ".join(sorted(base)))
    print("Queue adds:", ", ".join(sorted(methods(plain) - base)))
    added = methods(joinable) - methods(plain)
    print("JoinableQueue adds to those:", ", ".join(sorted(added)))


if __name__ == "__main__":
    main()
