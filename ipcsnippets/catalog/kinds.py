"""Snippets on the page about the three queues: what each is, and how each behaves."""
from . import Snippet, completes
from .exercises import pair

PAGE = "queues/kinds.md"
CLOSED = r"ValueError: Queue <multiprocessing\.queues\.Queue object at 0x[0-9a-f.]+> is closed"

SNIPPETS = (
    Snippet(
        name="queue_kinds",
        title="SimpleQueue, Queue and JoinableQueue side by side",
        page=PAGE,
        expect={"*": completes(
            r"^SimpleQueue: +item in the pipe when put\(\) returned: True; feeder threads: 0$",
            r"^Queue: +feeder threads after put\(\): 1; after close\(\) and join_thread\(\): 0$",
            r"^JoinableQueue: +feeder threads after put\(\): 1; after close\(\) and join_thread\(\): 0$",
            r"^the child's feeder threads: 0 before its first put\(\), 1 after$",
            r"^this process only read from that queue: feeder threads here: 0$",
            r"^JoinableQueue adds to those: join, task_done$",
        )},
        timeout=10,
    ),
    Snippet(
        name="queue_unpicklable",
        title="An unpicklable item: Queue.put() returns and the feeder drops it; SimpleQueue.put() raises",
        page=PAGE,
        # The feeder thread's traceback, then the later item arrives anyway.
        expect={"*": completes(
            r"in _feed\n(?:.*\n)*TypeError: cannot pickle '_thread\.lock' object",
            r"^put 3 items, received \['first', 'third'\]; the lock was dropped$",
            r"^SimpleQueue\.put\(a lock\) raised TypeError: cannot pickle '_thread\.lock' object$",
            r"^Connection\.send\(a lock\) raised TypeError: cannot pickle '_thread\.lock' object$",
        )},
        timeout=10,
    ),
    Snippet(
        name="queue_ordering",
        title="Three producers: each one's items in order, the producers interleaved",
        page=PAGE,
        # Each round holds one item of each producer, in an order that
        # changes from run to run.
        expect={"*": completes(
            *(rf"^round {n}: (?=.*\bA{n}\b)(?=.*\bB{n}\b)(?=.*\bC{n}\b)\S+ \S+ \S+$" for n in range(4)),
            r"^A's items in the order they arrived: A0 A1 A2 A3$",
            r"^B's items in the order they arrived: B0 B1 B2 B3$",
            r"^C's items in the order they arrived: C0 C1 C2 C3$",
        )},
        timeout=10,
        deterministic=False,
    ),
    Snippet(
        name="queue_empty_vs_qsize",
        title="Right after put(), empty() is often True while qsize() is 1",
        page=PAGE,
        expect={"*": completes(
            r"^  qsize\(\) == 1 in 1000 of 1000$",
            r"^  empty\(\) is True in \d+ of 1000$",
        )},
        timeout=15,
        deterministic=False,
    ),
    Snippet(
        name="queue_in_queue",
        title="A Queue cannot go through a queue or a pipe; pass it to Process",
        page=PAGE,
        expect={"*": completes(
            r"^SimpleQueue\.put\(a Queue\) raised RuntimeError: Queue objects should only be shared "
            r"between processes through inheritance$",
            r"^Connection\.send\(a Queue\) raised RuntimeError: Queue objects should only be shared "
            r"between processes through inheritance$",
            r"in _feed\n(?:.*\n)*RuntimeError: Queue objects should only be shared between processes "
            r"through inheritance\nQueue\.put\(a Queue\) returned; then get\(\) gave 'the next item'$",
            r"^hello through a Queue passed as a Process argument$",
        )},
        timeout=10,
    ),
    Snippet(
        name="queue_close",
        title="close() and join_thread() flush the feeder; then put() and get() raise ValueError",
        page=PAGE,
        expect={
            "*": completes(
                r"^after close\(\) and join_thread\(\): feeder threads here: 0$",
                r"^put\(\) after close\(\): " + CLOSED + "$",
                r"^get\(\) after close\(\): " + CLOSED + "$",
                r"^the consumer got \[0, 1, 2\], then queue\.Empty after waiting 0\.5 s$",
                r"^multiprocessing\.Queue has shutdown\(\): False$",
                r"^queue\.Queue has shutdown\(\): False$",
            ),
            # queue.Queue.shutdown() is new in 3.13; multiprocessing.Queue still has none.
            "*>=3.13": completes(
                r"^after close\(\) and join_thread\(\): feeder threads here: 0$",
                r"^put\(\) after close\(\): " + CLOSED + "$",
                r"^get\(\) after close\(\): " + CLOSED + "$",
                r"^the consumer got \[0, 1, 2\], then queue\.Empty after waiting 0\.5 s$",
                r"^multiprocessing\.Queue has shutdown\(\): False$",
                r"^queue\.Queue has shutdown\(\): True$",
            ),
        },
        timeout=10,
    ),
)


_NOT_PICKLED = r"TypeError: cannot pickle 'generator' object"

# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "generator_result", "queues/kinds.md",
        title="a job that cannot be pickled vanishes",
        bug={"*": completes(_NOT_PICKLED, r"^answers for 2 of 3 jobs: \{'small': 14, 'evens': 120\}$")},
        fixed={"*": completes(r"^answers for 3 of 3 jobs: \{'small': 14, 'evens': 120, 'odds': 165\}$",
                              hides=(r"Traceback",))},
        timeout=10,
    ),
)
