"""Answer to exercise_swallowed_error_bug.py: the error was swallowed.

60 // 0 raises ZeroDivisionError, and `except Exception: pass` throws it
away: no traceback, no answer, nothing in the output. The worker keeps
going, as intended, but the parent cannot tell a failure from a number
that was never sent. Send the error back as the answer instead.
"""
import multiprocessing

NUMBERS = [1, 2, 0, 3, 4]
STOP = None
DONE = "done"
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(numbers, answers):
    for n in iter(lambda: numbers.get(timeout=TIMEOUT), STOP):
        try:
            answers.put((n, 60 // n))
        except Exception as exc:
            answers.put((n, f"failed: {exc!r}"))  # the parent must hear of it
    answers.put(DONE)


def main():
    numbers = multiprocessing.Queue()
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(numbers, answers))
    p.start()
    for n in NUMBERS:
        numbers.put(n)
    numbers.put(STOP)
    received = dict(iter(lambda: answers.get(timeout=TIMEOUT), DONE))
    p.join(TIMEOUT)
    print(f"answers: {received}")
    print(f"no answer for: {[n for n in NUMBERS if n not in received]}")


if __name__ == "__main__":
    main()
