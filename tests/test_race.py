"""The empty()-then-get() race: the forced version hangs, and the runner says where."""
import re

import pytest

from ipcsnippets import catalog, run


@pytest.mark.parametrize("method", catalog.get("queue_race_forced").methods())
def test_forced_race_is_caught_within_three_seconds_with_the_consumer_blocked_in_get(method):
    result = run("queue_race_forced", method)
    assert result.outcome == "hangs"
    assert result.duration <= 3.0
    assert result.leftovers == []
    # Exactly one consumer got the item; the other never printed.
    assert len(re.findall(r"took an item", result.output)) == 1
    by_name = {s.name: s.stack for s in result.stacks}
    consumers = [name for name in by_name if name.startswith("consumer-")]
    assert len(consumers) == 1, by_name.keys()
    assert re.search(r"queues\.py\", line \d+ in get", by_name[consumers[0]])
    assert "in join" in by_name["MainProcess"]


@pytest.mark.parametrize("method", catalog.get("queue_race").methods())
def test_race_when_it_ends_has_consumed_every_item(method):
    result = run("queue_race", method)
    assert result.outcome in ("completes", "hangs")
    counts = [int(n) for n in re.findall(r"took (\d+) items", result.output)]
    if result.outcome == "completes":
        assert sum(counts) == 100 and len(counts) == 2
    else:
        assert sum(counts) <= 100 and len(counts) <= 1
