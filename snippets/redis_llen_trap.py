"""The empty() trap on Redis: consumers that stop when LLEN is 0.

Two consumers pop jobs from a Redis list until LLEN says it is empty. They
are ready before the producer has pushed anything, as workers usually are.
LLEN tells how long the list is now, not whether more jobs are coming: both
consumers see 0 and stop, and every job the producer pushes after that stays
in the list, never consumed. LPOP on an empty list returns None at once, so
nothing hangs here: the program just finishes with the work undone.
"""
import multiprocessing
import os
import sys
import time

import redis

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
JOBS = 20
CONSUMERS = 2
WORK = 0.005  # seconds the producer spends making each job
TIMEOUT = 10  # seconds: no wait lasts longer


def connect(url):
    """A client whose server answered PING; else one line, and exit 1."""
    try:
        client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=TIMEOUT)
        client.ping()
    except (ValueError, redis.exceptions.RedisError) as exc:
        sys.exit(f"cannot use the Redis server at {url}: {exc}")
    return client


def consumer(url, jobs, done, ready):
    r = connect(url)
    ready.set()
    # --8<-- [start:trap]
    while r.llen(jobs) > 0:  # "nothing left": true only for this moment
        job = r.lpop(jobs)  # None if the other consumer took the last one
        if job is not None:
            r.rpush(done, job)
    # --8<-- [end:trap]


def main():
    r = connect(URL)
    jobs, done = f"jobs:{os.getpid()}", f"done:{os.getpid()}"  # our own keys
    ready = [multiprocessing.Event() for _ in range(CONSUMERS)]
    consumers = [
        multiprocessing.Process(target=consumer, args=(URL, jobs, done, e))
        for e in ready
    ]
    for p in consumers:
        p.start()
    for e in ready:
        if not e.wait(TIMEOUT):
            sys.exit(f"a consumer did not start within {TIMEOUT} s")
    for job in range(JOBS):
        time.sleep(WORK)  # making the job
        r.rpush(jobs, job)
    for p in consumers:
        p.join(TIMEOUT)
    print("consumer exit codes:", [p.exitcode for p in consumers])
    consumed, left = r.llen(done), r.llen(jobs)
    print(f"consumed {consumed} of {JOBS} jobs; never consumed: {left}")
    r.delete(jobs, done)


if __name__ == "__main__":
    main()
