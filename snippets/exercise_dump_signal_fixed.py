"""Answer to exercise_dump_signal_bug.py: the handler set in the parent only.

faulthandler.register() installs a signal handler in the process that
calls it. A fork child is a copy of the parent and has the handler too. A
spawn child is a new interpreter, and a forkserver child is forked from
one, the fork server: neither ran main(), so SIGUSR2 does what it does by
default, and ends the process. Register the handler in every process: the
worker first thing in its target, before it tells the parent it is ready.
"""
import faulthandler
import multiprocessing
import os
import signal
import time

TIMEOUT = 10  # seconds
SETTLE = 0.5  # seconds: time for the worker to reach its wait


def arm():
    """Call in every process: a spawn or forkserver child does not have
    the parent's handler."""
    faulthandler.register(signal.SIGUSR2, all_threads=True)


def worker(conn):
    arm()  # before it says it is ready: the signal may come at once
    conn.send("waiting")
    conn.poll(TIMEOUT)  # the wait the parent wants to see


def ended(exitcode):
    if exitcode is not None and exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"


def main():
    arm()
    conn, child_conn = multiprocessing.Pipe()
    p = multiprocessing.Process(target=worker, args=(child_conn,),
                                name="worker")
    p.start()
    if conn.poll(TIMEOUT):
        print(f"worker says: {conn.recv()}", flush=True)
        time.sleep(SETTLE)
        os.kill(p.pid, signal.SIGUSR2)  # where does it wait?
    conn.send("stop")
    p.join(TIMEOUT)
    print(f"worker ended: {ended(p.exitcode)}")


if __name__ == "__main__":
    main()
