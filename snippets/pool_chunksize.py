"""chunksize: how many inputs a pool hands a worker at a time.

Every task sent to a worker costs a round trip between processes: the
input is pickled and sent, the result is pickled and sent back. For a
cheap function over many inputs that overhead is nearly all the cost, and
sending the inputs in chunks cuts it. ProcessPoolExecutor.map() sends one
input at a time unless told otherwise (chunksize=1); Pool.map() chooses a
chunk size itself when given none. Timed here on a warm pool, so process
start-up is not counted; a chunked map() takes a few milliseconds, so one
pause of this process by the OS could double it: it is timed 3 times and
the fastest counts, as timeit does.
"""
import concurrent.futures
import multiprocessing
import time

INPUTS = 2000
WORKERS = 2
TIMEOUT = 10  # seconds for a whole map(): a bug shows up as an error
REPEATS = 3  # for the short timings: the fastest run counts


def square(n):
    return n * n


def timed(label, run, expected, repeats=1):
    seconds = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        results = run()
        seconds = min(seconds, time.perf_counter() - started)
        assert results == expected, f"{label}: wrong results"
    print(f"{label:<38} {seconds * 1000:7.1f} ms")
    return seconds


def main():
    numbers = range(INPUTS)
    expected = [n * n for n in numbers]
    print(f"{INPUTS} calls of square(), {WORKERS} workers: time for map()")
    with concurrent.futures.ProcessPoolExecutor(WORKERS) as executor:
        list(executor.map(square, range(WORKERS * 2)))  # start the workers

        def executor_map(chunksize):
            return lambda: list(executor.map(
                square, numbers, chunksize=chunksize, timeout=TIMEOUT))

        one = timed("ProcessPoolExecutor, chunksize=1", executor_map(1),
                    expected)
        chunked = timed("ProcessPoolExecutor, chunksize=100",
                        executor_map(100), expected, REPEATS)
    with multiprocessing.Pool(WORKERS) as pool:
        pool.map(square, range(WORKERS * 2))  # start the workers

        def pool_map(chunksize):
            return lambda: pool.map_async(
                square, numbers, chunksize=chunksize).get(TIMEOUT)

        chosen = timed("Pool, chunksize chosen by Pool.map()",
                       pool_map(None), expected, REPEATS)
        pool_one = timed("Pool, chunksize=1", pool_map(1), expected)
    print(f"executor: chunksize=1 took {one / chunked:.0f} times as long "
          f"as chunksize=100")
    print(f"Pool: chunksize=1 took {pool_one / chosen:.0f} times as long "
          f"as the chunk size Pool.map() chose")


if __name__ == "__main__":
    main()
