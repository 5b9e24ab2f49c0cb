"""``python tools/speed.py`` (``make speed``): the project's own speed against its budget.

A maintainer's tool: it measures the project, not IPC, so it is not part
of the readers' command line.

Measured side by side in one run:

- the per-change suite as ``make test`` runs it (``python -m pytest -m "not slow"``,
  after set-up), against its target; and the same with every catalog run
  made live (``IPCSNIPPETS_RUNS=live``, as CI runs it), with no target: it
  grows with the catalog;
- ``mkdocs build --strict``, best of three;
- the runner's overhead: ``run(name)`` against ``python snippets/NAME.py``
  for the same snippet, median of several runs each, alternating.

Each figure is printed with its target and PASS or MISS; the exit status is
1 when a target is missed. It runs the whole suite: do not run it while
other work loads the machine.
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable, List, Sequence, Tuple

from ipcsnippets import catalog
from ipcsnippets.commands import Parser, positive
from ipcsnippets.runner import run

SUITE_TARGET_S = 60.0
BUILD_TARGET_S = 5.0
OVERHEAD_TARGET = 0.20
OVERHEAD_SNIPPETS = ("pipe_greetings", "sentinel_fix")
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def timed(action: Callable[[], object]) -> Tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def suite_seconds(runs: str = "recorded") -> Tuple[float, int, List[str]]:
    """Wall time, exit status and slowest tests of the suite, as ``make test``
    runs it (``--durations`` only adds a report at the end), with the catalog's
    runs made as ``runs`` says (IPCSNIPPETS_RUNS); with the tests that
    failed, if any, first."""
    seconds, done = timed(lambda: subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-m", "not slow", "--durations=10"],
        cwd=catalog.ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True,
        env={**ENV, "IPCSNIPPETS_RUNS": runs}))
    failed = re.findall(r"^(?:FAILED|ERROR) .*$", done.stdout, re.M)
    return seconds, done.returncode, failed + slowest(done.stdout)


def slowest(pytest_output: str) -> List[str]:
    """The lines of pytest's ``--durations`` report (``1.23s call tests/...``)."""
    return [line.strip() for line in pytest_output.splitlines()
            if re.match(r"\s*\d+(\.\d+)?s (call|setup|teardown) ", line)]


def build_seconds(builds: int = 3) -> Tuple[float, int]:
    """Best wall time of ``mkdocs build --strict`` over ``builds`` builds, and the last exit status."""
    times, status = [], 0
    for _ in range(builds):
        with tempfile.TemporaryDirectory(prefix="ipc-speed-site-") as site:
            seconds, done = timed(lambda: subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "--site-dir", site],
                cwd=catalog.ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, env=ENV))
        times.append(seconds)
        status = status or done.returncode
    return min(times), status


def plain_run(name: str) -> float:
    """``python snippets/NAME.py`` as a reader runs it: the time until it exits."""
    path = catalog.get(name).path
    # No timeout: Popen.wait(timeout) polls with sleeps of up to 50 ms, which
    # would add to the plain run, not to ours. Both programs end in well under
    # a second.
    with tempfile.TemporaryFile() as out:
        seconds, _ = timed(lambda: subprocess.run(
            [sys.executable, str(path)], cwd=str(path.parent), stdin=subprocess.DEVNULL,
            stdout=out, stderr=subprocess.STDOUT))
    return seconds


def runner_run(name: str) -> float:
    seconds, _ = timed(lambda: run(name))
    return seconds


def overhead(name: str, runs: int = 10) -> Tuple[float, float]:
    """Median seconds of a plain run and of a runner run, alternating so that
    a change in load hits both alike."""
    plain, ours = [], []
    for _ in range(runs):
        plain.append(plain_run(name))
        ours.append(runner_run(name))
    return statistics.median(plain), statistics.median(ours)


def verdict(value: float, target: float) -> str:
    return "PASS" if value <= target else "MISS"


def report(lines: Sequence[Tuple[str, str, str, str]]) -> None:
    width = max(len(line[0]) for line in lines)
    for what, measured, target, result in lines:
        print(f"{what:<{width}}  {measured:<30}  {target:<12}  {result}")


def speed(args) -> int:
    lines: List[Tuple[str, str, str, str]] = []
    slow: List[str] = []
    live_slow: List[str] = []
    if not args.no_suite:
        seconds, status, slow = suite_seconds()
        lines.append(("make test (python -m pytest)", f"{seconds:.1f} s (exit status {status})",
                      f"<= {SUITE_TARGET_S:g} s", verdict(seconds, SUITE_TARGET_S) if status == 0 else "MISS"))
        live, live_status, live_slow = suite_seconds("live")
        lines.append(("the same, every run live (as CI)", f"{live:.1f} s (exit status {live_status})",
                      "none", "-" if live_status == 0 else "MISS"))
    seconds, status = build_seconds(args.builds)
    lines.append((f"mkdocs build --strict (best of {args.builds})", f"{seconds:.2f} s (exit status {status})",
                  f"<= {BUILD_TARGET_S:g} s", verdict(seconds, BUILD_TARGET_S) if status == 0 else "MISS"))
    for name in OVERHEAD_SNIPPETS:
        plain, ours = overhead(name, args.runs)
        extra = ours / plain - 1
        lines.append((f"runner overhead, {name} (median of {args.runs})",
                      f"{ours * 1e3:.0f} ms vs {plain * 1e3:.0f} ms plain: {extra:+.0%}",
                      f"<= {OVERHEAD_TARGET:.0%}", verdict(extra, OVERHEAD_TARGET)))
    report(lines)
    for (what, _, _, result), found in zip(lines, (slow, live_slow) if not args.no_suite else ()):
        if found and result == "MISS":
            failed = any(line.startswith(("FAILED", "ERROR")) for line in found)
            print(f"\n{what}: " + ("the tests that failed, then the slowest tests:" if failed else "the slowest tests:"))
            for line in found:
                print(f"  {line}")
    return 1 if any(line[3] == "MISS" for line in lines) else 0


def main(argv=None) -> int:
    p = Parser(prog="tools/speed.py", label="speed", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=positive, default=10, help="runs of each snippet, plain and through the runner (default 10)")
    p.add_argument("--builds", type=positive, default=3, help="site builds; the best counts (default 3)")
    p.add_argument("--no-suite", action="store_true", help="skip the test suite, twice (the slow part)")
    return speed(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
