"""Exercise: the worker was asked for its stacks, and it died. Why?

To see where its worker waits, the parent tells faulthandler to write the
stack of every thread when the process receives SIGUSR2. It then sends
SIGUSR2 to the worker, as kill -USR2 PID would from a shell. Under fork
the worker prints its stack and goes on; under spawn and forkserver it
prints nothing and dies. The answer, and the fixed program, are in
exercise_dump_signal_fixed.py.
"""
import faulthandler
import multiprocessing
import os
import signal
import time

TIMEOUT = 10  # seconds
SETTLE = 0.5  # seconds: time for the worker to reach its wait


def worker(conn):
    conn.send("waiting")
    conn.poll(TIMEOUT)  # the wait the parent wants to see


def ended(exitcode):
    if exitcode is not None and exitcode < 0:
        return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"


def main():
    # On SIGUSR2, write the stack of every thread to stderr.
    faulthandler.register(signal.SIGUSR2, all_threads=True)
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
