"""The fix on Redis: one sentinel per consumer, and BLPOP with a timeout.

The producer pushes the jobs to a Redis list with RPUSH, then one sentinel
per consumer. A consumer never asks whether the list is empty: it waits in
BLPOP until it gets a job or its sentinel. BLPOP takes a timeout in seconds
and returns None when it runs out, so a lost producer ends a consumer with
an error instead of a wait for ever (a timeout of 0 waits for ever). Every
job is consumed exactly once.
"""
import multiprocessing
import os
import sys

import redis

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
JOBS = 200
CONSUMERS = 2
SENTINEL = "stop"  # any value that is never a real job
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


def consumer(url, jobs, results):
    r = connect(url)
    # --8<-- [start:consume]
    while True:
        popped = r.blpop([jobs], timeout=TIMEOUT)  # (key, value) or None
        if popped is None:
            sys.exit(f"no job and no sentinel for {TIMEOUT} s")
        job = popped[1]
        if job == SENTINEL:
            break
        r.rpush(results, int(job) ** 2)
    # --8<-- [end:consume]


def main():
    r = connect(URL)
    jobs, results = f"jobs:{os.getpid()}", f"results:{os.getpid()}"
    consumers = [
        multiprocessing.Process(target=consumer, args=(URL, jobs, results))
        for _ in range(CONSUMERS)
    ]
    for p in consumers:
        p.start()
    # --8<-- [start:produce]
    r.rpush(jobs, *range(JOBS))
    r.rpush(jobs, *[SENTINEL] * CONSUMERS)  # one each: each stops at one
    # --8<-- [end:produce]
    squares = []
    for _ in range(JOBS):
        popped = r.blpop([results], timeout=TIMEOUT)
        if popped is None:
            sys.exit(f"no result for {TIMEOUT} s")
        squares.append(int(popped[1]))
    for p in consumers:
        p.join(TIMEOUT)
    print("consumer exit codes:", [p.exitcode for p in consumers])
    lost = JOBS - len(squares)
    print(f"consumed {len(squares)} of {JOBS} jobs; never consumed: {lost}")
    print("every job exactly once:",
          sorted(squares) == [n * n for n in range(JOBS)])
    r.delete(jobs, results)


if __name__ == "__main__":
    main()
