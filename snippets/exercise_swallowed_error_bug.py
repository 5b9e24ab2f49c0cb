"""Exercise: one answer is missing, and nothing says why. Find the bug.

A worker divides 60 by each number it receives and sends back the answer.
One bad number must not stop the worker, so it guards its work. STOP tells
the worker that no number is left; its last message, DONE, says that it
has answered every number it received. The answer, and the fixed program,
are in exercise_swallowed_error_fixed.py.
"""
import multiprocessing

NUMBERS = [1, 2, 0, 3, 4]
STOP = None
DONE = "done"
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(numbers, answers):
    for n in iter(numbers.get, STOP):
        try:
            answers.put((n, 60 // n))
        except Exception:
            pass  # one bad number must not stop the worker
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
