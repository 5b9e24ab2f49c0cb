"""One task_done() too many: JoinableQueue raises ValueError.

A JoinableQueue counts unfinished tasks: put() adds one, task_done() takes
one away. Calling task_done() more often than put() was called is a bug
(here: once per item, then once more), and the queue says so at once.
"""
import multiprocessing


def main():
    tasks = multiprocessing.JoinableQueue()
    tasks.put("the only item")
    item = tasks.get(timeout=5)
    print(f"got {item!r}")
    tasks.task_done()  # one put(), one task_done(): balanced
    print("first task_done(): fine, nothing is left unfinished")
    # --8<-- [start:too_many]
    tasks.task_done()  # one too many: there is no unfinished task left
    # --8<-- [end:too_many]
    print("not reached")


if __name__ == "__main__":
    main()
