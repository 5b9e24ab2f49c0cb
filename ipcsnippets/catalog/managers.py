"""Snippets on the page about Manager queues and a queue served over TCP."""
from . import Snippet, completes, raises
from .exercises import pair

SNIPPETS = (
    Snippet(
        name="manager_queue",
        title="A Manager queue: synchronous put, errors in the caller, still racy",
        page="queues/managers.md",
        expect={"*": completes(
            r"in the server it is: <queue\.Queue object",
            r"empty\(\) right after put\(\): True in 0 of \d+ fresh queues",
            r"raised in the caller: TypeError: cannot pickle '_thread\.lock' object",
            r"the queue still holds 0 items",
            r"Pool workers put into the manager queue: \[1, 4, 9, 16, 25\]",
            r"one consumer: empty\(\) was False, then get\(\) found nothing\n"
            r"one consumer: empty\(\) was False, then get\(\) took the item",
            r"processes left: \[\]",
            hides=(r"Traceback",),
        )},
        timeout=8,
    ),
    Snippet(
        name="manager_queue_cost",
        title="A Manager queue costs a server process and a round trip per call",
        page="queues/managers.md",
        # Throughput numbers change from run to run; the test checks the margin.
        expect={"*": completes(
            r"processes while the manager runs: \['SyncManager-1'\]",
            r"processes after the with-block: \[\]",
            r"multiprocessing\.Queue: +[\d,]+ items/s",
            r"Manager\(\)\.Queue: +[\d,]+ items/s",
            r"the Manager queue was \d+\.\d times slower",
            hides=(r"Traceback",),
        )},
        timeout=10,
        deterministic=False,
    ),
    Snippet(
        name="remote_queue",
        title="A BaseManager serves a queue on 127.0.0.1; clients connect() with an authkey",
        page="queues/managers.md",
        expect={"*": completes(
            r"port 0 became a free port: True",
            r"feeder put 100 items; now the sentinel\n"
            r"drainer got 100 items; each exactly once: True",
            r"clients' exit codes: \[0, 0\]",
            r"a wrong authkey is refused: AuthenticationError: digest sent was rejected",
            r"processes left: \[\]",
            hides=(r"Traceback",),
        )},
        timeout=8,
    ),
)


# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "manager_closed", "queues/managers.md",
        title="a Manager queue used after its manager shut down",
        bug={"*": raises("FileNotFoundError", r"^FileNotFoundError: \[Errno 2\] No such file or directory$")},
        fixed={"*": completes(r"^got 'hello'$")},
        timeout=10,
    ),
    *pair(
        "queue_to_pool", "queues/managers.md",
        title="a multiprocessing.Queue inside a Pool task",
        bug={"*": raises("RuntimeError",
                         r"^RuntimeError: Queue objects should only be shared between processes through inheritance$")},
        fixed={"*": completes(r"^reported: \[1, 4, 9\]$")},
        timeout=10,
    ),
)
