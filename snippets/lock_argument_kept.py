"""The fix: keep the Lock in a variable until the child has been joined.

The same program as lock_argument_collected.py, but main() names the lock.
While that name lives, the lock is not collected and its semaphore keeps its
name, so a spawn or forkserver child can open it whenever it gets there.
It works under every start method.
"""
import multiprocessing

TIMEOUT = 10  # seconds


def work(lock):
    if lock.acquire(timeout=TIMEOUT):
        try:
            print("child: holding the lock")
        finally:
            lock.release()


def main():
    lock = multiprocessing.Lock()  # lives until main() returns, after join()
    child = multiprocessing.Process(target=work, args=(lock,))
    child.start()
    child.join(TIMEOUT)
    print(f"parent: the child's exit code is {child.exitcode}")


if __name__ == "__main__":
    main()
