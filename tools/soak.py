"""``python tools/soak.py`` (``make soak``): the whole suite N times in a row
while other processes keep every core busy. A flaky test shows up here; the
fix is at its cause, never a retry. A maintainer's tool, like speed.py.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import subprocess
import sys
import tempfile
import time

from ipcsnippets import catalog
from ipcsnippets.commands import Parser


def _burn(stop, parent: int) -> None:
    # Also stops when the soak itself is gone: killed by SIGTERM, it runs no
    # cleanup, and its burners kept two cores busy for half an hour once.
    while not stop.is_set() and os.getppid() == parent:
        sum(i * i for i in range(10_000))


def soak(args) -> int:
    if args.runs < 1 or args.load < 0:
        print("soak: error: --runs must be at least 1 and --load at least 0", file=sys.stderr)
        return 2
    ctx = multiprocessing.get_context("spawn")
    stop = ctx.Event()
    burners = [ctx.Process(target=_burn, args=(stop, os.getpid()), daemon=True) for _ in range(args.load)]
    for b in burners:
        b.start()
    passed_runs = 0
    try:
        for i in range(1, args.runs + 1):
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.pytest_args],
                cwd=catalog.ROOT, capture_output=True, text=True,
            )
            summary = (done.stdout.strip().splitlines() or ["(no output)"])[-1]
            ok = done.returncode == 0
            passed_runs += ok
            line = f"run {i}/{args.runs}: {'ok  ' if ok else 'FAIL'} {time.monotonic() - started:5.1f} s  {summary}"
            print(line, flush=True)
            if not ok:
                failed = re.findall(r"^(?:FAILED|ERROR) .*$", done.stdout, re.M)
                for f in failed:
                    print(f"    {f}", flush=True)
                # The short summary names a test, not why it failed: keep the run's whole output.
                with tempfile.NamedTemporaryFile("w", prefix=f"ipcsnippets-soak-run{i}-", suffix=".txt",
                                                 delete=False) as log:
                    log.write(done.stdout + done.stderr)
                print(f"    its whole output: {log.name}", flush=True)
    finally:
        stop.set()
        for b in burners:
            b.join(5)
            if b.is_alive():
                b.kill()
                b.join()
    print(f"soak: {passed_runs} passed, {args.runs - passed_runs} failed (suite runs, {args.load} busy processes)")
    return 0 if passed_runs == args.runs else 1


def main(argv=None) -> int:
    p = Parser(prog="tools/soak.py", label="soak", description=__doc__.splitlines()[0])
    p.add_argument("--runs", type=int, default=10)
    p.add_argument("--load", type=int, default=os.cpu_count() or 1, help="busy processes (default: one per core)")
    p.add_argument("pytest_args", nargs="*", help="extra arguments for pytest (after --)")
    return soak(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
