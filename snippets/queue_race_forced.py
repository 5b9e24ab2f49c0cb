"""The race in queue_race.py made certain: it hangs on every run.

One item is in the queue. A barrier lets each consumer past empty() only
when both have seen the queue non-empty, so both call get() for the one
item. One gets it; the other blocks for ever, and so does the parent's join().
"""
import multiprocessing


def producer(q):
    q.put("the last item")
    # A process flushes what it put into the pipe before it exits.


def consumer(q, both_checked):
    name = multiprocessing.current_process().name
    taken = 0
    while not q.empty():
        # force the interleaving that normally needs bad luck
        both_checked.wait()
        q.get()
        taken += 1
        print(f"{name} took an item")
    print(f"{name} saw an empty queue and stopped after {taken} item(s)")


def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,), name="producer")
    p.start()
    # now the item is in the pipe: empty() is False for both consumers
    p.join()
    both_checked = multiprocessing.Barrier(2)
    consumers = [
        multiprocessing.Process(target=consumer, args=(q, both_checked),
                                name=f"consumer-{i}")
        for i in (1, 2)
    ]
    for c in consumers:
        c.start()
    for c in consumers:
        # hangs: one consumer waits in get() for an item that never comes
        c.join()
    print("not reached")


if __name__ == "__main__":
    main()
