"""``python -m ipcsnippets bench``: run ``snippets/ipc_bench.py``, keep its figures.

The measuring code is the snippet itself; this command runs it as a script
in a fresh interpreter and its own session (so nothing it starts can
outlive it), then writes the JSON it produced and regenerates the page's
table and chart from that JSON. The full run (the default) writes to
``docs/measured/``; a ``--quick`` run writes only where it is told to, so a
rough run never replaces the page's figures by accident.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import List, Optional, Tuple

from .. import catalog, outputs, perfchart, runner
from . import positive
from ..catalog import shown
from ..fragments import Rendered, write_atomic
from ..loader import load

SNIPPET = catalog.SNIPPETS_DIR / "ipc_bench.py"
MEASURED = catalog.DOCS_DIR / "measured"
JSON_PATH = MEASURED / "bench.json"
SVG_PATH = MEASURED / "bench.svg"
TABLE_PATH = MEASURED / "bench_table.md"
TARGETS_NAME, PUBLISHED_NAME = "bench_targets.md", "bench_published.md"
COMMAND = "python -m ipcsnippets bench"
FULL_TIMEOUT, QUICK_TIMEOUT = 900.0, 120.0


def run_bench(quick: bool, json_path: Path, python: Optional[str] = None,
              timeout: Optional[float] = None, quiet: bool = False) -> runner.RunResult:
    """Run the bench snippet through the runner: its own session, every
    process still in it once it ends named and killed, and the stacks of
    every process if it hangs."""
    limit = timeout or (QUICK_TIMEOUT if quick else FULL_TIMEOUT)
    args = ["--quick" if quick else "--full", "--json", str(Path(json_path).resolve())]
    result = runner.run_path(SNIPPET, None, limit, python, args)
    if not quiet:
        sys.stdout.write(result.output)
    return result


def _key(row: dict) -> tuple:
    return tuple(row.get(k) for k in ("kind", "method", "channel", "payload", "batch", "how"))


def merge(results: List[dict]) -> dict:
    """One set of figures from several runs: throughput and handover times are
    the medians of every repeat of every run; round trips and start-up the
    medians of each run's figure. Counts must agree across runs."""
    if len(results) == 1:
        return results[0]
    summary = load("ipc_bench").summary  # the snippet's own arithmetic
    meta = dict(results[0]["meta"])
    meta["runs"] = len(results)
    meta["dates"] = [r["meta"]["date"] for r in results]
    meta["load_average"] = [r["meta"].get("load_average") for r in results]
    meta["load_average_after"] = [r["meta"].get("load_average_after") for r in results]
    groups: dict = {}
    for result in results:
        for row in result["rows"]:
            groups.setdefault(_key(row), []).append(row)
    rows = []
    for same in groups.values():
        if len(same) != len(results):
            raise ValueError(f"runs disagree on what they measured: {_key(same[0])}")
        row = dict(same[0])
        if row["kind"] == "throughput":
            if any(r["sent"] != row["sent"] for r in same):
                raise ValueError(f"runs sent different rounds: {_key(row)}")
            sent = row["sent"]
            size = sent["bytes"] // sent["messages"] if row["bytes_per_s"] is not None else 0
            row["received"] = sorted({json.dumps(x, sort_keys=True) for r in same for x in r["received"]})
            row["received"] = [json.loads(x) for x in row["received"]]
            row.update(summary([s for r in same for s in r["seconds"]], sent["items"], size))
        elif row["kind"] == "latency":
            row["round_trips"] = sum(r["round_trips"] for r in same)
            row["echoed"] = sum(r["echoed"] for r in same)
            row["median_s"] = statistics.median(r["median_s"] for r in same)
            row["p99_s"] = statistics.median(r["p99_s"] for r in same)
        elif row["kind"] == "startup":
            row["seconds"] = statistics.median(r["seconds"] for r in same)
        elif row["kind"] == "shared_memory":
            row["seconds"] = [s for r in same for s in r["seconds"]]
            row["median_s"] = statistics.median(row["seconds"])
            row["verified"] = all(r["verified"] for r in same)
            row["segments"] = [n for r in same for n in r["segments"]]
        rows.append(row)
    return {"meta": meta, "rows": rows}


def fragments(table_path: Path) -> Tuple[Path, Path, Path]:
    """The three Markdown fragments: the tables, the targets, the published figures
    (the last two beside the first, with fixed names)."""
    table_path = Path(table_path)
    return table_path, table_path.with_name(TARGETS_NAME), table_path.with_name(PUBLISHED_NAME)


def rendered(json_path: Optional[Path] = None, svg_path: Optional[Path] = None,
             table_path: Optional[Path] = None) -> List[Rendered]:
    """The chart and the Markdown fragments as the figures in ``json_path``
    render them (default: the page's, in ``docs/measured/``)."""
    if json_path is None and not JSON_PATH.is_file():
        return []  # check_stored() names it
    json_path = Path(json_path or JSON_PATH)
    data = json.loads(json_path.read_text(encoding="utf-8"))
    tables, targets, published = fragments(table_path or TABLE_PATH)
    return [
        Rendered(Path(svg_path or SVG_PATH), json_path, perfchart.chart_svg(data)),
        Rendered(tables, json_path, perfchart.table_markdown(data, COMMAND)),
        Rendered(targets, json_path, perfchart.targets_markdown(data, COMMAND)),
        Rendered(published, json_path, perfchart.published_markdown(data, COMMAND)),
    ]


