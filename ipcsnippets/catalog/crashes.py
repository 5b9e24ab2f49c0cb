"""Snippets on the page about a process that dies mid-work."""
from . import Snippet, completes, hangs
from .exercises import pair

SNIPPETS = (
    Snippet(
        name="consumer_dies",
        title="A consumer dies holding an item: collecting with a timeout notices",
        page="queues/crashes.md",
        # How many results die with the worker depends on its feeder thread;
        # item 13 is always among them, and the run always ends. If the crash
        # comes while the dead worker's feeder holds the results queue's write
        # lock, the other worker can never flush and is terminated (-15).
        expect={"*": completes(r"received \d+ of 20 results; missing: \[[\d, ]*\b13\b",
                               r"exit codes: \[(-9, 0|-15, -9)\]")},
        timeout=10,
        deterministic=False,
    ),
    Snippet(
        name="joinable_consumer_dies",
        title="A consumer dies holding an item: JoinableQueue.join() hangs",
        page="queues/crashes.md",
        expect={"*": hangs(r"done with item 4")},
        timeout=3,
    ),
)


_NOT_AN_INT = r"ValueError: invalid literal for int\(\) with base 10: 'three'$"

# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "worker_fails", "queues/crashes.md",
        title="the parent waits for a worker that died",
        bug={"*": hangs(_NOT_AN_INT, hides=(r"doubled",))},
        fixed={"*": completes(_NOT_AN_INT, r"^doubled: \[2, 4\]$",
                              r"^2 of 4 lines got no answer; the worker's exit code: 1$")},
        timeout=10,
    ),
)
