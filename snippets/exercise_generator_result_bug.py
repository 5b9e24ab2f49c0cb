"""Exercise: the parent sends three jobs and gets two answers. Why?

The parent sends each job, a name and some numbers, to a worker, which
answers with the sum of their squares. STOP tells the worker that no job
is left; its last message, DONE, says that it has answered every job it
received. The answer, and the fixed program, are in
exercise_generator_result_fixed.py.
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
        "odds": (n for n in range(10) if n % 2),
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
