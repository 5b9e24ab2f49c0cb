"""Which runs the xdist controller makes (tests/_runs.py), in which order:
every collected catalog case, once; those that may hang first, the longest
limit first; then the others, in collection order; nothing else."""
from ipcsnippets import catalog
from _runs import controller_runs

CATALOG_TEST = "tests/test_snippets.py::test_snippet_behaves_as_catalogued"


def case_id(name: str, method: str) -> str:
    return f"{CATALOG_TEST}[{name}-{method}]"


ALL_CASES = [(name, method) for name in catalog.names() for method in catalog.get(name).methods()]


def chosen_of(ids):
    return [(case.name, case.method) for case in controller_runs(ids)]


def test_every_case_once_those_that_may_hang_first_longest_limit_first():
    chosen = chosen_of([case_id(name, method) for name, method in ALL_CASES])
    may_hang = {(name, method) for name, method in ALL_CASES
                if catalog.HANGS in catalog.get(name).expect_for(method).outcomes}
    hanging, others = chosen[:len(may_hang)], chosen[len(may_hang):]
    assert len(chosen) == len(set(chosen))
    assert set(hanging) == may_hang
    assert set(others) == set(ALL_CASES) - may_hang
    limits = [catalog.get(name).timeout for name, _ in hanging]
    assert limits == sorted(limits, reverse=True)
    assert ("queue_race_forced", "spawn") in hanging and ("timeout_fix_taught", "fork") in hanging
    assert ("pipe_greetings", "spawn") in others  # it completes
    assert others == [case for case in ALL_CASES if case in set(others)]  # collection order


def test_only_what_was_collected():
    ids = [
        case_id("pipe_greetings", "spawn"),
        case_id("queue_race_forced", "fork"),
        "tests/test_race.py::test_forced_race_is_caught_within_three_seconds_with_the_consumer_blocked_in_get[spawn]",
        "tests/test_cli.py::test_list_names_every_snippet",
    ]
    assert chosen_of(ids) == [("queue_race_forced", "fork"), ("pipe_greetings", "spawn")]
    assert chosen_of([]) == []
