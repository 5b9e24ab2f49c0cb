"""No figure in prose without a source.

Every page's prose (tests/_figures.py says what counts as prose and as a
measured-looking figure) may show a figure only if it is registered here:

- ``CONSTANTS`` (any page): sizes, limits and parameters that are not
  measured: a snippet's own settings, a CPython constant, a format. Each
  names the file that defines it and a pattern that must match there.
- ``MEASURED`` (one page): a figure that reports a measurement. Each names
  the test that compares it with the measured file or stored output
  (``tests/FILE.py::test_name``: that test must exist), or the measured
  file itself and a pattern that must match in it.

Figures inside included fragments (``docs/outputs/``, ``docs/measured/``)
come from the measured files already and are never scanned. A new figure in
prose fails here until it is registered with its source, or taken out.
"""
import multiprocessing.connection
import re
from pathlib import Path
from typing import Dict, NamedTuple, Tuple, Union

import pytest

from _figures import figures, paragraphs
from ipcsnippets import catalog

ROOT = catalog.ROOT


class Source(NamedTuple):
    """Where a figure comes from: ``path`` (from the repository's root, or
    ``tests/FILE.py::test_name``) and a pattern that must match in it."""

    path: str
    pattern: str = ""


CONNECTION = Path(multiprocessing.connection.__file__)  # this CPython's own
PITFALL_TESTS = "tests/test_pipe_pitfalls.py"

CONSTANTS: Dict[str, Union[Source, Tuple[Source, ...]]] = {
    # Linux's pipe: 16 pages of 4 KiB (pipe(7)), measured by pipe_capacity.
    "64 KiB": Source(PITFALL_TESTS + "::test_pipe_capacity_a_one_way_pipe_holds_16_pages_and_a_socket_pair_over_three_times_that"),
    "4 KiB": Source("snippets/ipc_bench.py", r"^PAGE = 4096$"),
    "18 bytes": Source(PITFALL_TESTS, r"ForkingPickler\.dumps\(bytes\(65514\)\)\) \+ 4 == 65536"),
    # multiprocessing's framing and Windows buffer (read in the source).
    "16 KiB": Source(str(CONNECTION), r"if n > 16384:"),
    "2 GiB": Source(str(CONNECTION), r"if n > 0x7fffffff:"),
    "12 bytes": Source(str(CONNECTION), r'header = struct\.pack\("!Q", n\)'),
    "8 KiB": Source(str(CONNECTION), r"^BUFSIZE = (8192|64 \* 1024)$"),
    # The bench's payloads and buffers.
    "1 KiB": Source("snippets/ipc_bench.py", r'"1 KiB": 1 << 10'),
    "1 MiB": Source("snippets/ipc_bench.py", r'"1 MiB": 1 << 20'),
    "64 KiB and 1 MiB": Source("snippets/ipc_bench.py", r'"64 KiB": 64 << 10, "1 MiB": 1 << 20'),
    "64 MiB": Source("snippets/ipc_bench.py", r"shared_size=64 << 20"),
    "8 MiB": Source("snippets/ipc_bench.py", r"shared_size=8 << 20"),
    # Snippets' and tests' own sizes.
    "1 MB": Source("snippets/pipe_two_writers.py", r"^SIZE = 1_000_000"),
    "100 KB": Source(PITFALL_TESTS, r"randbytes\(100_000\)"),
    "65,000 bytes": Source("snippets/pipe_send_blocks.py", r"send_unread\(65_000\)"),
    "66,000 bytes": Source("snippets/pipe_send_blocks.py", r"send_unread\(66_000\)"),
    "0.3 s": Source("snippets/pipe_poll.py", r"parent_end\.poll\(0\.3\)"),
    "100,000 bytes": Source("snippets/join_before_drain.py", r"^SIZE = 100_000 "),
    "65,600 bytes": Source("snippets/exit_hang.py", r"^SIZE = 65_600 "),
    "1,000 bytes": Source("snippets/cancel_join_thread.py", r"^SIZE = 1_000 "),
    "10 KB": Source("snippets/timeout_fix_taught.py", r"\* 10_000  # about 10 KB"),
    "2 ms": Source("snippets/timeout_fix_taught.py", r"time\.sleep\(0\.002\)"),
    # The documentation's own figure, quoted as such (pipes/pitfalls.md).
    "32 MiB": Source("docs/pipes/pitfalls.md", r"documentation also warns that very large pickles \(about 32 MiB"),
    # The catalog's limit and the project's own budgets.
    # Two figures of the same text (index.md, performance.md): both hold.
    "5 s": (Source("ipcsnippets/catalog/race.py", r'name="queue_race_forced",(?:\n.*)+?\n\s+timeout=5,'),
            Source("tools/speed.py", r"^BUILD_TARGET_S = 5\.0$")),
    "60 s": Source("tools/speed.py", r"^SUITE_TARGET_S = 60\.0$"),
    "20%": Source("tools/speed.py", r"^OVERHEAD_TARGET = 0\.20$"),
}
"""Figures that are not measurements, allowed on any page."""

