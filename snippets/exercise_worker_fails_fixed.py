"""Answer to exercise_worker_fails_bug.py: nobody looks at the worker.

int("three") raises ValueError. The worker prints the traceback and
exits with code 1, but the parent does not look at it: it waits in get()
for an answer that no one will ever send. Wait with a timeout, and between
waits look whether the worker is still alive. A worker that exits, even
by an exception, has flushed what it put, so once it is gone, an empty
wait means nothing more is coming.
"""
import multiprocessing
import queue

LINES = ["1", "2", "three", "4"]
SENTINEL = None
POLL = 0.1  # seconds between looks at the worker
TIMEOUT = 10  # seconds the worker waits for a line


def worker(lines, answers):
    for line in iter(lambda: lines.get(timeout=TIMEOUT), SENTINEL):
        answers.put(int(line) * 2)


def collect(answers, count, worker):
    """Up to `count` answers; fewer if the worker ends before sending them."""
    received = []
    while len(received) < count:
        ended = not worker.is_alive()  # look before the wait, not after it
        try:
            received.append(answers.get(timeout=POLL))
        except queue.Empty:
            if ended:
                break
    return received


def main():
    lines = multiprocessing.Queue()
    answers = multiprocessing.Queue()
    p = multiprocessing.Process(target=worker, args=(lines, answers),
                                name="worker")
    p.start()
    for line in LINES:
        lines.put(line)
    lines.put(SENTINEL)
    doubled = collect(answers, len(LINES), p)
    p.join(POLL)
    print(f"doubled: {doubled}")
    print(f"{len(LINES) - len(doubled)} of {len(LINES)} lines got no answer; "
          f"the worker's exit code: {p.exitcode}")


if __name__ == "__main__":
    main()
