"""Snippets on the performance page."""
from . import Snippet, completes

SNIPPETS = (
    Snippet(
        name="ipc_bench",
        title="Throughput and round trips of every channel; batching; shared memory",
        page="performance.md",
        # With no argument it is the quick, rough run (a few seconds); the
        # page's figures come from `--full` (python -m ipcsnippets bench).
        # It picks fork and spawn itself with get_context(), so imposing a
        # start method would only measure the same thing three times: it
        # runs once, as "own". Its figures differ on every run.
        expect={"*": completes(
            r"^Pipe +\d", r"^Manager\(\)\.Queue +\d", r"^raw os\.pipe ", r"^memory copy ",
            r"shared memory, data already in it +\d",
            hides=(r"Traceback", r"leaked", r"Warning"),
        )},
        # About 3 s alone; the matrix runs it beside seven other runs on
        # 2 cores, where it took more than 15 s on every interpreter.
        timeout=45,
        start_methods=(),
        deterministic=False,
    ),
)
