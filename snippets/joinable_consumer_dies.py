"""A consumer dies while it holds an item: JoinableQueue.join() waits for ever.

join() returns when every item put has been matched by a task_done(). The
worker that crashes on item 3 never calls task_done() for it, and nobody
else can: the count never reaches zero, and join() has no timeout.
"""
import multiprocessing
import os
import signal

ITEMS = 5
CRASH_ON = 3


def worker(tasks):
    while True:
        item = tasks.get()
        if item == CRASH_ON:
            os.kill(os.getpid(), signal.SIGKILL)  # dies holding the item
        print(f"done with item {item}")
        tasks.task_done()


def main():
    tasks = multiprocessing.JoinableQueue()
    for item in range(ITEMS):
        tasks.put(item)
    for _ in range(2):
        multiprocessing.Process(target=worker, args=(tasks,),
                                daemon=True).start()
    tasks.join()  # hangs: one task_done() is missing for ever
    print("not reached")


if __name__ == "__main__":
    main()
