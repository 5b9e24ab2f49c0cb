"""An unbounded queue and a slow consumer: the producer's memory grows.

put() on a Queue never waits: it appends the item to a buffer in the
producer's own process, and a feeder thread writes it to the pipe as fast
as the consumer reads. With a slow consumer, everything put and not yet
written stays in that buffer. The same program with Queue(maxsize) keeps
the buffer small: put() waits instead. Memory is measured with
tracemalloc: what Python allocated in the producer, not the process's
whole size.
"""
import multiprocessing
import time
import tracemalloc

ITEMS = 1000
SIZE = 10_000  # bytes per item
PACE = 0.001  # seconds the consumer spends on each item
MAXSIZE = 10
EVERY = 250  # items between two measurements
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def consumer(q):
    for _ in range(ITEMS):
        q.get(timeout=TIMEOUT)
        time.sleep(PACE)  # a slow consumer


def produce(q):
    """Put ITEMS items; the producer's memory in MB every EVERY items."""
    p = multiprocessing.Process(target=consumer, args=(q,))
    p.start()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    sizes = []
    for n in range(1, ITEMS + 1):
        q.put(bytes(SIZE))  # a new item each time, as real data would be
        if n % EVERY == 0:
            sizes.append((tracemalloc.get_traced_memory()[0] - base) / 1e6)
    tracemalloc.stop()
    p.join(TIMEOUT + ITEMS * PACE)
    return sizes


def main():
    unbounded = produce(multiprocessing.Queue())
    bounded = produce(multiprocessing.Queue(maxsize=MAXSIZE))
    print(f"{ITEMS} items of {SIZE} bytes, a consumer taking {PACE * 1000:g}"
          f" ms per item; the producer's memory in MB (tracemalloc):")
    bounded_name = f"Queue(maxsize={MAXSIZE})"
    print(f"{'items put':>9}  {'Queue()':>8}  {bounded_name:>18}")
    for i, (free, capped) in enumerate(zip(unbounded, bounded), 1):
        print(f"{i * EVERY:>9}  {free:>8.1f}  {capped:>18.1f}")


if __name__ == "__main__":
    main()
