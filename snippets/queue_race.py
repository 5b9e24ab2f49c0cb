"""Two consumers drain a Queue with `while not q.empty(): q.get()`.

Usually it ends. Sometimes it hangs for ever: both consumers see one item
left, one takes it, and the other blocks in get() with nothing to wake it.
"""
import multiprocessing
import random


def consumer(q):
    name = multiprocessing.current_process().name
    taken = 0
    # --8<-- [start:loop]
    while not q.empty():  # the check and the get() below are not atomic
        q.get()  # blocks for ever if the other consumer took the last item
        taken += 1
    # --8<-- [end:loop]
    print(f"{name} took {taken} items")


def main():
    q = multiprocessing.Queue()
    for _ in range(100):
        q.put(random.randint(1, 1000))
    consumers = [
        multiprocessing.Process(
            target=consumer, args=(q,), name=f"consumer-{i}")
        for i in (1, 2)
    ]
    for p in consumers:
        p.start()
    for p in consumers:
        p.join()  # never returns if a consumer is stuck in get()
    print("all consumers finished")


if __name__ == "__main__":
    main()
