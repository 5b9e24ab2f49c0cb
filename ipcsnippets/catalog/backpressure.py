"""Snippets on the page about bounded queues and a producer's memory."""
from . import Snippet, completes

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
)
