"""Forking a process that runs other threads: a DeprecationWarning from 3.12.

The first put() on a Queue starts a feeder thread in the putting process.
A fork child started after that is forked from a process with two threads.
A lock that the other thread held at that moment stays locked for ever in
the child, so Python 3.12 and newer warn. Python 3.11 and older say nothing.
"""
import multiprocessing
import threading
import warnings


def work():
    pass


def start_child(when):
    print(f"{when}: {threading.active_count()} thread(s) in the parent, "
          "starting a child")
    child = multiprocessing.Process(target=work)
    child.start()
    child.join(10)
    print(f"{when}: the child's exit code is {child.exitcode}")


def main():
    # The warning is raised inside multiprocessing, not in __main__, and Python
    # hides such DeprecationWarnings by default: without this line (or running
    # with -W always::DeprecationWarning) nothing would be printed at all.
    warnings.simplefilter("always", DeprecationWarning)
    q = multiprocessing.Queue()
    start_child("before put()")
    # --8<-- [start:put]
    q.put("item")  # the first put() starts this process's feeder thread
    # 3.12+: DeprecationWarning ... multi-threaded ...
    start_child("after put()")
    # --8<-- [end:put]
    print("got", q.get(timeout=10))


if __name__ == "__main__":
    main()