BENCH_TESTS = "tests/test_bench.py::test_page_claim_"
MEASURED: Dict[Tuple[str, str], Source] = {
    ("processes.md", "3 times"): Source(
        "tests/test_processes.py::test_chunksize_1_takes_at_least_3_times_as_long_for_both_pools"),
    ("performance.md", "220k and 280k"): Source(BENCH_TESTS + "the_four_pipe_based_channels_are_close_and_not_ranked"),
    ("performance.md", "13 to 15 times"): Source(
        BENCH_TESTS + "manager_queue_13_to_15_times_fewer_small_messages_but_keeps_up_at_1_mib"),
    ("performance.md", "2 to 5 ms"): Source(BENCH_TESTS + "start_up_2_to_5_ms_under_fork_50_to_70_ms_under_spawn"),
    ("performance.md", "50 to 70 ms"): Source(BENCH_TESTS + "start_up_2_to_5_ms_under_fork_50_to_70_ms_under_spawn"),
    ("performance.md", "60 times"): Source(BENCH_TESTS + "batching_60x_at_100_and_150x_at_1000_about_40_million"),
    ("performance.md", "150 times"): Source(BENCH_TESTS + "batching_60x_at_100_and_150x_at_1000_about_40_million"),
    ("performance.md", "40 million"): Source(BENCH_TESTS + "batching_60x_at_100_and_150x_at_1000_about_40_million"),
    **{("performance.md", f): Source(BENCH_TESTS + "shared_memory_5_5_ms_pipe_75_ms_copy_in_55_ms_one_copy_34_to_41")
       for f in ("5.5 ms", "75 ms", "13 to 14 times", "55 ms", "34 to 41 ms")},
    # The published figures (FACTS.md) and ours beside them.
    **{("performance.md", f): Source(BENCH_TESTS + "published_comparison")
       for f in ("1.25x", "3x", "25k to 79k", "250k", "18k", "9k")},
    ("queues/managers.md", "0 of 50"): Source("docs/outputs/manager_queue.json", r"True in 0 of 50 fresh queues"),
    ("queues/managers.md", "0 of 500"): Source(
        "tests/test_managers.py::test_empty_is_false_right_after_put_in_500_fresh_manager_queues"),
    ("queues/managers.md", "13 to 15 times"): Source(
        "tests/test_managers.py::test_the_page_names_the_factor_of_its_output_and_the_bench_figure"),
    ("queues/race.md", "200 runs"): Source("docs/measured/queue_race_rates.json", r'"runs": 200,'),
    ("start-methods.md", "200 runs"): Source(
        "tests/test_start_methods.py::test_the_stored_race_rates_hung_under_every_method_at_different_rates"),
    ("queues/fixes.md", "10%"): Source(
        "tests/test_stopping.py::test_joinable_queue_with_task_done_within_10_percent_of_queue_in_the_bench"),
    ("queues/deadlocks.md", "65,536 bytes"): Source(
        "tests/test_deadlocks.py::test_the_exact_limit_is_the_64_kib_pipe_minus_the_message_framing"),
    ("queues/deadlocks.md", "65,532 bytes"): Source(
        "tests/test_deadlocks.py::test_the_exact_limit_is_the_64_kib_pipe_minus_the_message_framing"),
    ("queues/deadlocks.md", "129 KB"): Source(
        "tests/test_exercises.py::test_results_of_100_numbers_fit_the_pipe_and_5000_do_not"),
    ("queues/deadlocks.md", "2 KB"): Source(
        "tests/test_exercises.py::test_results_of_100_numbers_fit_the_pipe_and_5000_do_not"),
    ("queues/fixes.md", "200 runs"): Source(
        "tests/test_stress.py::test_sentinel_fix_lost_nothing_in_200_runs_and_the_taught_fix_lost_items_in_nearly_all"),
    ("queues/fixes.md", "20 times"): Source(
        "tests/test_timeout_fix.py::test_sentinel_fix_consumes_every_item_exactly_once_in_20_runs"),
    # How often the tests repeat a program: the test's own count.
    ("queues/fixes.md", "3 times"): Source("tests/test_stopping.py", r'main_runs\("(?:get_timeout_fix|joinable_queue)", method, 3\)'),
    ("pipes/pitfalls.md", "3 times"): Source(PITFALL_TESTS, r'run_times\("pipe_two_writers", method, 3\)'),
    ("pipes/pitfalls.md", "3 runs"): Source(PITFALL_TESTS, r"main_runs\(name, method, 3\)"),
}
"""Measured figures, each on its page."""



