"""Snippets on the page about processes and pools: pools, noticing a dead
process, and why not terminate()."""
from . import Snippet, completes

_REMOTE = r"ZeroDivisionError raised here; worker's traceback attached: True$"

SNIPPETS = (
    Snippet(
        name="pool_map",
        title="One function over many inputs: ProcessPoolExecutor and Pool",
        page="processes.md",
        expect={"*": completes(r"^executor: \[0, 1, 4, 9, 16, 25, 36, 49, 64, 81\]$",
                               r"^executor: " + _REMOTE,
                               r"^Pool:     \[0, 1, 4, 9, 16, 25, 36, 49, 64, 81\]$",
                               r"^Pool: " + _REMOTE)},
        timeout=20,
    ),
    Snippet(
        name="pool_chunksize",
        title="chunksize: one input per round trip, or many",
        page="processes.md",
        # Times vary from run to run; tests/test_processes.py checks the ratios.
        expect={"*": completes(r"^executor: chunksize=1 took \d+ times as long as chunksize=100$",
                               r"^Pool: chunksize=1 took \d+ times as long as the chunk size")},
        timeout=30,
        deterministic=False,
    ),
    Snippet(
        name="pool_worker_killed",
        title="A pool worker killed mid-task: BrokenProcessPool, or a wait",
        page="processes.md",
        expect={"*": completes(r"^executor: map\(\) raised BrokenProcessPool: ",
                               r"^executor: submit\(\) raises it too",
                               r"^Pool: no result after 1 s, and none will come$",
                               r"^Pool: a new worker runs later tasks: work\(4\) = 16$")},
        timeout=20,
    ),
)
