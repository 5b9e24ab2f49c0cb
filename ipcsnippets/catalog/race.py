"""Snippets on the page about the empty()-then-get() race."""
from . import Snippet, completes_or_hangs, hangs

SNIPPETS = (
    Snippet(
        name="queue_race",
        title="Two consumers drain a Queue with empty() then get()",
        page="queues/race.md",
        # Each consumer reports its count; a run that ends has consumed all 100.
        expect={"*": completes_or_hangs(r"consumer-\d took \d+ items")},
        timeout=4,
        deterministic=False,
    ),
    Snippet(
        name="queue_race_forced",
        title="The same race with the interleaving forced: hangs every run",
        page="queues/race.md",
        expect={"*": hangs(r"consumer-\d took an item")},
        timeout=5,  # spawn children start late when the suite loads both cores
    ),
)
