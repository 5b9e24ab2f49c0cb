"""What a Manager queue costs: a server process, and a round trip per call.

The manager runs a server process for as long as the with-block lasts. Each
get() on its queue is a request to that server and an answer back, while
get() on a multiprocessing.Queue reads from a pipe in the calling process.
The same small items wait in each kind of queue; a consumer process times
how fast it takes them out.
"""
import multiprocessing
import time

ITEMS = 500  # small ints, per round
# the best round counts: a busy machine only ever slows a round down
ROUNDS = 5
DONE = None  # ends a round
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def consume(q, rates):
    for _ in range(ROUNDS):
        started = time.perf_counter()
        # get(timeout=...) would add a poll() per item
        taken = sum(1 for _ in iter(q.get, DONE))
        rates.put(taken / (time.perf_counter() - started))


def items_per_second(q):
    """How fast a consumer process takes small items out of q (best round)."""
    for _ in range(ROUNDS):
        for i in range(ITEMS):
            q.put(i)
        q.put(DONE)
    rates = multiprocessing.Queue()
    # daemon: if the parent gives up (a timeout), it exits without waiting
    # for the consumer
    consumer = multiprocessing.Process(target=consume, args=(q, rates),
                                       daemon=True)
    consumer.start()
    best = max(rates.get(timeout=TIMEOUT) for _ in range(ROUNDS))
    consumer.join(TIMEOUT)
    rates.close()
    rates.join_thread()
    return best


def main():
    # --8<-- [start:server]
    with multiprocessing.Manager() as manager:
        # the manager's server process
        server = multiprocessing.active_children()
        print("processes while the manager runs:", [p.name for p in server])
        managed = items_per_second(manager.Queue())
    print("processes after the with-block:",
          [p.name for p in multiprocessing.active_children()])
    # --8<-- [end:server]

    q = multiprocessing.Queue()
    plain = items_per_second(q)
    q.close()
    q.join_thread()

    print(f"multiprocessing.Queue: {plain:9,.0f} items/s")
    print(f"Manager().Queue:       {managed:9,.0f} items/s")
    print(f"the Manager queue was {plain / managed:.1f} times slower")


if __name__ == "__main__":
    main()