def _found():
    return {page: figures((catalog.DOCS_DIR / page).read_text(encoding="utf-8")) for page in catalog.site_pages()}


def _unsourced(page, found):
    return [(line, f) for line, f in found if f not in CONSTANTS and (page, f) not in MEASURED]


@pytest.mark.parametrize("page", catalog.site_pages())
def test_every_figure_in_the_prose_has_a_source(page):
    missing = _unsourced(page, _found()[page])
    assert not missing, "\n".join(
        f"docs/{page}:{line}: {figure!r} looks measured but has no source: include it from docs/measured/ "
        f"or docs/outputs/, or register it in tests/test_figures.py with the file or test that proves it"
        for line, figure in missing)


def _holds(source: Source) -> bool:
    if "::" in source.path:
        path, name = source.path.split("::")
        return re.search(rf"^def {re.escape(name)}\(", (ROOT / path).read_text(encoding="utf-8"), re.M) is not None
    return re.search(source.pattern, (ROOT / source.path).read_text(encoding="utf-8"), re.M) is not None


@pytest.mark.parametrize("figure", sorted(CONSTANTS))
def test_every_constant_is_defined_where_the_registry_says(figure):
    sources = CONSTANTS[figure]
    for source in (sources,) if isinstance(sources, Source) else sources:
        assert _holds(source), f"{figure!r}: {source} does not hold"


def test_every_measured_figure_is_on_its_page_and_its_source_holds():
    found = _found()
    for (page, figure), source in MEASURED.items():
        assert figure in {f for _, f in found[page]}, f"{page}: {figure!r} is registered but no longer on the page"
        assert _holds(source), f"{page}: {figure!r}: {source} does not hold"


def test_the_scanner_finds_figures_in_prose_and_skips_code_and_included_fragments():
    text = "\n".join([
        "It moved 13 to 15", "times fewer, about 5.5 ms, 250k per second; 0 of 50 tries.",
        "```python", "x = 64  # 99 ms", "```",
        '--8<-- "docs/measured/bench_table.md"',
        "A `poll(0.3)` call, a 4-byte length, Python 3.13 and 100 items.",
    ])
    assert figures(text) == [(1, "13 to 15 times"), (2, "5.5 ms"), (2, "250k"), (2, "0 of 50")]
    assert [len(starts) for starts, _ in paragraphs(text)] == [2, 1]
