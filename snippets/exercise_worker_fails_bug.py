"""Exercise: the worker fails on one job, and the parent waits for ever. Why?

A worker turns each line of text into a number and sends it back doubled.
The parent sends four lines and a sentinel, then collects four answers.
The answer, and the fixed program, are in exercise_worker_fails_fixed.py.
"""
import multiprocessing

LINES = ["1", "2", "three", "4"]
SENTINEL = None


def worker(lines, answers):
    for line in iter(lines.get, SENTINEL):
        answers.put(int(line) * 2)


def main():
    lines = multiprocessing.Queue()
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(lines, answers),
                                name="worker")
    p.start()
    for line in LINES:
        lines.put(line)
    lines.put(SENTINEL)
    doubled = [answers.get() for _ in LINES]
    p.join()
    print(f"doubled: {doubled}")


if __name__ == "__main__":
    main()
