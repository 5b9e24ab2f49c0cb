"""A child that has ended keeps its process ID until it is joined.

The child exits at once. Its sentinel says so, but until the parent
collects its exit status (join(), is_alive(), exitcode) the ended child
still holds its process ID: a zombie. Process.close() then releases what
the Process object holds; after it, the object can no longer be used.
"""
import multiprocessing
import os
from multiprocessing.connection import wait

TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def work():
    pass


def wait_for(event):
    event.wait(TIMEOUT)


def pid_in_use(pid):
    try:
        os.kill(pid, 0)  # signal 0: nothing is sent, the pid is checked
    except ProcessLookupError:
        return False
    return True


def main():
    p = multiprocessing.Process(target=work)
    p.start()
    wait([p.sentinel], timeout=TIMEOUT)  # it has ended; nobody reaped it
    print("ended, not yet joined; its pid still in use:", pid_in_use(p.pid))
    p.join(TIMEOUT)
    print("joined; exit code", p.exitcode, "; pid in use:", pid_in_use(p.pid))
    p.close()  # releases the sentinel and the rest; p is done with
    try:
        p.is_alive()
    except ValueError as exc:
        print("after close():", exc)
    go = multiprocessing.Event()
    running = multiprocessing.Process(target=wait_for, args=(go,))
    running.start()
    try:
        running.close()
    except ValueError as exc:
        print("close() on a running process:", exc)
    go.set()
    running.join(TIMEOUT)
    running.close()


if __name__ == "__main__":
    main()
