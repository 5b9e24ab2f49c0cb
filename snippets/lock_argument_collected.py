"""A Lock created inside the Process(...) call: a spawn child cannot open it.

Nothing in main() keeps the lock. start() sends it to the child, then drops
the process's arguments, so the lock is collected before start() returns.
Under spawn and forkserver a lock is a named semaphore, and collecting the
lock deletes the name. A spawn child opens the semaphore by that name only
after a new interpreter has started: the name is gone, and the child dies
with FileNotFoundError before work() runs. A forkserver child starts sooner
and now and then opens it in time. Under fork the child inherits the
semaphore itself and needs no name.
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
    child = multiprocessing.Process(target=work,
                                    args=(multiprocessing.Lock(),))
    child.start()  # the lock's last reference goes inside start()
    child.join(TIMEOUT)
    print(f"parent: the child's exit code is {child.exitcode}")


if __name__ == "__main__":
    main()
