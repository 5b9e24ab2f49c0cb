"""Snippets on the page about debugging a hang."""
from . import Snippet, completes, hangs
from .exercises import pair

_SAYS = r"^worker says: waiting$"
# faulthandler's header; from 3.14 it names the thread too ("[python3.14]").
_DUMP = r"^Current thread 0x.*\(most recent call first\):$"
_SURVIVED = r"^worker ended: exit code 0$"


def _in_worker(kind: str) -> str:
    """The worker's own line in a dump of its stack."""
    return rf'exercise_dump_signal_{kind}\.py", line \d+ in worker$'


SNIPPETS = (
    Snippet(
        name="debug_log_to_stderr",
        title="log_to_stderr() on a deadlock: the child's last line says where it waits",
        page="debugging.md",
        # The semaphore handles and temporary folders in the log change from
        # run to run; the steps do not.
        expect={"*": hangs(
            r"^\[INFO/producer\] child process calling self\.run\(\)$",
            r"^\[DEBUG/producer\] joining queue thread$",
        )},
        timeout=5,  # spawn children start late when the suite loads both cores
        deterministic=False,
    ),
    Snippet(
        name="debug_faulthandler",
        title="faulthandler.dump_traceback_later() in each process: the stacks of a hang",
        page="debugging.md",
        # Each process dumps once, after 1 s; which dump comes first is a race.
        expect={"*": hangs(
            r"^Timeout \(0:00:01\)!$",
            r"line \d+ in join\n  File \".*debug_faulthandler\.py\", line \d+ in main$",
            r"queues\.py\", line \d+ in _finalize_join$",
            r"queues\.py\", line \d+ in _feed$",
        )},
        # The dumps come 1 s in; 5 s leaves room for a loaded machine (the
        # matrix runs eight at a time) to print both before the runner stops it.
        timeout=5,
        deterministic=False,
        # Under fork the parent's dump was missing in 2 of 9 matrix runs
        # (3.11.2, 3.13.18), the child's feeder thread too: a race not yet
        # settled, so the page shows spawn and forkserver only.
        start_methods=("spawn", "forkserver"),
    ),
    *pair(
        "dump_signal", "debugging.md",
        title="faulthandler.register() in the parent only",
        # A fork child inherits the parent's handler; a spawn or forkserver
        # child has none, and SIGUSR2's default action ends it.
        bug={"fork": completes(_SAYS, _DUMP, _in_worker("bug"), _SURVIVED),
             "*": completes(_SAYS, r"^worker ended: killed by SIGUSR2$",
                            hides=(r"most recent call first",))},
        fixed={"*": completes(_SAYS, _DUMP, _in_worker("fixed"), _SURVIVED)},
        timeout=10,
        # The dump is of the moment the signal came: after SETTLE, nearly
        # always in poll(), but a loaded machine may have it elsewhere.
        deterministic=False,
    ),
)
