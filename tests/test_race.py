"""The empty()-then-get() race: the forced version hangs, and the runner says where."""
import re

import pytest

from ipcsnippets import catalog


@pytest.mark.parametrize("method", catalog.get("queue_race_forced").methods())
def test_forced_race_is_caught_within_its_limit_with_the_consumer_blocked_in_get(method, snippet_run):
    result = snippet_run("queue_race_forced", method)
    # Everything the run left, for a failure to say what happened.
    seen = f"duration {result.duration:.2f} s\noutput:\n{result.output}\n{result.stack_report()}"
    assert result.outcome == "hangs", seen
    assert result.duration <= catalog.get("queue_race_forced").timeout + 1.0, seen
    assert result.leftovers == [], seen
    # Exactly one consumer got the item; the other never printed.
    assert len(re.findall(r"took an item", result.output)) == 1, seen
    by_name = {s.name: s.stack for s in result.stacks}
    consumers = [name for name in by_name if name.startswith("consumer-")]
    assert len(consumers) == 1, seen
    assert re.search(r"queues\.py\", line \d+ in get", by_name[consumers[0]]), seen
    assert "in join" in by_name.get("MainProcess", ""), seen


@pytest.mark.parametrize("method", catalog.get("queue_race").methods())
def test_race_either_ends_with_both_counts_or_hangs_with_one_consumer_in_get(method, snippet_run):
    """A run that ends may still have consumed fewer than 100: a consumer can
    find the pipe empty before the parent's feeder thread wrote the items
    (made certain in test_timeout_fix.py's held-feeder test)."""
    result = snippet_run("queue_race", method)
    assert result.outcome in ("completes", "hangs")
    counts = [int(n) for n in re.findall(r"took (\d+) items", result.output)]
    if result.outcome == "completes":
        assert len(counts) == 2 and sum(counts) <= 100
    else:
        # The race's signature: a consumer blocked in get(), the other one done.
        stuck = [s.name for s in result.stacks if s.name.startswith("consumer-") and " in get" in s.stack]
        assert len(stuck) == 1, result.stack_report()
        assert len(counts) == 1 and counts[0] <= 100
