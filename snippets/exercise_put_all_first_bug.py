"""Exercise: the task queue is full, and both workers are alive. Why?

Two workers square numbers. Both queues are bounded, so that neither can
hold more than MAXSIZE items. The parent puts every number and then
collects the squares. It puts with a timeout, and when put() gives up it
reports how far it got and whether the workers are still alive. The
answer, and the fixed program, are in exercise_put_all_first_fixed.py.
"""
import multiprocessing
import queue

NUMBERS = range(20)
MAXSIZE = 4
SENTINEL = None
PATIENCE = 3  # seconds the parent waits for room in the task queue
TIMEOUT = 10  # seconds for every other wait


def worker(tasks, results):
    while True:
        n = tasks.get(timeout=TIMEOUT)
        if n is SENTINEL:
            return
        results.put(n * n, timeout=TIMEOUT)


def main():
    tasks = multiprocessing.Queue(MAXSIZE)
    results = multiprocessing.Queue(MAXSIZE)
    workers = [
        multiprocessing.Process(target=worker, args=(tasks, results),
                                name=f"worker-{i}", daemon=True)
        for i in (1, 2)
    ]
    for p in workers:
        p.start()
    put = 0
    try:
        for n in NUMBERS:
            tasks.put(n, timeout=PATIENCE)
            put += 1
        for _ in workers:
            tasks.put(SENTINEL, timeout=PATIENCE)
    except queue.Full:
        alive = sum(p.is_alive() for p in workers)
        print(f"queue.Full after {put} of {len(NUMBERS)} numbers; "
              f"workers alive: {alive} of {len(workers)}")
        return
    squares = [results.get(timeout=TIMEOUT) for _ in NUMBERS]
    print(f"sum of the squares: {sum(squares)}")
    for p in workers:
        p.join(TIMEOUT)
    print("both workers have finished:",
          all(p.exitcode == 0 for p in workers))


if __name__ == "__main__":
    main()
