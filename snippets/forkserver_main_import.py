"""Where the forkserver imports your main module: in each child, or once.

Every import of this file prints a line. Up to Python 3.13.7 (and in
3.14.0) each forkserver child imports it again, as a spawn child does. From
3.13.8 and 3.14.1 the server imports it once, and forks each child with the
module already loaded, so the server is the parent of both children.
"""
import multiprocessing
import os

print(f"imported as {__name__} in process {os.getpid()}", flush=True)


def work():
    me, parent = os.getpid(), os.getppid()
    print(f"work() in process {me}, started by {parent}", flush=True)


def main():
    ctx = multiprocessing.get_context("forkserver")
    for _ in range(2):
        child = ctx.Process(target=work)
        child.start()
        child.join(10)


if __name__ == "__main__":
    main()
