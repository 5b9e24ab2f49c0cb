"""An item that cannot be pickled on a JoinableQueue: join() waits for ever.

JoinableQueue.put() counts the item as an unfinished task before the
feeder thread pickles it. When pickling fails, the feeder drops the item
and gives back its place in the queue, but the count of unfinished tasks
keeps it: nobody ever receives the item, so no task_done() can match it.
Here every item that arrives is marked done, and join() still does not
return. It runs in a helper thread with a timeout, so the program ends.
"""
import multiprocessing
import threading

TIMEOUT = 10  # seconds for each get()
JOIN_TIMEOUT = 1  # seconds join() is given; without a limit it never returns


def join_with_timeout(tasks, timeout):
    """tasks.join(), but give up after `timeout` s; True if it returned."""
    waiter = threading.Thread(target=tasks.join, daemon=True)
    waiter.start()
    waiter.join(timeout)
    return not waiter.is_alive()


def main():
    # --8<-- [start:lost]
    tasks = multiprocessing.JoinableQueue()
    tasks.put("first")
    tasks.put(threading.Lock())  # counted as unfinished, then dropped
    tasks.put("third")
    arrived = []
    for _ in range(2):
        arrived.append(tasks.get(timeout=TIMEOUT))
        tasks.task_done()
    returned = join_with_timeout(tasks, JOIN_TIMEOUT)
    # --8<-- [end:lost]
    # Printed only now: the feeder wrote its traceback before "third".
    print(f"arrived and marked done: {arrived}")
    print(f"every item that arrived is done; join() returned: {returned}")
    tasks.close()
    tasks.join_thread()


if __name__ == "__main__":
    main()
