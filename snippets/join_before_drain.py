"""Joining a child before reading what it put: a deadlock.

The child puts 100,000 bytes on a Queue, more than the pipe under the queue
holds (64 KiB on Linux). Its feeder thread writes what fits and waits for a
reader. The child cannot exit until its feeder is done, and the parent calls
join() before get(): each waits for the other, for ever.
"""
import multiprocessing

SIZE = 100_000  # bytes: more than a pipe holds


def producer(q):
    q.put(b"x" * SIZE)  # returns at once; the feeder thread writes it later
    print("producer: put() returned; now exiting")


def main():
    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=producer, args=(q,), name="producer")
    p.start()
    # --8<-- [start:deadlock]
    p.join()  # waits for the child, which waits for someone to read the pipe
    data = q.get()  # never reached
    # --8<-- [end:deadlock]
    print(f"got {len(data)} bytes")


if __name__ == "__main__":
    main()
