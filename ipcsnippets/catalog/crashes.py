"""Snippets on the page about a process that dies mid-work."""
from . import Snippet, completes, hangs

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
