"""Process.sentinel: notice that a process ended, without polling.

Two workers report on one pipe, each send under a lock, so the pipe gives
no EOF while either of them is alive. worker-2 crashes after one result.
The parent waits on the pipe and on every worker's sentinel at once with
multiprocessing.connection.wait(): it returns as soon as a message arrives
or a worker ends, however the worker ended. Then exitcode says how.
"""
import collections
import multiprocessing
import os
import signal
from multiprocessing.connection import wait

PACE = 0.05  # seconds between worker-1's results
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def steady(send_end, lock, stop):
    n = 0
    while not stop.wait(PACE):  # a result now and then, until told to stop
        with lock:
            send_end.send(("worker-1", n))
        n += 1


def crasher(send_end, lock):
    with lock:
        send_end.send(("worker-2", 0))
    os.kill(os.getpid(), signal.SIGKILL)  # a crash: no clean-up, no EOF


def receive(receive_end, received):
    """Count one message; False at EOF (every send end closed)."""
    try:
        name, _ = receive_end.recv()
    except EOFError:
        return False
    received[name] += 1
    return True


def main():
    receive_end, send_end = multiprocessing.Pipe(duplex=False)
    lock, stop = multiprocessing.Lock(), multiprocessing.Event()
    workers = [
        multiprocessing.Process(target=steady, args=(send_end, lock, stop),
                                name="worker-1"),
        multiprocessing.Process(target=crasher, args=(send_end, lock),
                                name="worker-2"),
    ]
    for p in workers:
        p.start()
    send_end.close()  # the parent's copy: EOF once both workers are gone
    received = collections.Counter()
    # --8<-- [start:wait]
    running = {p.sentinel: p for p in workers}
    while running:
        ready = wait([receive_end, *running], timeout=TIMEOUT)
        if not ready:
            raise SystemExit(f"no message and no exit for {TIMEOUT} s")
        for obj in ready:
            if obj is receive_end:
                receive(receive_end, received)
                continue
            p = running.pop(obj)  # a sentinel: this process has ended
            p.join(TIMEOUT)  # returns at once; now exitcode is set
            print(f"{p.name} ended, exit code {p.exitcode}")
            for other in running.values():
                print(f"{other.name} is still running: exit code "
                      f"{other.exitcode}")
            stop.set()  # one worker is gone: ask the others to stop
    # --8<-- [end:wait]
    while receive_end.poll() and receive(receive_end, received):
        pass  # what the pipe still holds, up to EOF
    print("results from worker-2:", received["worker-2"])


if __name__ == "__main__":
    main()
