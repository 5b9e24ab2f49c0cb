"""The order in which xdist's workers take the tests (tests/_packing.py)."""
import json

import pytest

import _packing


def test_shares_are_xdists_first_split():
    # WorkStealingScheduling.check_schedule: each idle node gets pending // nodes_left.
    assert _packing.shares(871, 6) == [145, 145, 145, 145, 145, 146]
    assert _packing.shares(5, 6) == [0, 1, 1, 1, 1, 1]
    assert sum(_packing.shares(1000, 7)) == 1000


def test_pack_evens_the_shares_puts_long_tests_first_and_keeps_units_together():
    seconds = {"a": 5, "b": 5, "c": 4, "d": 1, "e": 1, "f": 0, "g": 0, "h": 0, "u1": 3, "u2": 3}
    unit = {"u1": "u", "u2": "u"}
    items = sorted(seconds)
    order = _packing.pack(items, 2, seconds.get, lambda i: unit.get(i, i))
    assert sorted(order) == items
    first, second = order[:5], order[5:]  # shares(10, 2) == [5, 5]
    load = [sum(seconds[i] for i in share) for share in (first, second)]
    assert load == [11, 11]
    for share in (first, second):
        costs = [seconds[i] if i not in unit else 6 for i in share]
        assert costs[0] == max(costs)  # the longest unit starts its share
    assert abs(order.index("u1") - order.index("u2")) == 1  # together, in order
    assert order.index("u1") < order.index("u2")


def test_unknown_tests_count_as_typical_ones():
    estimate = _packing.estimate({"x": 1.0, "y": 3.0, "z": 2.0})
    assert estimate("new") == 2.0 and estimate("y") == 3.0


def test_a_broken_durations_file_is_one_clear_error_and_is_left_as_it_was(tmp_path):
    path = tmp_path / "durations.json"
    for text in ("{not json", "[1, 2]", '{"t": "slow"}'):
        path.write_text(text)
        with pytest.raises(_packing.BadDurations, match=r"^durations\.json is not a JSON object .*--store-durations$"):
            _packing.load_durations(path)
        assert path.read_text() == text
    assert _packing.load_durations(tmp_path / "missing.json") == {}


def test_stored_durations_read_back(tmp_path):
    path = tmp_path / "durations.json"
    _packing.store_durations({"b": 0.123, "a": 2}, path)
    assert json.loads(path.read_text()) == {"a": 2, "b": 0.12}
    assert _packing.load_durations(path) == {"a": 2.0, "b": 0.12}
