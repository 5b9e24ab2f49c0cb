"""Which runs the xdist controller makes (tests/_runs.py): every collected
catalog case, those that may hang in their own pool, the longest limit
first, and nothing else."""
from ipcsnippets import catalog
from _runs import controller_runs

CATALOG_TEST = "tests/test_snippets.py::test_snippet_behaves_as_catalogued"


def case_id(name: str, method: str) -> str:
    return f"{CATALOG_TEST}[{name}-{method}]"


ALL_CASES = [(name, method) for name in catalog.names() for method in catalog.get(name).methods()]


def chosen_of(ids):
    hanging, others = controller_runs(ids)
    return [(case.name, case.method) for case in hanging], [(case.name, case.method) for case in others]


def test_every_case_once_those_that_may_hang_apart_longest_limit_first():
    hanging, others = chosen_of([case_id(name, method) for name, method in ALL_CASES])
    may_hang = {(name, method) for name, method in ALL_CASES
                if catalog.HANGS in catalog.get(name).expect_for(method).outcomes}
    assert len(hanging) == len(set(hanging)) and len(others) == len(set(others))
    assert set(hanging) == may_hang
    assert set(others) == set(ALL_CASES) - may_hang
    limits = [catalog.get(name).timeout for name, _ in hanging]
    assert limits == sorted(limits, reverse=True)
    assert ("queue_race_forced", "spawn") in hanging and ("timeout_fix_taught", "fork") in hanging
    assert ("pipe_greetings", "spawn") in others  # it completes
    assert others == [case for case in ALL_CASES if case in set(others)]  # collection order


def test_only_what_was_collected():
    ids = [
        case_id("queue_race_forced", "fork"),
        case_id("pipe_greetings", "spawn"),
        "tests/test_race.py::test_forced_race_is_caught_within_three_seconds_with_the_consumer_blocked_in_get[spawn]",
        "tests/test_cli.py::test_list_names_every_snippet",
    ]
    assert chosen_of(ids) == ([("queue_race_forced", "fork")], [("pipe_greetings", "spawn")])
    assert chosen_of([]) == ([], [])
