"""Answer to exercise_start_method_twice_bug.py: set_start_method() twice.

set_start_method() sets the method for the whole program, once: the
second call raises RuntimeError: context has already been set. A context
from get_context("spawn") makes pools and processes that use spawn,
whatever the default is, and it may be asked for as often as you like.
"""
import multiprocessing

TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def square(n):
    return n * n


def squares(numbers):
    ctx = multiprocessing.get_context("spawn")  # no global change
    with ctx.Pool(2) as pool:
        return pool.map_async(square, numbers).get(TIMEOUT)


def main():
    print(f"first batch: {squares([1, 2, 3])}")
    print(f"second batch: {squares([4, 5, 6])}")


if __name__ == "__main__":
    main()
