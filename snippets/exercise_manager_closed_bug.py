"""Exercise: the first put() on a fresh Manager queue fails. Why?

A helper makes a queue that any process can use, even a Pool worker. The
program puts a greeting on it and reads it back. The answer, and the fixed
program, are in exercise_manager_closed_fixed.py.
"""
import multiprocessing

TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def make_shared_queue():
    with multiprocessing.Manager() as manager:
        return manager.Queue()


def main():
    q = make_shared_queue()
    q.put("hello")
    print(f"got {q.get(timeout=TIMEOUT)!r}")


if __name__ == "__main__":
    main()
