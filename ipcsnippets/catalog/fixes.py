"""Snippets on the page about fixing the race (and the fix that is not one)."""
from . import LOST_ITEMS, Snippet, completes, hangs

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
)
