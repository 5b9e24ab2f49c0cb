"""Works on Linux up to Python 3.13, fails from 3.14 with the same code.

main() fills in a module-level setting, then hands work to a pool. Under
fork, the default on Linux up to 3.13, each worker is a copy of the parent
and sees the setting. From 3.14 the default on Linux is forkserver: a worker
starts from the module as imported, where the setting is still empty, and
the pool raises the worker's KeyError in the parent. Nothing in the program
names a start method, so nothing in it changed.
"""
import multiprocessing

SETTINGS = {}  # filled in by main(), as a program does from its config


def scale(n):
    return n * SETTINGS["factor"]


def main():
    SETTINGS["factor"] = 10
    print(f"start method: {multiprocessing.get_start_method()}")
    with multiprocessing.Pool(2) as pool:
        print(f"scaled: {pool.map(scale, [1, 2, 3], chunksize=1)}")


if __name__ == "__main__":
    main()
