"""Snippets on the page about the same producer and consumers on a Redis server.

Each needs redis-py and a server (``needs=(REDIS,)``): the runner gives a
run the server's address in ``REDIS_URL``, and such a snippet runs only on
an interpreter that can import ``redis``.
"""
from . import REDIS, Snippet, completes, loses_items

NO_ERROR = (r"Traceback", r"cannot use the Redis server")

SNIPPETS = (
    Snippet(
        name="redis_llen_trap",
        title="Consumers that stop when LLEN is 0 leave the jobs in the list",
        page="queues/redis.md",
        expect={"*": loses_items(
            "completes",
            r"consumer exit codes: \[0, 0\]",
            r"consumed \d+ of 20 jobs",
        )},
        timeout=15,  # 2 s alone; the matrix runs eight at a time on 2 cores
        needs=(REDIS,),
    ),
    Snippet(
        name="redis_sentinel",
        title="One sentinel per consumer on a Redis list, BLPOP with a timeout",
        page="queues/redis.md",
        expect={"*": completes(
            r"consumer exit codes: \[0, 0\]",
            r"consumed 200 of 200 jobs; never consumed: 0",
            r"every job exactly once: True",
            hides=NO_ERROR,
        )},
        timeout=15,  # 2 s alone; the matrix runs eight at a time on 2 cores
        needs=(REDIS,),
    ),
    Snippet(
        name="redis_blpop_lost",
        title="A consumer killed after BLPOP loses the job it held",
        page="queues/redis.md",
        expect={"*": loses_items(
            "completes",
            r"a consumer took job 0 and was killed \(exit code -9\)",
            r"the other consumer did 9 jobs; left in the list: 0",
            r"never consumed: 1 \[0\]",
        )},
        timeout=15,  # 2 s alone; the matrix runs eight at a time on 2 cores
        needs=(REDIS,),
    ),
    Snippet(
        name="redis_stream_reliable",
        title="A stream and a consumer group: a killed consumer loses nothing",
        page="queues/redis.md",
        # A consumer is killed at a random moment in each round: the counts
        # change from run to run, "lost: 0" never does. What it shows is the
        # server's doing, the same under every start method: it runs once,
        # with the interpreter's default (five rounds of process starts
        # under spawn cost seconds of the suite's budget for nothing new).
        expect={"*": completes(
            r"^5 rounds of 30 jobs, SIGKILL sent to c0 in each: never consumed: 0;",
            r"^round 5: ",
            hides=(*NO_ERROR, r"lost: [1-9]", r"results right: False"),
        )},
        timeout=15,
        start_methods=(),
        deterministic=False,
        needs=(REDIS,),
    ),
    Snippet(
        name="redis_throughput",
        title="A Redis list per item and pipelined, against multiprocessing.Queue",
        page="queues/redis.md",
        # The figures change on every run; `python -m ipcsnippets redis-bench`
        # measures them several times for the page's table. It measures no
        # start method: it runs once, with the interpreter's default.
        expect={"*": completes(
            r"^one round trip to Redis \(PING\), median of 1000: \d+ µs$",
            r"^multiprocessing\.Queue, one item per put\(\): +[\d,]+ items/s$",
            r"^Redis list, one command per item: +[\d,]+ items/s$",
            r"^Redis list, pipelines of 100 commands: +[\d,]+ items/s$",
            hides=NO_ERROR,
        )},
        # Like ipc_bench, a fixed amount of work, each item a round trip to
        # the server: beside the slow tier's other workers on 2 cores it
        # went over 15 s in CI (the figures are in the commit that raised it).
        timeout=45,
        start_methods=(),
        deterministic=False,
        needs=(REDIS,),
    ),
)
