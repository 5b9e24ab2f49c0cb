"""Snippets on the page about join deadlocks and exit hangs."""
from . import COMPLETES, Snippet, completes, hangs, loses_items
from .exercises import pair

SNIPPETS = (
    Snippet(
        name="join_before_drain",
        title="join() before get() on a child that put 100 KB: deadlock",
        page="queues/deadlocks.md",
        # The parent waits in join(); the child waits at exit for its feeder,
        # which waits to write into a full pipe.
        expect={"*": hangs(r"producer: put\(\) returned; now exiting")},
        timeout=2,
    ),
    Snippet(
        name="drain_then_join",
        title="get() first, then join(): the same child exits",
        page="queues/deadlocks.md",
        expect={"*": completes(r"^got 100000 bytes$", r"^producer exit code: 0$")},
        timeout=5,
    ),
    Snippet(
        name="exit_hang",
        title="65,600 unread bytes: the process that put them never exits",
        page="queues/deadlocks.md",
        expect={"*": hangs(r"put 65600 bytes that nobody will read", r"main\(\) returns")},
        timeout=2,
    ),
    Snippet(
        name="cancel_join_thread",
        title="cancel_join_thread(): the child exits at once, unsent items are lost",
        page="queues/deadlocks.md",
        # How many items reached the pipe before the child exited varies;
        # the pipe holds fewer than 70 of them, so most are always lost.
        expect={"*": loses_items(COMPLETES, r"producer exited before anything was read: True")},
        timeout=5,
        deterministic=False,
    ),
)


# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "results_grow", "queues/deadlocks.md",
        title="join() before get() once the results outgrow the pipe",
        bug={"*": hangs(r"^2 workers started for 5000 numbers$", hides=(r"received",))},
        fixed={"*": completes(r"^received 5000 squares$", r"^both workers have finished: True$")},
        timeout=10,
    ),
)
