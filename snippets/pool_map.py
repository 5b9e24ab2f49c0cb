"""Run one function over many inputs in worker processes: a pool.

concurrent.futures.ProcessPoolExecutor and multiprocessing.Pool both start
the workers, hand out the inputs, give back the results in input order,
and stop the workers when the program is done with them. An exception
raised in a worker comes back to the caller: it is raised again where the
result is read, with the worker's traceback attached as its cause.
"""
import concurrent.futures
import multiprocessing

WORKERS = 2
TIMEOUT = 10  # seconds for any one result: a bug shows up as an error


def square(n):
    return n * n


def inverse(n):
    return 1 / n  # ZeroDivisionError for 0


def report(who, exc):
    remote = "Traceback" in str(exc.__cause__)  # the worker's own traceback
    print(f"{who}: {type(exc).__name__} raised here; worker's traceback "
          f"attached: {remote}")


def with_executor(numbers):
    with concurrent.futures.ProcessPoolExecutor(WORKERS) as executor:
        squares = executor.map(square, numbers, timeout=TIMEOUT)
        print("executor:", list(squares))
        future = executor.submit(inverse, 0)
        try:
            future.result(timeout=TIMEOUT)
        except ZeroDivisionError as exc:
            report("executor", exc)
    # leaving the block waits for the workers to finish and exit


def with_pool(numbers):
    with multiprocessing.Pool(WORKERS) as pool:
        squares = pool.map_async(square, numbers).get(TIMEOUT)
        print("Pool:    ", squares)
        result = pool.apply_async(inverse, (0,))
        try:
            result.get(TIMEOUT)
        except ZeroDivisionError as exc:
            report("Pool", exc)
        pool.close()  # no more tasks
        pool.join()  # wait for the workers to exit: leaving the block
        # without close() and join() would terminate() them instead


def main():
    numbers = range(10)
    with_executor(numbers)
    with_pool(numbers)


if __name__ == "__main__":
    main()
