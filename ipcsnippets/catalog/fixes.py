"""Snippets on the page about fixing the race (and the fix that is not one)."""
from . import LOST_ITEMS, Snippet, completes, hangs, raises

SNIPPETS = (
    Snippet(
        name="timeout_fix_taught",
        title="The taught timeout fix: consumers stop early, items are lost",
        page="queues/fixes.md",
        # The consumers quit while the feeder still holds items; the parent
        # then waits for ever at exit to flush them into an unread pipe.
        expect={"*": hangs(LOST_ITEMS)},
        timeout=5,
        deterministic=False,
    ),
    Snippet(
        name="sentinel_fix",
        title="One sentinel per consumer: every item consumed exactly once",
        page="queues/fixes.md",
        expect={"*": completes(r"never consumed: 0$", r"every item exactly once: True")},
        timeout=10,
    ),
    Snippet(
        name="get_timeout_fix",
        title="Consumers stop after an idle timeout: get(timeout=...) and queue.Empty",
        page="queues/fixes.md",
        expect={"*": completes(
            r"never consumed: 0$",
            r"every item exactly once: True",
            r"every consumer stopped by itself: True",
        )},
        timeout=10,
    ),
    Snippet(
        name="joinable_queue",
        title="JoinableQueue: join() waits until every item is processed",
        page="queues/fixes.md",
        expect={"*": completes(
            r"tasks\.join\(\) returned",
            r"never consumed: 0$",
            r"every item exactly once: True",
            r"every worker stopped at its sentinel: True",
        )},
        timeout=10,
    ),
    Snippet(
        name="joinable_unpicklable",
        title="An unpicklable item on a JoinableQueue: join() never returns",
        page="queues/fixes.md",
        # The feeder's traceback, then both items that arrived marked done,
        # and join() still waiting when its helper thread gives up.
        expect={"*": completes(
            r"in _feed\n(?:.*\n)*TypeError: cannot pickle '_thread\.lock' object",
            r"^arrived and marked done: \['first', 'third'\]$",
            r"^every item that arrived is done; join\(\) returned: False$",
        )},
        timeout=10,
    ),
    Snippet(
        name="task_done_too_many",
        title="One task_done() too many raises ValueError",
        page="queues/fixes.md",
        expect={"*": raises("ValueError", r"^ValueError: task_done\(\) called too many times$")},
        timeout=5,
    ),
)
