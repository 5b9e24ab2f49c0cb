"""A queue that loses nothing: a Redis stream read by a consumer group.

In each round a producer adds JOBS jobs to a stream, then one sentinel per
consumer. Two consumers read it through one consumer group: XREADGROUP
hands each entry to one of them, and the entry stays pending until that
consumer acknowledges it with XACK, after the work is done. One consumer is
killed (SIGKILL) at a random moment. What it held stays pending; the other
consumer takes it over with XAUTOCLAIM once it has been idle for IDLE_MS,
and does the work again. No job is lost. A job can be done twice (killed
after the work, before the XACK): delivery is at least once, not exactly
once. So the work must be idempotent: here each result is stored under its
job's number, and doing a job twice writes the same value again.
"""
import collections
import multiprocessing
import os
import random
import sys
import time

import redis

URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
ROUNDS = 5
JOBS = 30
CONSUMERS = 2
GROUP = "workers"
STOP = "stop"  # the sentinel: never a real job
IDLE_MS = 100  # pending this long without an XACK: another consumer takes it
WORK = 0.001  # seconds of work per job
KILL_WITHIN = 0.03  # seconds after the start: when the kill comes, at random
TIMEOUT = 10  # seconds: a bug shows up as an error, never as a hang


def connect(url):
    """A client whose server answered PING; else one line, and exit 1."""
    try:
        client = redis.Redis.from_url(
            url, decode_responses=True, socket_timeout=TIMEOUT)
        client.ping()
    except (ValueError, redis.exceptions.RedisError) as exc:
        sys.exit(f"cannot use the Redis server at {url}: {exc}")
    return client


# --8<-- [start:work]
def do(r, keys, name, job):
    time.sleep(WORK)
    r.hset(keys["results"], job, int(job) ** 2)  # the same value every time
    r.rpush(keys["log"], f"{name} {job}")  # each time a job is done


def handle(r, keys, name, entries):
    """Do each entry's job, then acknowledge it; True after a sentinel."""
    stop = False
    for entry_id, fields in entries:
        if fields["job"] == STOP:
            stop = True
        else:
            do(r, keys, name, fields["job"])
        r.xack(keys["stream"], GROUP, entry_id)  # done: no longer pending
    return stop
# --8<-- [end:work]


def consumer(url, keys, name, started):
    r = connect(url)
    started.set()
    stopping = False
    give_up = time.monotonic() + TIMEOUT
    # --8<-- [start:consume]
    while time.monotonic() < give_up:
        # First, entries another consumer left pending for IDLE_MS or more.
        _, claimed, *_ = r.xautoclaim(keys["stream"], GROUP, name,
                                      min_idle_time=IDLE_MS, count=10)
        if claimed:
            r.rpush(keys["claims"], len(claimed))
        stopping |= handle(r, keys, name, claimed)
        if stopping:  # the jobs are all handed out: wait for the pending
            if r.xpending(keys["stream"], GROUP)["pending"] == 0:
                return
            time.sleep(IDLE_MS / 4000)  # a pending entry gets idle meanwhile
            continue
        # Then one new entry, waiting at most IDLE_MS for it.
        for _, entries in r.xreadgroup(GROUP, name, {keys["stream"]: ">"},
                                       count=1, block=IDLE_MS):
            stopping |= handle(r, keys, name, entries)
    # --8<-- [end:consume]
    sys.exit(f"{name}: still not finished after {TIMEOUT} s")


def one_round(r, number):
    keys = {k: f"{k}:{os.getpid()}:{number}"
            for k in ("stream", "results", "log", "claims")}
    r.xgroup_create(keys["stream"], GROUP, id="0", mkstream=True)
    for job in range(JOBS):
        r.xadd(keys["stream"], {"job": job})
    for _ in range(CONSUMERS):
        r.xadd(keys["stream"], {"job": STOP})
    started = [multiprocessing.Event() for _ in range(CONSUMERS)]
    consumers = [
        multiprocessing.Process(target=consumer,
                                args=(URL, keys, f"c{n}", started[n]))
        for n in range(CONSUMERS)
    ]
    for p in consumers:
        p.start()
    for e in started:
        if not e.wait(TIMEOUT):
            sys.exit(f"a consumer did not start within {TIMEOUT} s")
    time.sleep(random.uniform(0, KILL_WITHIN))
    consumers[0].kill()  # c0, at a random moment of its work
    for p in consumers:
        p.join(TIMEOUT)
    results = r.hgetall(keys["results"])
    done = collections.Counter(r.lrange(keys["log"], 0, -1))
    by_c0 = sum(n for entry, n in done.items() if entry.startswith("c0 "))
    runs = collections.Counter(entry.split()[1] for entry in done.elements())
    lost = [job for job in range(JOBS) if str(job) not in results]
    right = all(results[str(j)] == str(j * j) for j in range(JOBS)
                if str(j) in results)
    twice = sorted(int(job) for job, n in runs.items() if n > 1)
    claimed = sum(map(int, r.lrange(keys["claims"], 0, -1)))
    r.delete(*keys.values())
    killed = consumers[0].exitcode != 0  # 0: it had finished before
    print(f"round {number}: c0 did {by_c0} jobs, "
          f"{'then was killed' if killed else 'finished before the kill'}; "
          f"c1 took over {claimed}; lost: {len(lost)}; done twice: {twice}; "
          f"results right: {right}")
    return len(lost), len(twice)


def main():
    r = connect(URL)
    totals = [one_round(r, n) for n in range(1, ROUNDS + 1)]
    lost = sum(t[0] for t in totals)
    twice = sum(t[1] for t in totals)
    print(f"{ROUNDS} rounds of {JOBS} jobs, SIGKILL sent to c0 in each: "
          f"never consumed: {lost}; done twice: {twice}")


if __name__ == "__main__":
    main()
