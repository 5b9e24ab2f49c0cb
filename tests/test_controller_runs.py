"""Which runs the xdist controller starts early (tests/_runs.py): every
collected catalog case that may hang, the longest limit first, and nothing
else."""
from ipcsnippets import catalog
from _runs import hanging_runs

CATALOG_TEST = "tests/test_snippets.py::test_snippet_behaves_as_catalogued"


def case_id(name: str, method: str) -> str:
    return f"{CATALOG_TEST}[{name}-{method}]"


ALL_CASES = [(name, method) for name in catalog.names() for method in catalog.get(name).methods()]


def chosen_of(ids):
    return [(case.name, case.method) for case in hanging_runs(ids)]


def test_every_case_that_may_hang_and_no_other_longest_limit_first():
    chosen = chosen_of([case_id(name, method) for name, method in ALL_CASES])
    may_hang = {(name, method) for name, method in ALL_CASES
                if catalog.HANGS in catalog.get(name).expect_for(method).outcomes}
    assert len(chosen) == len(set(chosen))
    assert set(chosen) == may_hang
    limits = [catalog.get(name).timeout for name, _ in chosen]
    assert limits == sorted(limits, reverse=True)
    assert ("queue_race_forced", "spawn") in chosen and ("timeout_fix_taught", "fork") in chosen
    assert not any(name == "pipe_greetings" for name, _ in chosen)  # it completes


def test_only_what_was_collected():
    ids = [
        case_id("queue_race_forced", "fork"),  # collected: started early
        case_id("pipe_greetings", "spawn"),  # completes: the test makes it itself
        "tests/test_race.py::test_forced_race_is_caught_within_three_seconds_with_the_consumer_blocked_in_get[spawn]",
        "tests/test_cli.py::test_list_names_every_snippet",
    ]
    assert chosen_of(ids) == [("queue_race_forced", "fork")]
    assert chosen_of([]) == []
