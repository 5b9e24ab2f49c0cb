"""An unpicklable item: Queue.put() returns, SimpleQueue.put() raises.

Queue.put() only appends the item to a buffer. The feeder thread pickles it
later, fails, prints the traceback to stderr and drops the item; the caller
never hears of it, and the items after it still arrive. SimpleQueue.put()
and Connection.send() pickle in the caller, so the error comes where it
belongs.
"""
import multiprocessing
import threading

TIMEOUT = 10  # seconds


def main():
    # --8<-- [start:queue]
    q = multiprocessing.Queue()
    q.put("first")
    q.put(threading.Lock())  # returns normally: nothing is pickled yet
    q.put("third")
    received = [q.get(timeout=TIMEOUT), q.get(timeout=TIMEOUT)]
    # --8<-- [end:queue]
    # Printed only now: the feeder wrote its traceback before it sent "third".
    print("Queue.put(a lock) returned normally")
    print(f"put 3 items, received {received}; the lock was dropped")
    q.close()
    q.join_thread()

    # --8<-- [start:simple]
    simple = multiprocessing.SimpleQueue()
    try:
        simple.put(threading.Lock())  # pickles here, in the caller
    except TypeError as exc:
        print(f"SimpleQueue.put(a lock) raised TypeError: {exc}")
    # --8<-- [end:simple]
    simple.close()

    receiver, sender = multiprocessing.Pipe(duplex=False)
    try:
        sender.send(threading.Lock())
    except TypeError as exc:
        print(f"Connection.send(a lock) raised TypeError: {exc}")
    receiver.close()
    sender.close()


if __name__ == "__main__":
    main()
