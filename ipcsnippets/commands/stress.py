"""``python -m ipcsnippets stress``: run a snippet many times and count what happened.

``stress NAME --runs N`` runs the snippet N times under each of its start
methods (or one, ``--start-method``), ``--jobs`` at a time, each run its own
process tree, and prints per method how many runs completed, hung, lost items
(printed ``never consumed: K`` with K > 0) or raised, and the median, 95th
percentile and maximum duration of the runs that ended by themselves (a hung
run lasts exactly its limit, ``--timeout``). ``--json PATH`` stores every run.

``stress --pages`` measures what the pages show (see ``PAGES``) and writes
``docs/measured/<name>.json`` and the Markdown fragment rendered from it,
``docs/measured/<name>.md``; ``stress --pages NAME`` measures that one only. Exit status: 0, or 1 when a run disagreed with
the catalog; 2 bad arguments; 130 Ctrl-C (every run it started is killed).
"""
from __future__ import annotations

import datetime
import json
import math
import os
import platform
import re
import shlex
import statistics
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import psutil

from .. import catalog, outputs
from ..catalog import COMPLETES, HANGS, LOST_ITEMS, MEASURED_DIR, RAISES
from . import EXIT_MISMATCH, seconds
from ..cases import Case, Checked, check
from ..fragments import Rendered, write_atomic
from ..matrix import load_average
from ..runner import KILLED, RUN_FOLDER_PREFIX, RunnerError, RunResult

PAGES_COMMAND = "python -m ipcsnippets stress --pages"


@dataclass(frozen=True)
class Measurement:
    """One fragment of measured figures a page includes.

    Attributes:
        name: ``docs/measured/<name>.json`` and ``<name>.md``.
        snippets: ``(snippet, hang limit in seconds or None for the
            catalog's, runs at a time)``. Parallel runs compete for the CPUs,
            which changes the odds of a race: the fragment says how many ran
            at once. Runs that hang use no CPU while they wait, so a snippet
            that always hangs can run many at a time.
        caption: what the table shows, one sentence for the page.
        notes: by snippet, what a reader must know to read its rates (for
            example that a rate is certain by construction, not by chance).
        losses: show the lost-items columns even when no run lost any (the
            table is there to show that none did).
    """

    name: str
    snippets: Tuple[Tuple[str, Optional[float], int], ...]
    caption: str
    notes: Tuple[Tuple[str, str], ...] = ()
    losses: bool = False


PAGES = (
    Measurement(
        name="queue_race_rates",
        # A run that ends takes well under a second here; 3 s is ample.
        snippets=(("queue_race", 3.0, 4),),
        caption="How often the `empty()`-then-`get()` race hung, by start method.",
    ),
    Measurement(
        name="fix_rates",
        # The taught fix hangs at exit in every run, after printing what it lost
        # (within a second here): a shorter limit, many runs at a time.
        snippets=(("sentinel_fix", None, 4), ("timeout_fix_taught", 4.0, 16)),
        caption="The sentinel fix against the taught timeout fix, by start method.",
        notes=(("timeout_fix_taught",
                "Its rates are set by its sizes, not by chance: it puts far more data than a pipe holds "
                "(`ITEMS` items of about 10 KB each), its consumers stop at the first empty pipe, and the "
                "parent's feeder can then never finish, so the parent hangs at exit whenever items are "
                "left. The rate shows that the failure is certain with these sizes, not how likely it is "
                "in a program of your own."),),
    ),
    Measurement(
        name="redis_loss_rates",
        # Each run is five rounds with a consumer killed at a random moment;
        # two at a time leave the CPUs to the consumers and the server.
        snippets=(("redis_stream_reliable", None, 2),),
        caption="A Redis stream with a consumer group, a consumer killed in each round: runs that lost a job.",
        losses=True,
    ),
)
"""What ``stress --pages`` measures."""

DEFAULT_RUNS, PAGES_RUNS = 20, 200