def render(json_path: Path, svg_path: Path, table_path: Path) -> List[Path]:
    """Write the chart and the Markdown fragments for the figures in ``json_path``;
    return the paths written."""
    written = rendered(json_path, svg_path, table_path)
    for r in written:
        write_atomic(r.path, r.text)
    return [r.path for r in written]


def check_stored() -> List[str]:
    """Every way the page's figures are missing or stale, one line each (the
    files rendered from them are compared by [fragments][ipcsnippets.fragments])."""
    if not JSON_PATH.is_file():
        return [f"{shown(JSON_PATH)}: no figures (run: {COMMAND})"]
    meta = json.loads(JSON_PATH.read_text(encoding="utf-8"))["meta"]
    if meta.get("snippet_sha256") != outputs.source_hash(catalog.get("ipc_bench")):
        return [f"{shown(JSON_PATH)}: snippets/ipc_bench.py changed since its figures were measured (run: {COMMAND})"]
    return []


def _bench(args) -> int:
    quick = args.quick
    default_dir = None
    if quick and not args.render_only and not (args.json or args.svg or args.table):
        default_dir = Path(tempfile.mkdtemp(prefix="ipc-bench-"))
    where = default_dir or MEASURED
    json_path = Path(args.json or where / "bench.json")
    svg_path = Path(args.svg or where / "bench.svg")
    table_path = Path(args.table or where / "bench_table.md")
    if not args.render_only:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = json_path.with_name(json_path.name + ".tmp")
        print(f"running {SNIPPET.relative_to(catalog.ROOT)} {'--quick' if quick else '--full'} "
              f"({'seconds' if quick else 'a few minutes: keep the machine quiet'})", file=sys.stderr)
        results = []
        for n in range(args.runs):
            if args.wait_quiet is not None:
                wait_quiet(args.wait_quiet)
            if args.runs > 1:
                print(f"run {n + 1} of {args.runs}", file=sys.stderr)
            result = run_bench(quick, tmp, args.python)
            if result.exit_code != 0 or result.leftovers:
                for line in result.leftovers:
                    print(f"ipcsnippets: the bench left a process behind (killed): {line}", file=sys.stderr)
                if result.stacks:
                    print(result.stack_report(), file=sys.stderr)
                print(f"ipcsnippets: the bench {result.describe()}; figures kept", file=sys.stderr)
                if tmp.exists():
                    tmp.unlink()
                return 1
            results.append(json.loads(tmp.read_text(encoding="utf-8")))
            results[-1]["meta"]["load_average_after"] = _load()
        data = merge(results)
        data["meta"]["snippet_sha256"] = outputs.source_hash(catalog.get("ipc_bench"))
        data["meta"]["command"] = (COMMAND + (" --quick" if quick else "") + (f" --runs {args.runs}" if args.runs > 1 else "")
                                   + (f" --wait-quiet {args.wait_quiet:g}" if args.wait_quiet is not None else ""))
        write_atomic(json_path, json.dumps(data, indent=1) + "\n")
        tmp.unlink()
    written = render(json_path, svg_path, table_path)
    for path in [json_path] * (not args.render_only) + written:
        print(f"wrote {path}")
    if default_dir:
        print("(a --quick run is written to a temporary folder unless you name the paths)")
    return 0


def _load() -> Optional[float]:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else None


def wait_quiet(limit: float, poll: float = 5.0, patience: float = 3600.0) -> None:
    """Wait until the 1-minute load average is at most ``limit`` (at most an hour)."""
    deadline = time.monotonic() + patience
    load = _load()
    while load is not None and load > limit and time.monotonic() < deadline:
        print(f"waiting for a quiet machine: load average {load:.2f} > {limit:g}", file=sys.stderr)
        time.sleep(poll)
        load = _load()


def register(subparsers) -> None:
    p = subparsers.add_parser("bench", help="measure every channel (snippets/ipc_bench.py); write JSON, table, chart")
    p.add_argument("--quick", action="store_true", help="the rough run of a few seconds (written only where told)")
    p.add_argument("--json", metavar="PATH", help=f"default: {JSON_PATH.relative_to(catalog.ROOT)}")
    p.add_argument("--svg", metavar="PATH", help=f"default: {SVG_PATH.relative_to(catalog.ROOT)}")
    p.add_argument("--table", metavar="PATH", help=f"default: {TABLE_PATH.relative_to(catalog.ROOT)}")
    p.add_argument("--render-only", action="store_true", help="redraw the table and chart from the JSON; measure nothing")
    p.add_argument("--runs", type=positive, default=1, help="run the bench N times; figures are medians over all runs")
    p.add_argument("--wait-quiet", type=float, metavar="LOAD",
                   help="before each run, wait until the 1-minute load average is at most LOAD")
    p.add_argument("--python", metavar="PATH", help="the interpreter to measure (default: this one)")
    p.set_defaults(handler=_bench)
