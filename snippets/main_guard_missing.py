"""Deliberately has no `if __name__ == "__main__":` guard: see what it stops.

Under spawn and forkserver the child imports this file again, as the module
__mp_main__, to find work(). Without the guard, that import runs main() too:
the child tries to start a process of its own before it has finished
starting, and dies with a RuntimeError and exit code 1. The parent carries
on and exits normally. Under fork nothing is imported again, so this file
works, and the missing guard goes unnoticed.
"""
import multiprocessing


def work():
    print("child: work() ran")


def main():
    print(f"main() runs in module {__name__!r}")
    child = multiprocessing.Process(target=work)
    child.start()
    child.join(10)
    print(f"parent: the child's exit code is {child.exitcode}")


main()  # no guard: this line runs again each time the file is imported