def register(subparsers) -> None:
    p = subparsers.add_parser("stress", help="run a snippet many times; count hangs, lost items, errors; durations")
    p.add_argument("snippet", nargs="?", metavar="NAME", help="a snippet; with --pages, one measurement of PAGES")
    p.add_argument("--runs", "-n", type=int, default=None,
                   help=f"runs per start method (default {DEFAULT_RUNS}; {PAGES_RUNS} with --pages)")
    p.add_argument("--start-method", "-m", help="only this method (default: every method of the snippet)")
    p.add_argument("--jobs", "-j", type=int, default=None, help="runs at a time (default: twice the CPUs)")
    p.add_argument("--timeout", "-t", type=seconds, help="seconds before a run counts as hung (default: the catalog's)")
    p.add_argument("--json", metavar="PATH", help="also store every run and the summary as JSON")
    p.add_argument("--pages", action="store_true",
                   help="measure what the pages show and write docs/measured/*.json and *.md")
    p.set_defaults(handler=_stress)


# --- counting -------------------------------------------------------------------

def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The nearest-rank ``q``-th percentile (0 < q <= 100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def lost_items(result: RunResult) -> bool:
    """The run reported items that were never consumed (``catalog.LOST_ITEMS``)."""
    return re.search(LOST_ITEMS, result.output) is not None


def tally(checked: Sequence[Checked]) -> dict:
    """Counts and durations of the runs of one snippet under one method.

    ``disagree`` counts runs that break the catalog's expectation (under a
    shortened ``--timeout`` a slow run may be one of them)."""
    results = [c.result for c in checked]
    ended = [r.duration for r in results if r.outcome != HANGS]
    summary = {
        "runs": len(results),
        "completed": sum(r.outcome == COMPLETES for r in results),
        "hung": sum(r.outcome == HANGS for r in results),
        "lost_items": sum(lost_items(r) for r in results),
        "raised": sum(r.outcome == RAISES for r in results),
        "killed": sum(r.outcome == KILLED for r in results),
        "disagree": sum(bool(c.problems) for c in checked),
        "median_s": _round(statistics.median(ended)) if ended else None,
        "p95_s": _round(percentile(ended, 95)),
        "max_s": _round(max(ended)) if ended else None,
    }
    raised = sorted({r.exception or "?" for r in results if r.outcome == RAISES})
    if raised:
        summary["exceptions"] = raised
    return summary


def _round(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 3)


def stress(
    name: str,
    runs: int,
    methods: Optional[Sequence[str]] = None,
    jobs: Optional[int] = None,
    timeout: Optional[float] = None,
    progress=None,
) -> Dict[str, List[Checked]]:
    """Run snippet ``name`` ``runs`` times under each method (default: all of
    the snippet's), ``jobs`` at a time; the checked runs by method."""
    methods = list(methods or catalog.get(name).methods())
    checked = check([Case(name, m, timeout=timeout) for m in methods for _ in range(runs)], jobs, progress)
    return {m: checked[i * runs:(i + 1) * runs] for i, m in enumerate(methods)}


def _command(name: str, runs: int, methods, jobs: int, timeout: Optional[float]) -> str:
    words = ["python", "-m", "ipcsnippets", "stress", name, "--runs", str(runs)]
    if methods:
        words += ["--start-method", methods[0]]
    words += ["--jobs", str(jobs)]
    if timeout is not None:
        words += ["--timeout", f"{timeout:g}"]
    return shlex.join(words)


def measure(name: str, runs: int, methods, jobs: int, timeout: Optional[float], progress=None) -> dict:
    """Stress one snippet and return its stored form (summary by method)."""
    snippet = catalog.get(name)
    started = time.monotonic()
    others = OtherLoad()
    try:
        by_method = stress(name, runs, methods, jobs, timeout, progress)
    finally:
        share = others.share()
    return {
        "snippet": name,
        "page": snippet.page,
        "command": _command(name, runs, methods, jobs, timeout),
        "jobs": jobs,
        "source_sha256": outputs.source_hash(snippet),
        "timeout_s": snippet.timeout if timeout is None else timeout,
        "catalog_timeout_s": snippet.timeout,
        "expected": {m: snippet.expect_for(m).describe() for m in by_method},
        "wall_seconds": round(time.monotonic() - started, 1),
        "other_cpu_share": share,
        "methods": {m: tally(cs) for m, cs in by_method.items()},
        "_results": by_method,  # dropped before storing
    }


class OtherLoad:
    """How busy other processes kept the machine while we measured.

    A thread looks at every process every quarter of a second and counts
    those running (state R) that are not this process, its children, or a
    process of one of its runs (the runner marks their environment). The
    mean of those counts is a load average of everybody else: it sees short
    processes in proportion to their running time. ``share()`` divides it by
    the number of CPUs.
    """

    INTERVAL = 0.25

    def __init__(self):
        self._counts: List[int] = []
        self._ours: Dict[Tuple[int, float], bool] = {}
        self._marker = f"{RUN_FOLDER_PREFIX}{os.getpid()}-"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="other-load", daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            self._counts.append(self._running_others())

    def _running_others(self) -> int:
        me = os.getpid()
        count = 0
        for process in psutil.process_iter():
            try:
                with process.oneshot():  # one read of /proc/PID/stat for all three
                    if process.pid == me or process.status() != psutil.STATUS_RUNNING:
                        continue
                    if process.ppid() in (0, 2, me):  # 2: kernel threads
                        continue
                    key = (process.pid, process.create_time())
                if key not in self._ours:
                    self._ours[key] = any(self._marker in v for v in process.environ().values())
                count += not self._ours[key]
            except psutil.Error:
                continue  # it ended while we looked
        return count

    def share(self) -> Optional[float]:
        """Stop sampling; the mean number of other running processes per CPU."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(5)
        if not self._counts:
            return None
        return round(min(1.0, statistics.mean(self._counts) / (os.cpu_count() or 1)), 3)


def _machine() -> dict:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.system(),
        "cpu_count": os.cpu_count(),
        "date": datetime.date.today().isoformat(),
    }


# --- the command -------------------------------------------------------------------

def _stress(args) -> int:
    if args.runs is not None and args.runs < 1:
        raise RunnerError(f"--runs must be at least 1, not {args.runs}")
    if args.pages:
        if args.start_method or args.timeout or args.json:
            raise RunnerError("--pages takes no --start-method, --timeout or --json (see PAGES in stress.py)")
        chosen = [page for page in PAGES if args.snippet in (None, page.name)]
        if not chosen:
            raise RunnerError(f"no measurement {args.snippet!r} (known: {', '.join(p.name for p in PAGES)})")
        return _pages(args.runs or PAGES_RUNS, args.jobs, chosen, args.snippet)
    if not args.snippet:
        raise RunnerError("name a snippet, or use --pages")
    snippet = catalog.get(args.snippet)
    if args.start_method and args.start_method not in snippet.methods():
        raise RunnerError(
            f"snippet {snippet.name!r} runs under {', '.join(snippet.methods())}, not {args.start_method!r}"
        )
    runs = args.runs or DEFAULT_RUNS
    jobs = args.jobs or 2 * (os.cpu_count() or 1)
    methods = [args.start_method] if args.start_method else None
    machine = _machine()
    load = load_average()
    m = measure(snippet.name, runs, methods, jobs, args.timeout, _progress_printer(snippet.name))
    results = m.pop("_results")
    print(f"{m['command']}")
    print(f"Python {machine['python']}, {machine['cpu_count']} CPUs, load average {_load_text(load)} at the start; "
          f"a run counts as hung after {m['timeout_s']:g} s; {m['wall_seconds']:g} s in all; "
          f"other processes kept {_share_text(m['other_cpu_share'])} of the CPUs busy meanwhile")
    _print_table(m)
    if args.json:
        stored = {**machine, "load_average_before": load, **m, "runs": {
            method: [
                {"outcome": r.outcome, "exit_code": r.exit_code, "exception": r.exception,
                 "duration_s": round(r.duration, 3), "lost_items": lost_items(r)}
                for r in (c.result for c in checked)
            ]
            for method, checked in results.items()
        }}
        Path(args.json).write_text(json.dumps(stored, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.json}")
    return EXIT_MISMATCH if any(t["disagree"] for t in m["methods"].values()) else 0


def _progress_printer(label: str):
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done == total else ""
        print(f"\r{label}: {done}/{total} runs", end=end, file=sys.stderr, flush=True)

    return show


def _share_text(share: Optional[float]) -> str:
    return "an unknown part" if share is None else f"{100 * share:.0f}%"


def _load_text(load) -> str:
    return "unknown" if load is None else f"{load[0]:.2f}"


def _fmt_s(value: Optional[float]) -> str:
    return "-" if value is None else f"{value:.2f} s"


def _print_table(m: dict) -> None:
    print(f"{'method':<11}{'runs':>6}{'completed':>11}{'hung':>7}{'rate':>8}{'lost items':>12}{'raised':>8}"
          f"{'median':>10}{'p95':>9}{'max':>9}{'disagree':>10}")
    for method, t in m["methods"].items():
        print(f"{method:<11}{t['runs']:>6}{t['completed']:>11}{t['hung']:>7}{_pct(t['hung'], t['runs']):>8}"
              f"{t['lost_items']:>12}{t['raised']:>8}{_fmt_s(t['median_s']):>10}{_fmt_s(t['p95_s']):>9}"
              f"{_fmt_s(t['max_s']):>9}{t['disagree']:>10}")
    print("durations: of the runs that ended by themselves; disagree: runs that broke the catalog's expectation")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _pages(runs: int, jobs: Optional[int], pages: Sequence[Measurement] = PAGES, name: Optional[str] = None) -> int:
    disagree = 0
    # Taken once: before the second table, the load is our own first table's.
    load = load_average()
    for page in pages:
        command = (PAGES_COMMAND + (f" {name}" if name else "") + (f" --runs {runs}" if runs != PAGES_RUNS else "")
                   + (f" --jobs {jobs}" if jobs else ""))
        stored = {"measurement": page.name, "command": command, "caption": page.caption, **_machine(),
                  "load_average_before": load, "snippets": []}
        started = time.monotonic()
        for name, timeout, page_jobs in page.snippets:
            m = measure(name, runs, None, jobs or page_jobs, timeout, _progress_printer(f"{page.name}: {name}"))
            m.pop("_results")
            print(m["command"])
            _print_table(m)
            disagree += sum(t["disagree"] for t in m["methods"].values())
            stored["snippets"].append(m)
        stored["load_average_after"] = load_average()
        stored["wall_seconds"] = round(time.monotonic() - started, 1)
        write(stored)
        print(f"wrote docs/measured/{page.name}.json and .md")
    return EXIT_MISMATCH if disagree else 0


# --- the fragments -----------------------------------------------------------------

def paths(name: str) -> Tuple[Path, Path]:
    return MEASURED_DIR / f"{name}.json", MEASURED_DIR / f"{name}.md"


def write(stored: dict) -> None:
    """Store a measurement and the Markdown fragment rendered from it."""
    json_path, md_path = paths(stored["measurement"])
    write_atomic(json_path, json.dumps(stored, indent=1) + "\n")
    write_atomic(md_path, render(stored))


def rendered() -> List[Rendered]:
    """Each page's fragment as its stored measurement renders it (a
    measurement that is missing is ``check_stored()``'s to name)."""
    found = []
    for page in PAGES:
        json_path, md_path = paths(page.name)
        if json_path.is_file():
            found.append(Rendered(md_path, json_path, render(json.loads(json_path.read_text(encoding="utf-8")))))
    return found


QUIET = 0.1
"""Below this share of the CPUs kept busy by other processes, the machine counts as otherwise quiet."""


def _busy(stored: dict) -> str:
    text = f"load average (1 minute) {_load_text(stored['load_average_before'])} when the command started"
    if stored.get("load_average_after") is not None:
        text += f" and {_load_text(stored['load_average_after'])} when it ended (its own runs included)"
    shares = [m["other_cpu_share"] for m in stored["snippets"]]
    if any(share is None for share in shares):
        return text
    busiest = max(shares)
    if busiest < QUIET:
        return text + f"; the machine was otherwise quiet (other processes kept at most {_share_text(busiest)} of the CPUs busy)"
    return text + (f"; **the machine was busy**: other processes kept up to {_share_text(busiest)} of the CPUs busy "
                   f"meanwhile, which changes the timing of races")


def render(stored: dict) -> str:
    """The Markdown a page includes: one table, then how it was measured."""
    lines = [f"<!-- generated by `{stored['command']}`: do not edit -->", ""]
    several = len(stored["snippets"]) > 1
    page = _page(stored)
    losses = any("loses items" in e for m in stored["snippets"] for e in m["expected"].values()) or any(
        t["lost_items"] for m in stored["snippets"] for t in m["methods"].values()) or bool(page and page.losses)
    head = (["program"] if several else []) + ["start method", "runs", "completed", "hung", "hang rate"]
    head += ["lost items", "loss rate"] if losses else []
    head += ["median", "p95"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "|".join("---" if i < (2 if several else 1) else "---:" for i in range(len(head))) + "|")
    for m in stored["snippets"]:
        for method, t in m["methods"].items():
            row = ([f"`{m['snippet']}`"] if several else []) + [
                method, str(t["runs"]), str(t["completed"]), str(t["hung"]), _pct(t["hung"], t["runs"])]
            row += [str(t["lost_items"]), _pct(t["lost_items"], t["runs"])] if losses else []
            row += [_fmt_s(t["median_s"]).replace("-", "—"), _fmt_s(t["p95_s"]).replace("-", "—")]
            lines.append("| " + " | ".join(row) + " |")
    lines.append("")
    notes = []
    for m in stored["snippets"]:
        limit = m["timeout_s"]
        slowest = max((t["max_s"] for t in m["methods"].values() if t["max_s"] is not None), default=None)
        note = (f"`{m['snippet']}`: `{m['command']}` ({m['jobs']} runs at a time on {stored['cpu_count']} CPUs, "
                f"{m['wall_seconds']:g} s; "
                f"other processes kept {_share_text(m['other_cpu_share'])} of the CPUs busy); a run that had not ended "
                f"after {limit:g} s counted as hung"
                + (f" (the catalog's limit is {m['catalog_timeout_s']:g} s)" if limit != m["catalog_timeout_s"] else "")
                + (f"; the slowest run that ended took {slowest:.2f} s" if slowest is not None else "; no run ended by itself")
                + ".")
        if slowest is not None and slowest > limit / 2 and any(t["hung"] for t in m["methods"].values()):
            note += (" **Warning: that is more than half the limit, so some runs counted as hung may only "
                     "have been slow.**")
        disagree = sum(t["disagree"] for t in m["methods"].values())
        if disagree:
            how = ", ".join(f"{method} {t['disagree']}" for method, t in m["methods"].items() if t["disagree"])
            note += (f" **{disagree} of the runs ({how}) did not do what the catalog expects: "
                     f"{', '.join(sorted(set(m['expected'].values())))}.**")
        note += "".join(f" {text}" for name, text in _notes(stored) if name == m["snippet"])
        notes.append(note)
    lines.append(
        f"{stored['caption']} Measured on {stored['date']} with `{stored['command']}`: CPython {stored['python']}, "
        f"{stored['platform']}, {stored['cpu_count']} CPUs; "
        f"{_busy(stored)}. Median and p95 are of the runs that ended by themselves."
        + (" \"Lost items\" counts the runs that printed `never consumed:` with a count above 0." if losses else "")
    )
    lines.append("")
    lines += [f"- {n}" for n in notes]
    return "\n".join(lines).rstrip() + "\n"


def _page(stored: dict) -> Optional[Measurement]:
    return next((p for p in PAGES if p.name == stored["measurement"]), None)


def _notes(stored: dict) -> Tuple[Tuple[str, str], ...]:
    page = _page(stored)
    return page.notes if page else ()


def check_stored() -> List[str]:
    """Every way a stored measurement is missing or stale (its page
    fragment is compared by [fragments][ipcsnippets.fragments])."""
    problems = []
    for page in PAGES:
        json_path = paths(page.name)[0]
        if not json_path.is_file():
            problems.append(f"{page.name}: not measured (run: {PAGES_COMMAND})")
            continue
        stored = json.loads(json_path.read_text(encoding="utf-8"))
        measured = [m["snippet"] for m in stored["snippets"]]
        if measured != [name for name, *_ in page.snippets]:
            problems.append(f"{page.name}: measured {measured}, not {[n for n, *_ in page.snippets]} (run: {PAGES_COMMAND})")
        for m in stored["snippets"]:
            if m["source_sha256"] != outputs.source_hash(catalog.get(m["snippet"])):
                problems.append(f"{page.name}: {m['snippet']} changed since it was measured (run: {PAGES_COMMAND})")
    return problems
