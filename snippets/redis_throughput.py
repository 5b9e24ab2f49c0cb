"""How fast a Redis list moves small jobs, against multiprocessing.Queue.

A producer process sends ITEMS small ints to this process (a tenth of them
for the slow way), three ways:
through a multiprocessing.Queue; through a Redis list with one command per
item (RPUSH to send, BLPOP to take); and through a Redis list with the
commands sent in pipelines of BATCH (many commands, one round trip), taken
BATCH at a time with LPOP and a count. Each figure is the best of REPEATS
rounds; the producer starts before the clock does.

Every Redis command waits for its answer: one network round trip, which
the first line measures with PING. A loop of one command per item can go
no faster than one item per round trip; a pipeline pays one round trip for
the whole batch.
"""
import multiprocessing
import os
import statistics
import sys
import time

import redis

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
ITEMS = 5000
SLOW_SHARE = 10  # one command per item is slow: send it a tenth of the items
BATCH = 100
REPEATS = 3
PINGS = 1000
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def connect(url):
    """A client whose server answered PING; else one line, and exit 1."""
    try:
        client = redis.Redis.from_url(
            url, decode_responses=True,
            socket_timeout=TIMEOUT + 5)  # longer than any BLPOP's own
        client.ping()
    except (ValueError, redis.exceptions.RedisError) as exc:
        sys.exit(f"cannot use the Redis server at {url}: {exc}")
    return client


def produce_queue(q, go):
    go.wait(TIMEOUT)
    for n in range(ITEMS):
        q.put(n)


def consume_queue(q):
    for _ in range(ITEMS):
        q.get(timeout=TIMEOUT)


# --8<-- [start:per_item]
def produce_per_item(url, key, go, items):
    r = connect(url)
    go.wait(TIMEOUT)
    for n in range(items):
        r.rpush(key, n)  # one round trip per item


def consume_per_item(r, key, items):
    for _ in range(items):
        if r.blpop([key], timeout=TIMEOUT) is None:
            sys.exit(f"no item for {TIMEOUT} s")
# --8<-- [end:per_item]


# --8<-- [start:pipelined]
def produce_pipelined(url, key, go):
    r = connect(url)
    go.wait(TIMEOUT)
    for start in range(0, ITEMS, BATCH):
        pipe = r.pipeline(transaction=False)
        for n in range(start, min(start + BATCH, ITEMS)):
            pipe.rpush(key, n)
        pipe.execute()  # one round trip for the whole batch


def consume_pipelined(r, key):
    taken = 0
    while taken < ITEMS:
        items = r.lpop(key, BATCH)  # up to BATCH items, or None if empty
        if items is None:
            popped = r.blpop([key], timeout=TIMEOUT)  # wait for one
            if popped is None:
                sys.exit(f"no item for {TIMEOUT} s")
            items = popped[1:]
        taken += len(items)
# --8<-- [end:pipelined]


def rate(start_producer, consume, cleanup, items=ITEMS):
    """Items per second of the best of REPEATS rounds of `items` items."""
    best = None
    for _ in range(REPEATS):
        go = multiprocessing.Event()
        producer = start_producer(go)
        started = time.perf_counter()
        go.set()
        consume()
        seconds = time.perf_counter() - started
        producer.join(TIMEOUT)
        cleanup()
        best = seconds if best is None else min(best, seconds)
    return items / best


def process(target, *args):
    p = multiprocessing.Process(target=target, args=args)
    p.start()
    return p


def main():
    r = connect(URL)
    key = f"items:{os.getpid()}"
    pings = []
    for _ in range(PINGS):
        started = time.perf_counter()
        r.ping()
        pings.append(time.perf_counter() - started)
    print(f"one round trip to Redis (PING), median of {PINGS}: "
          f"{statistics.median(pings) * 1e6:.0f} µs")
    q = multiprocessing.Queue()
    slow = ITEMS // SLOW_SHARE
    figures = {
        "multiprocessing.Queue, one item per put()": rate(
            lambda go: process(produce_queue, q, go),
            lambda: consume_queue(q), lambda: None),
        "Redis list, one command per item": rate(
            lambda go: process(produce_per_item, URL, key, go, slow),
            lambda: consume_per_item(r, key, slow), lambda: r.delete(key),
            slow),
        f"Redis list, pipelines of {BATCH} commands": rate(
            lambda go: process(produce_pipelined, URL, key, go),
            lambda: consume_pipelined(r, key), lambda: r.delete(key)),
    }
    for label, items_per_s in figures.items():
        print(f"{label + ':':<46}{items_per_s:>10,.0f} items/s")


if __name__ == "__main__":
    main()
