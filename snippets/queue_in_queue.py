"""A Queue cannot travel through a queue or a pipe; pass it to Process instead.

Pickling a Queue outside of starting a process raises RuntimeError. Where
you see it depends on who pickles: SimpleQueue.put() and Connection.send()
pickle in the caller and raise there; Queue.put() returns normally and its
feeder thread prints the traceback and drops the item. A Queue given to
Process(args=...) is pickled while the child is being started, which is
allowed (under fork the child simply inherits it).
"""
import multiprocessing

TIMEOUT = 10  # seconds


def worker(replies):
    replies.put("hello through a Queue passed as a Process argument")


def main():
    replies = multiprocessing.Queue()

    # --8<-- [start:wrong]
    simple = multiprocessing.SimpleQueue()
    try:
        simple.put(replies)  # pickled here: raises in the caller
    except RuntimeError as exc:
        print(f"SimpleQueue.put(a Queue) raised RuntimeError: {exc}")

    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        sender.send(replies)  # pickled here: raises in the caller
    except RuntimeError as exc:
        print(f"Connection.send(a Queue) raised RuntimeError: {exc}")

    q = multiprocessing.Queue()
    q.put(replies)  # returns normally; the feeder thread fails to pickle it
    q.put("the next item")
    got = q.get(timeout=TIMEOUT)
    print(f"Queue.put(a Queue) returned; then get() gave {got!r}")
    # --8<-- [end:wrong]
    q.close()
    q.join_thread()
    for c in (simple, receiver, sender):
        c.close()

    # --8<-- [start:right]
    p = multiprocessing.Process(target=worker, args=(replies,))
    p.start()
    print(replies.get(timeout=TIMEOUT))
    p.join(TIMEOUT)
    # --8<-- [end:right]

    replies.close()
    replies.join_thread()


if __name__ == "__main__":
    main()
