"""Answer to exercise_generator_result_bug.py: a generator cannot be pickled.

The "odds" numbers were a generator expression, and a generator cannot be
pickled. Queue.put() does not pickle: it hands the job to the queue's
feeder thread and returns. The feeder fails, prints the traceback to
stderr, drops the job and sends the next one, so the worker never sees it.
A list comprehension gives a list, which pickles.
"""
import multiprocessing

STOP = None
DONE = "done"
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(jobs, answers):
    for name, numbers in iter(jobs.get, STOP):
        answers.put((name, sum(n * n for n in numbers)))
    answers.put(DONE)


def main():
    jobs = {
        "small": [1, 2, 3],
        "evens": range(0, 10, 2),
        "odds": [n for n in range(10) if n % 2],  # a list, not a generator
    }
    to_worker = multiprocessing.Queue()
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(to_worker, answers))
    p.start()
    for job in jobs.items():
        to_worker.put(job)
    to_worker.put(STOP)
    received = dict(iter(lambda: answers.get(timeout=TIMEOUT), DONE))
    p.join(TIMEOUT)
    print(f"answers for {len(received)} of {len(jobs)} jobs: {received}")


if __name__ == "__main__":
    main()
