"""Drain first, then join: the child that put a large item exits.

The same child as in join_before_drain.py puts 100,000 bytes. The parent
reads first, with a timeout, and joins afterwards, with a timeout: once the
data is read, the child's feeder finishes and the child can exit.
"""
import multiprocessing
import queue

SIZE = 100_000  # bytes: more than a pipe holds
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def producer(q):
    q.put(b"x" * SIZE)  # returns at once; the feeder thread writes it later
    print("producer: put() returned; now exiting")


def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,), name="producer")
    p.start()
    # --8<-- [start:drain]
    try:
        # read first: this lets the child's feeder finish
        data = q.get(timeout=TIMEOUT)
    except queue.Empty:
        raise SystemExit(f"nothing arrived within {TIMEOUT} s") from None
    p.join(TIMEOUT)  # then join
    # --8<-- [end:drain]
    print(f"got {len(data)} bytes")
    print(f"producer exit code: {p.exitcode}")


if __name__ == "__main__":
    main()
