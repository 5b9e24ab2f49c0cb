"""A pool worker is killed mid-task: one pool raises, the other waits.

ProcessPoolExecutor notices that a worker died: every pending future fails
with BrokenProcessPool, and the executor takes no more work.
multiprocessing.Pool starts a new worker in place of the dead one and goes
on, but the task that died with the old one never gets a result: a get()
without a timeout would wait for it for ever.
"""
import concurrent.futures
import multiprocessing
import os
import signal

CRASH_ON = 3
WAIT = 1  # seconds to wait for the Pool's result that never comes
TIMEOUT = 10  # seconds for any result that should come


def work(n):
    if n == CRASH_ON:
        os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer
    return n * n


def with_executor():
    with concurrent.futures.ProcessPoolExecutor(2) as executor:
        try:
            print(list(executor.map(work, range(8), timeout=TIMEOUT)))
        except concurrent.futures.process.BrokenProcessPool as exc:
            print("executor: map() raised BrokenProcessPool:", exc)
        try:
            executor.submit(work, 1)
        except concurrent.futures.process.BrokenProcessPool:
            print("executor: submit() raises it too: the pool is done")


def with_pool():
    with multiprocessing.Pool(2) as pool:
        result = pool.map_async(work, range(8))
        try:
            print(result.get(WAIT))
        except multiprocessing.TimeoutError:
            print(f"Pool: no result after {WAIT} s, and none will come")
        later = pool.apply_async(work, (4,)).get(TIMEOUT)
        print("Pool: a new worker runs later tasks: work(4) =", later)
    # leaving the block terminates the workers


def main():
    with_executor()
    with_pool()


if __name__ == "__main__":
    main()
