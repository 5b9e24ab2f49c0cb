"""Snippets on the page about bounded queues and a producer's memory."""
from . import Snippet, completes
from .exercises import pair

SNIPPETS = (
    Snippet(
        name="queue_backpressure",
        title="Queue(maxsize): put() on a full queue waits, or raises queue.Full",
        page="queues/backpressure.md",
        expect={"*": completes(r"^3 items put; full: True$",
                               r"^put\(block=False\) on a full queue: queue\.Full at once$",
                               r"^put\(timeout=0\.2\) on a full queue: queue\.Full; waited the whole timeout: True$",
                               r"^put\(\) waited for the slow consumer: True$")},
        timeout=10,
    ),
    Snippet(
        name="queue_memory_growth",
        title="An unbounded queue and a slow consumer: the producer's memory grows",
        page="queues/backpressure.md",
        # The figures vary from run to run; tests/test_backpressure.py checks them.
        expect={"*": completes(r"^items put +Queue\(\) +Queue\(maxsize=10\)$",
                               r"^ +1000 +\d+\.\d +\d+\.\d$")},
        timeout=15,
        deterministic=False,
    ),
    *pair(
        "put_all_first", "queues/backpressure.md",
        title="every put() before the first get(), both queues bounded",
        # The parent gives up after PATIENCE (3 s): 4 squares in the results
        # queue, 1 in each worker's hand, 4 numbers in the task queue.
        bug={"*": completes(r"^queue\.Full after 10 of 20 numbers; workers alive: 2 of 2$",
                            hides=(r"sum of the squares", r"Traceback"))},
        fixed={"*": completes(r"^sum of the squares: 2470$", r"^both workers have finished: True$",
                              hides=(r"queue\.Full", r"Traceback"))},
        timeout=10,
    ),
)
