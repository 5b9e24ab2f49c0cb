"""BLPOP removes the job: a consumer killed while it works loses it.

A consumer takes a job with BLPOP and starts working on it. It is killed
(SIGKILL, as the out-of-memory killer would) before it finishes. BLPOP
removed the job from the list the moment it handed it over, so the job is
now in no list on the server and in no process: nobody will ever do it.
Another consumer does every other job and stops at its sentinel.
"""
import multiprocessing
import os
import sys
import time

import redis

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
JOBS = 10
SENTINEL = "stop"
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


def slow_consumer(url, jobs, holding, took):
    r = connect(url)
    popped = r.blpop([jobs], timeout=TIMEOUT)
    if popped is None:
        sys.exit(f"no job for {TIMEOUT} s")
    holding.value = int(popped[1])  # what it took, for the parent to print
    took.set()
    time.sleep(TIMEOUT)  # a long job: it is killed during it


def consumer(url, jobs, done):
    r = connect(url)
    while True:
        popped = r.blpop([jobs], timeout=TIMEOUT)
        if popped is None:
            sys.exit(f"no job and no sentinel for {TIMEOUT} s")
        if popped[1] == SENTINEL:
            break
        r.rpush(done, popped[1])


def main():
    r = connect(URL)
    jobs, done = f"jobs:{os.getpid()}", f"done:{os.getpid()}"
    r.rpush(jobs, *range(JOBS))
    holding, took = multiprocessing.Value("i", -1), multiprocessing.Event()
    slow = multiprocessing.Process(target=slow_consumer,
                                   args=(URL, jobs, holding, took))
    slow.start()
    if not took.wait(TIMEOUT):
        sys.exit(f"the consumer took no job within {TIMEOUT} s")
    # --8<-- [start:kill]
    slow.kill()  # SIGKILL while it works on the job it popped
    slow.join(TIMEOUT)
    print(f"a consumer took job {holding.value} and was killed "
          f"(exit code {slow.exitcode})")
    # --8<-- [end:kill]
    other = multiprocessing.Process(target=consumer, args=(URL, jobs, done))
    other.start()
    r.rpush(jobs, SENTINEL)
    other.join(TIMEOUT)
    finished = sorted(int(job) for job in r.lrange(done, 0, -1))
    lost = sorted(set(range(JOBS)) - set(finished))
    print(f"the other consumer did {len(finished)} jobs; left in the list: "
          f"{r.llen(jobs)}")
    print(f"never consumed: {len(lost)} {lost}")
    r.delete(jobs, done)


if __name__ == "__main__":
    main()
