"""The same pool, correct under every start method: workers get the setting.

Pool(initializer=..., initargs=...) runs a function in each worker as it
starts, with arguments the pool pickles and sends. So each worker fills in
its own SETTINGS, whether it is a copy of the parent (fork) or starts from
the module as imported (spawn, forkserver).
"""
import multiprocessing

SETTINGS = {}


def configure(factor):
    SETTINGS["factor"] = factor


def scale(n):
    return n * SETTINGS["factor"]


def main():
    print(f"start method: {multiprocessing.get_start_method()}")
    pool = multiprocessing.Pool(2, initializer=configure, initargs=(10,))
    with pool:
        print(f"scaled: {pool.map(scale, [1, 2, 3], chunksize=1)}")


if __name__ == "__main__":
    main()
