"""A Manager queue: a real queue.Queue in the manager's server process.

Every call on it (put, get, empty) is a request to that server, answered
before the call returns. So empty() is False right after put(), and an item
that cannot be pickled fails in put() itself. The proxy can be handed to Pool
workers. But empty() followed by get() is still a race between consumers.
"""
import multiprocessing
import queue
import threading

TRIES = 50
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang
LOSER_WAIT = 0.2  # seconds the consumer that lost the race waits in get()


def square(job):
    q, n = job
    q.put(n * n)  # the proxy was pickled into the task and reconnects here


def take_after_empty(q, both_checked, outcomes):
    if q.empty():
        outcomes.put("empty() was True")
        return
    both_checked.wait(TIMEOUT)  # both consumers now know: "one item left"
    try:
        # without a timeout, the loser would block for ever
        q.get(timeout=LOSER_WAIT)
        outcomes.put("empty() was False, then get() took the item")
    except queue.Empty:
        outcomes.put("empty() was False, then get() found nothing")


def main():
    with multiprocessing.Manager() as manager:
        q = manager.Queue()
        print("here, q is a proxy:", repr(q))
        # str() runs in the server, on the real object
        print("in the server it is:", str(q))

        # --8<-- [start:put]
        empty_after_put = 0
        for _ in range(TRIES):
            fresh = manager.Queue()
            fresh.put("item")  # returns once the server holds the item
            empty_after_put += fresh.empty()
        print("empty() right after put(): True in "
              f"{empty_after_put} of {TRIES} fresh queues")
        # --8<-- [end:put]

        # --8<-- [start:unpicklable]
        try:
            q.put(threading.Lock())
        except TypeError as e:
            print("put(threading.Lock()) raised in the caller: "
                  f"TypeError: {e}")
        print("the queue still holds", q.qsize(), "items")
        # --8<-- [end:unpicklable]

        # --8<-- [start:pool]
        with multiprocessing.Pool(2) as pool:
            # The proxy travels in the tasks; a multiprocessing.Queue would
            # raise RuntimeError.
            pool.map(square, [(q, n) for n in range(1, 6)])
        squares = sorted(q.get(timeout=TIMEOUT) for _ in range(5))
        print("Pool workers put into the manager queue:", squares)
        # --8<-- [end:pool]

        # --8<-- [start:race]
        q.put("the last item")
        both_checked = multiprocessing.Barrier(2)
        outcomes = manager.Queue()
        consumers = [
            multiprocessing.Process(target=take_after_empty,
                                    args=(q, both_checked, outcomes))
            for _ in range(2)
        ]
        for p in consumers:
            p.start()
        for line in sorted(outcomes.get(timeout=TIMEOUT) for _ in consumers):
            print("one consumer:", line)
        for p in consumers:
            p.join(TIMEOUT)
        # --8<-- [end:race]
    print("manager server stopped; processes left:",
          multiprocessing.active_children())


if __name__ == "__main__":
    main()
