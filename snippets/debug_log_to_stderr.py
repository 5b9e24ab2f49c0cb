"""join_before_drain.py with multiprocessing's own log turned on.

The same deadlock as on the deadlocks page: the parent joins a child that
put more than the pipe holds. log_to_stderr() makes every process log
multiprocessing's own steps; the child's last line says where it waits.
"""
import logging
import multiprocessing

SIZE = 100_000  # bytes: more than a pipe holds


def producer(q):
    q.put(b"x" * SIZE)  # returns at once; the feeder thread writes it later
    print("producer: put() returned; now exiting", flush=True)


def main():
    # --8<-- [start:log]
    multiprocessing.log_to_stderr(logging.DEBUG)  # children log too
    # --8<-- [end:log]
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,), name="producer")
    p.start()
    p.join()  # the bug: join before get
    print(f"got {len(q.get())} bytes")


if __name__ == "__main__":
    main()
