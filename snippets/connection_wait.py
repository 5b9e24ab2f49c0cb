"""multiprocessing.connection.wait(): one loop serves several pipes.

Three workers each get their own pipe and send three results at their own
pace. The parent waits on all the receive ends at once, handles whichever
is ready, and drops an end when recv() raises EOFError: that worker is done.
"""
import multiprocessing
import time
from multiprocessing.connection import wait

# seconds per result
PACE = {"worker-1": 0.15, "worker-2": 0.05, "worker-3": 0.1}
RESULTS = 3  # per worker
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def worker(conn, pace):
    for n in range(1, RESULTS + 1):
        time.sleep(pace)  # stands for real work
        conn.send(f"result {n}")
    conn.close()  # the parent's recv() on this end now raises EOFError


def main():
    ends = {}  # receive end -> the name of the worker that writes to it
    workers = []
    for name, pace in PACE.items():
        receive_end, send_end = multiprocessing.Pipe(duplex=False)
        p = multiprocessing.Process(target=worker, args=(send_end, pace),
                                    name=name)
        p.start()
        # keep no copy of the worker's end, or EOF never comes
        send_end.close()
        ends[receive_end] = name
        workers.append(p)
    # --8<-- [start:wait]
    while ends:
        # the ends that can be read now
        ready = wait(list(ends), timeout=TIMEOUT)
        if not ready:
            raise SystemExit(f"no worker sent anything for {TIMEOUT} s")
        for conn in ready:
            try:
                result = conn.recv()
            except EOFError:
                print(f"{ends.pop(conn)} is done")
                conn.close()
            else:
                print(f"{ends[conn]}: {result}")
    # --8<-- [end:wait]
    for p in workers:
        p.join(TIMEOUT)


if __name__ == "__main__":
    main()
