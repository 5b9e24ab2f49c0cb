"""Snippets on the page about fixing the race (and the fix that is not one)."""
from . import LOST_ITEMS, Snippet, completes, hangs, raises
from .exercises import pair

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


def _answered(zero_division: str):
    return completes(
        rf"""^answers: \{{1: 60, 2: 30, 0: "failed: ZeroDivisionError\('{zero_division}'\)", 3: 20, 4: 15\}}$""",
        r"^no answer for: \[\]$")


# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "one_sentinel", "queues/fixes.md",
        title="one sentinel for two consumers",
        bug={"*": hangs(r"^sum of the squares: 285$", hides=(r"have finished",))},
        fixed={"*": completes(r"^sum of the squares: 285$", r"^both consumers have finished: True$")},
        timeout=10,
    ),
    *pair(
        "swallowed_error", "queues/fixes.md",
        title="except Exception: pass hides a failed item",
        bug={"*": completes(r"^answers: \{1: 60, 2: 30, 3: 20, 4: 15\}$", r"^no answer for: \[0\]$",
                            hides=(r"Traceback", r"ZeroDivisionError"))},
        # 3.14 gives every division by zero one message (measured here on
        # 3.14.10 and 3.15.2; 3.13 and older name the integer operation).
        fixed={"*": _answered("integer division or modulo by zero"),
               "*>=3.14": _answered("division by zero")},
        timeout=10,
    ),
    *pair(
        "task_done", "queues/fixes.md",
        title="no task_done() for the sentinel",
        bug={"*": completes(r"^squares received: 6 of 6$", r"^both workers have finished: True$",
                            r"^tasks\.join\(\) returned: False$")},
        fixed={"*": completes(r"^squares received: 6 of 6$", r"^both workers have finished: True$",
                              r"^tasks\.join\(\) returned: True$")},
        timeout=10,
    ),
)
