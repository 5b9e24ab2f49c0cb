"""Answer to exercise_put_all_first_bug.py: every put before the first get.

The results queue is bounded too, and only the parent takes squares out
of it, but not before it has put every number. Once it holds MAXSIZE
squares, each worker waits in results.put() with a number in hand, the
task queue fills up, and the parent waits in tasks.put(): each side waits
for the other. Read while you put: never let more numbers be out than
the results queue holds, so no put() has to wait for long.
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
    squares = []
    try:
        for n in NUMBERS:
            if put - len(squares) == MAXSIZE:
                # as many squares to come as the results queue holds:
                # take one before putting another number
                squares.append(results.get(timeout=TIMEOUT))
            tasks.put(n, timeout=PATIENCE)
            put += 1
        for _ in workers:
            tasks.put(SENTINEL, timeout=PATIENCE)
    except queue.Full:
        alive = sum(p.is_alive() for p in workers)
        print(f"queue.Full after {put} of {len(NUMBERS)} numbers; "
              f"workers alive: {alive} of {len(workers)}")
        return
    while len(squares) < put:  # the squares still to come
        squares.append(results.get(timeout=TIMEOUT))
    print(f"sum of the squares: {sum(squares)}")
    for p in workers:
        p.join(TIMEOUT)
    print("both workers have finished:",
          all(p.exitcode == 0 for p in workers))


if __name__ == "__main__":
    main()
