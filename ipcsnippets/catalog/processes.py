"""Snippets on the page about processes and pools: pools, noticing a dead
process, and why not terminate()."""
from . import Snippet, completes, hangs, raises
from .exercises import pair

_CLOSED = (r"^joined; exit code 0 ; pid in use: False\n"
           r"after close\(\): process object is closed\n"
           r"close\(\) on a running process: Cannot close a process while it is still running")
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
        timeout=15,
    ),
    Snippet(
        name="pool_chunksize",
        title="chunksize: one input per round trip, or many",
        page="processes.md",
        # Times vary from run to run; tests/test_processes.py checks the ratios.
        expect={"*": completes(r"^executor: chunksize=1 took \d+ times as long as chunksize=100$",
                               r"^Pool: chunksize=1 took \d+ times as long as the chunk size")},
        timeout=15,
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
        timeout=15,
    ),
)

SNIPPETS += (
    Snippet(
        name="process_sentinel",
        title="Process.sentinel and connection.wait(): a death noticed at once",
        page="processes.md",
        expect={"*": completes(r"^worker-2 ended, exit code -9\n"
                               r"worker-1 is still running: exit code None\n"
                               r"worker-1 ended, exit code 0\n"
                               r"results from worker-2: 1$")},
        timeout=10,
    ),
    Snippet(
        name="daemon_at_exit",
        title="At exit: daemon children terminated, the others joined",
        page="processes.md",
        expect={"*": completes(r"^main\(\) returns without join\(\)\nnon-daemon child: finished its work$",
                               hides=(r"^daemon child: finished",))},
        timeout=10,
    ),
    Snippet(
        name="no_join_still_hangs",
        title="Leaving out join() does not avoid the deadlock",
        page="processes.md",
        expect={"*": hangs(r"^got the first result \(100000 bytes\); no join\(\)$")},
        # Under forkserver with both cores loaded, the child's first result
        # came after 2 s once: the run was stopped before main() returned.
        timeout=5,
    ),
    Snippet(
        name="zombie_close",
        title="An ended child keeps its pid until joined; Process.close()",
        page="processes.md",
        # A forkserver child is the server's child: the server collects its
        # exit status before the sentinel is ready, so no zombie is left.
        expect={"*": completes(r"^ended, not yet joined; its pid still in use: True$", _CLOSED),
                "forkserver": completes(r"^ended, not yet joined; its pid still in use: False$", _CLOSED)},
        timeout=10,
    ),
)

SNIPPETS += (
    Snippet(
        name="terminate_breaks",
        title="What terminate() breaks: a lock, a queue, a pipe mid-message",
        page="processes.md",
        expect={"*": completes(r"^lock: free after terminate\(\): False; exit code -15$",
                               r"^queue: another writer can exit: False$",
                               r"^pipe: the reader gets OSError: got end of file during message$")},
        timeout=10,
    ),
    Snippet(
        name="cooperative_stop",
        title="A cooperative stop: an Event, a last message, a drain, a join",
        page="processes.md",
        expect={"*": completes(r"^every worker said it was done: True\nexit codes: \[0, 0\]$")},
        timeout=10,
    ),
)


# The exercise at the end of the page (see exercises.py).
SNIPPETS += (
    *pair(
        "pool_exit", "processes.md",
        title="a Pool's results read after its with block",
        # Leaving the block calls terminate(): the tasks in progress die, and
        # get() waits for answers that never come, until its timeout.
        bug={"*": raises("TimeoutError", r"^submitted 6 tasks$", hides=(r"^squares:",))},
        fixed={"*": completes(r"^submitted 6 tasks$", r"^squares: \[0, 1, 4, 9, 16, 25\]$")},
        timeout=15,
    ),
)
