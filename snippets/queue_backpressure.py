"""Queue(maxsize): a full queue makes the producer wait.

A bounded queue counts the items put and not yet taken. Once there are
maxsize of them, put() waits for a consumer to take one: that wait is the
backpressure that keeps a fast producer from running ahead. put(timeout=t)
waits up to t seconds and then raises queue.Full; put(block=False) raises
it at once.
"""
import multiprocessing
import queue
import time

MAXSIZE = 3
SHORT = 0.2  # seconds put() may wait for room
SLOW = 0.5  # seconds before the consumer takes its first item
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def consumer(q, go):
    go.wait(TIMEOUT)
    time.sleep(SLOW)  # a slow consumer
    for _ in range(MAXSIZE + 1):
        q.get(timeout=TIMEOUT)


def main():
    q = multiprocessing.Queue(maxsize=MAXSIZE)
    for n in range(MAXSIZE):
        q.put(n)  # room for these: put() returns at once
    print(f"{MAXSIZE} items put; full: {q.full()}")
    try:
        q.put("one more", block=False)
    except queue.Full:
        print("put(block=False) on a full queue: queue.Full at once")
    started = time.monotonic()
    try:
        q.put("one more", timeout=SHORT)
    except queue.Full:
        waited = time.monotonic() - started
        print(f"put(timeout={SHORT}) on a full queue: queue.Full; "
              f"waited the whole timeout: {waited >= SHORT}")
    go = multiprocessing.Event()
    p = multiprocessing.Process(target=consumer, args=(q, go))
    p.start()
    go.set()
    started = time.monotonic()
    q.put("one more", timeout=TIMEOUT)  # waits until the consumer takes one
    waited = time.monotonic() - started
    print(f"put() waited for the slow consumer: {waited >= SLOW}")
    p.join(TIMEOUT)


if __name__ == "__main__":
    main()
