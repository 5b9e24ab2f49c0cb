"""Turn the figures of ``snippets/ipc_bench.py`` into the page's table and chart.

Everything here is a pure function of the JSON the bench writes: the
Markdown table fragment, the SVG chart (plain SVG text, drawn in
``currentColor`` so that it reads on light and dark backgrounds) and the
verdict on each speed target the page states. Regenerating them from the
same JSON gives the same files, byte for byte.
"""
from __future__ import annotations

import math
from html import escape
from typing import Dict, List, Optional, Sequence, Tuple

CHANNELS = ("Pipe", "SimpleQueue", "Queue", "JoinableQueue", "Manager().Queue")
REFERENCES = ("raw os.pipe", "raw socket pair", "memory copy")
PAYLOADS = ("small int", "1 KiB", "64 KiB", "1 MiB")
BATCHES = (1, 100, 1000)
HANDOVERS = (
    "Pipe.send_bytes",
    "shared memory, data already in it",
    "shared memory, create and copy in",
    "copy into new memory",
    "copy into memory in use",
)

# Targets the page states (fractions and factors).
BATCH_FACTOR = 10.0  # a batch of 100 small ints moves items at least 10x faster
PIPE_SHARE_OF_RAW = 0.5  # 1 MiB messages through a Pipe: at least half of raw os.pipe
SHM_FACTOR_OVER_PIPE = 10.0  # shared memory at least 10x faster than the Pipe
SHM_WITHIN_COPY = 2.0  # and within 2x of one copy in memory


class MissingFigure(LookupError):
    """The JSON lacks a figure the table or chart needs."""


# --- reading the JSON ---------------------------------------------------------

def rows(data: dict, **match) -> List[dict]:
    """Every row of the bench whose fields equal ``match``."""
    return [r for r in data["rows"] if all(r.get(k) == v for k, v in match.items())]


def one(data: dict, **match) -> dict:
    """The single row matching ``match``; raises MissingFigure otherwise."""
    found = rows(data, **match)
    if len(found) != 1:
        raise MissingFigure(f"{len(found)} rows match {match}")
    return found[0]


def methods(data: dict) -> List[str]:
    """The start methods measured, in the order they ran (fork, spawn)."""
    return list(dict.fromkeys(r["method"] for r in data["rows"] if r["method"] != "in-process"))


def per_s(data: dict, method: str, channel: str, payload: str = "small int", batch: int = 1) -> float:
    m = "in-process" if channel == "memory copy" else method
    return one(data, kind="throughput", method=m, channel=channel, payload=payload, batch=batch)["per_s"]


def bytes_per_s(data: dict, method: str, channel: str, payload: str) -> float:
    m = "in-process" if channel == "memory copy" else method
    return one(data, kind="throughput", method=m, channel=channel, payload=payload, batch=1)["bytes_per_s"]


def handover_s(data: dict, method: str, how: str) -> float:
    return one(data, kind="shared_memory", method=method, how=how)["median_s"]


# --- numbers as people read them ---------------------------------------------

def rate(n: float) -> str:
    """452000 -> '452k'; 23400000 -> '23.4M'."""
    for unit, scale in (("M", 1e6), ("k", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g}{unit}"
    return f"{n:.3g}"


def mb(n: float) -> str:
    """Bytes per second in MB/s (10^6), three significant figures at most."""
    v = n / 1e6
    return f"{v:,.0f}" if v >= 100 else f"{v:.3g}"


def duration(seconds: float) -> str:
    """0.0000312 -> '31 µs'; 0.0123 -> '12.3 ms'."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def two_durations(a: float, b: float) -> str:
    """Two durations in the unit of the larger one: '26 / 61 µs', '19.3 / 47.2 ms'."""
    if max(a, b) < 1e-3:
        return f"{a * 1e6:.0f} / {b * 1e6:.0f} µs"
    return f"{a * 1e3:.3g} / {b * 1e3:.3g} ms"


def spread(row: dict) -> str:
    return f" ±{row['spread'] * 50:.0f}%" if row.get("spread") is not None else ""


# --- the targets ---------------------------------------------------------------

def targets(data: dict) -> List[Tuple[str, str, str, Optional[bool]]]:
    """(start method, target, what was measured, met?) for every target the page
    states; met is None for a line shown for comparison only."""
    found = []
    for m in methods(data):
        one_by_one = per_s(data, m, "Queue")
        batched = per_s(data, m, "Queue", batch=100)
        batched_1000 = per_s(data, m, "Queue", batch=1000)
        found.append((
            m, f"Queue, batches of 100 small ints: ≥ {BATCH_FACTOR:g}x the per-item rate",
            f"{rate(batched)} vs {rate(one_by_one)} items/s: {batched / one_by_one:.0f}x "
            f"(batches of 1000: {batched_1000 / one_by_one:.0f}x)",
            batched >= BATCH_FACTOR * one_by_one,
        ))
        pipe, raw = bytes_per_s(data, m, "Pipe", "1 MiB"), bytes_per_s(data, m, "raw os.pipe", "1 MiB")
        found.append((
            m, f"Pipe, 1 MiB messages: ≥ {PIPE_SHARE_OF_RAW:.0%} of raw os.pipe",
            f"{mb(pipe)} vs {mb(raw)} MB/s: {pipe / raw:.0%}",
            pipe >= PIPE_SHARE_OF_RAW * raw,
        ))
        socket_pair = bytes_per_s(data, m, "raw socket pair", "1 MiB")
        found.append((
            m, "for comparison, no target: Pipe, 1 MiB messages, against the raw socket pair it is built on",
            f"{mb(pipe)} vs {mb(socket_pair)} MB/s: {pipe / socket_pair:.0%}",
            None,
        ))
        shm = handover_s(data, m, "shared memory, data already in it")
        through_pipe = handover_s(data, m, "Pipe.send_bytes")
        size = one(data, kind="shared_memory", method=m, how="Pipe.send_bytes")["bytes"] >> 20
        found.append((
            m, f"{size} MiB in shared memory: ≥ {SHM_FACTOR_OVER_PIPE:g}x faster than through a Pipe",
            f"{duration(shm)} vs {duration(through_pipe)}: {through_pipe / shm:.0f}x",
            through_pipe >= SHM_FACTOR_OVER_PIPE * shm,
        ))
        copy = min(handover_s(data, m, "copy into memory in use"), handover_s(data, m, "copy into new memory"))
        found.append((
            m, f"{size} MiB in shared memory: within {SHM_WITHIN_COPY:g}x of one copy in memory (the faster copy)",
            f"{duration(shm)} vs {duration(copy)}: {shm / copy:.2f}x",
            shm <= SHM_WITHIN_COPY * copy,
        ))
    return found


# --- the Markdown table ---------------------------------------------------------

def _table(header: Sequence[str], body: Sequence[Sequence[str]], right_from: int = 1) -> List[str]:
    align = ["---"] * right_from + ["--:"] * (len(header) - right_from)
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


def _tabbed(by_method: Dict[str, List[str]]) -> List[str]:
    lines = []
    for method, body in by_method.items():
        lines += [f'=== "{method}"', ""] + ["    " + line for line in body] + [""]
    return lines


def table_markdown(data: dict, command: str = "python -m ipcsnippets bench") -> str:
    """The fragment the page includes: metadata, five tables, the targets."""
    meta = data["meta"]
    runs = meta.get("runs", 1)
    repeats = meta["settings"]["repeats"]
    when = meta["date"] if runs == 1 else f"{meta['dates'][0]} to {meta['dates'][-1][-9:]}"
    how = (f"each throughput is the median of {repeats} repeats after a warm-up round" if runs == 1 else
           f"{runs} runs; each throughput is the median of all {runs * repeats} repeats "
           f"({repeats} per run, each run after a warm-up round), each round trip the median of the runs' figures")
    before, after = meta.get("load_average"), meta.get("load_average_after")
    before = before if isinstance(before, list) else [before]
    after = after if isinstance(after, list) else [after] * len(before)
    load = ""
    if before and None not in before:
        pairs = [f"{b:.2f}" + (f" → {a:.2f}" if a is not None else "") for b, a in zip(before, after)]
        load = (f" Load average (1 minute) at the start{' and end' if None not in after else ''} of "
                f"{'the run' if runs == 1 else 'each run'}: " + ", ".join(pairs) + ".")
    out = [
        f"<!-- generated by `{command}` from docs/measured/bench.json: do not edit -->",
        f"Measured {when} by `{meta.get('command', command)}` with {meta['implementation']} {meta['python']} "
        f"on {meta['platform']}, {meta['cpus']} CPUs; {meta['mode']} run, {how}. "
        f"± is half the spread between the fastest and the slowest repeat.{load}",
        "",
        "**Throughput**, one producer to one consumer: small ints in messages/s, bytes in MB/s "
        "(10^6 bytes).",
        "",
    ]
    tables = {}
    for m in methods(data):
        body = []
        for channel in CHANNELS + REFERENCES:
            cells = [f"`{channel}`"]
            for payload in PAYLOADS:
                try:
                    r = one(data, kind="throughput", method="in-process" if channel == "memory copy" else m,
                            channel=channel, payload=payload, batch=1)
                except MissingFigure:
                    cells.append("–")
                    continue
                cells.append(rate(r["per_s"]) + spread(r) if payload == "small int"
                             else mb(r["bytes_per_s"]) + spread(r))
            body.append(cells)
        tables[m] = _table(["channel", "small ints (msg/s)", "1 KiB (MB/s)", "64 KiB (MB/s)", "1 MiB (MB/s)"], body)
    out += _tabbed(tables)

    out += ["**Round trip** (one message there and back, median / 99th percentile) and "
            "**start-up** (from `start()` to the first answer).", ""]
    tables = {}
    for m in methods(data):
        body = []
        for channel in CHANNELS:
            cells = [f"`{channel}`"]
            for payload in PAYLOADS:
                r = one(data, kind="latency", method=m, channel=channel, payload=payload)
                cells.append(two_durations(r["median_s"], r["p99_s"]))
            cells.append(duration(one(data, kind="startup", method=m, channel=channel)["seconds"]))
            body.append(cells)
        tables[m] = _table(["channel", "small int", "1 KiB", "64 KiB", "1 MiB", "start-up"], body)
    out += _tabbed(tables)

    out += ["**Batching**: small ints per second, one per message or in lists of 100 or 1000.", ""]
    tables = {}
    for m in methods(data):
        body = []
        for channel in CHANNELS:
            alone = per_s(data, m, channel)
            cells = [f"`{channel}`", rate(alone)]
            for batch in BATCHES[1:]:
                r = one(data, kind="throughput", method=m, channel=channel, payload="small int", batch=batch)
                cells.append(f"{rate(r['per_s'])} ({r['per_s'] / alone:.0f}x)")
            body.append(cells)
        tables[m] = _table(["channel", "one per message", "100 per message", "1000 per message"], body)
    out += _tabbed(tables)

    size = one(data, kind="shared_memory", method=methods(data)[0], how=HANDOVERS[0])["bytes"] >> 20
    out += [f"**Handing over {size} MiB**: until the other process has read a byte of every page "
            "(median time; lower is better).", ""]
    body = []
    for how in HANDOVERS:
        cells = [how]
        for m in methods(data):
            r = one(data, kind="shared_memory", method=m, how=how)
            cells.append(duration(r["median_s"]))
        body.append(cells)
    out += _table(["how", *methods(data)], body) + [""]

    return "\n".join(out).rstrip() + "\n"


def _generated(command: str) -> str:
    return f"<!-- generated by `{command}` from docs/measured/bench.json: do not edit -->"


def targets_markdown(data: dict, command: str = "python -m ipcsnippets bench") -> str:
    """The fragment with each target, what was measured, and PASS or MISS."""
    body = [[m, target, measured, "–" if met is None else "PASS" if met else "**MISS**"]
            for m, target, measured, met in targets(data)]
    return "\n".join([_generated(command), ""] + _table(["start method", "target", "measured", "result"], body, right_from=4)) + "\n"


def published_markdown(data: dict, command: str = "python -m ipcsnippets bench") -> str:
    """The fragment that sets our figures beside the published ones (FACTS.md)."""
    ms = methods(data)
    ratio = [f"{per_s(data, m, 'Pipe') / per_s(data, m, 'Queue'):.2f}x" for m in ms]
    queue = []
    for m in ms:
        parts = [f"{rate(per_s(data, m, 'Queue'))} (small ints)"]
        parts += [f"{rate(per_s(data, m, 'Queue', p))} ({p})" for p in PAYLOADS[1:]]
        queue.append(", ".join(parts))
    waiting = [f"{rate(1 / one(data, kind='latency', method=m, channel='Queue', payload='small int')['median_s'])}"
               for m in ms]
    body = [
        ["`Pipe` ÷ `Queue`, small messages",
         "about 3x on Python 2.7, about 1.25x on Python 3.9 (one StackOverflow benchmark, question 8463008)",
         *ratio],
        ["`Queue`, one producer to one consumer, msg/s", "25k to 79k (the faster-fifo project)", *queue],
        ["`Queue`, a producer that waits for each answer, msg/s (1 ÷ round trip)", "", *waiting],
    ]
    meta = data["meta"]
    header = ["figure", "published", *[f"here: {meta['implementation']} {meta['python']}, {m}" for m in ms]]
    return "\n".join([_generated(command), ""] + _table(header, body, right_from=2)) + "\n"


# --- the SVG chart ---------------------------------------------------------------

WIDTH = 660
LABEL_W = 215  # room for the bar labels
VALUE_W = 85  # room for the value after the longest bar
BAR_H = 12
GAP = 5
SERIES = ("s0", "s1", "s2")

STYLE = """
svg.ipcbench:root { color: #1f2328; background: #fff; }
@media (prefers-color-scheme: dark) { svg.ipcbench:root { color: #e6edf3; background: #0d1117; } }
.ipcbench text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; fill: currentColor; }
.ipcbench .title { font-weight: 600; font-size: 13px; }
.ipcbench .grid { stroke: currentColor; stroke-opacity: 0.18; }
.ipcbench .axis { font-size: 10px; fill-opacity: 0.75; }
.ipcbench .s0 { fill: #4e79a7; }
.ipcbench .s1 { fill: #f28e2b; }
.ipcbench .s2 { fill: #59a14f; }
.ipcbench .ref { fill: #8c8c8c; }
"""


def _decades(lo: float, hi: float) -> Tuple[int, int]:
    return math.floor(math.log10(lo)), math.ceil(math.log10(hi))


def _panel(y: float, title: str, groups: Sequence[tuple], series: Sequence[str], fmt, tick_fmt) -> Tuple[List[str], float]:
    """A horizontal bar panel on a log scale; returns its SVG lines and the next y.

    ``groups`` holds (label, values) pairs, one value per series, or
    (label, values, css class) for a bar drawn apart from the series."""
    values = [v for g in groups for v in g[1] if v]
    lo, hi = _decades(min(values), max(values))
    span = WIDTH - LABEL_W - VALUE_W
    x_of = lambda v: LABEL_W + span * (math.log10(v) - lo) / (hi - lo)  # noqa: E731
    out = [f'<text class="title" x="0" y="{y + 13}">{escape(title)}</text>']
    y += 22
    legend_x = 0
    for name, cls in zip(series, SERIES):
        if len(series) > 1:
            out.append(f'<rect class="{cls}" x="{legend_x}" y="{y}" width="10" height="10"/>')
            out.append(f'<text x="{legend_x + 14}" y="{y + 9}">{escape(name)}</text>')
            legend_x += 24 + 7 * len(name)
    if len(series) > 1:
        y += 18
    top = y
    for label, vs, *own_class in groups:
        group_h = len(vs) * (BAR_H + 1)
        out.append(f'<text x="{LABEL_W - 8}" y="{y + group_h / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>')
        for v, cls in zip(vs, own_class * len(vs) or SERIES):
            if v:
                w = max(1.0, x_of(v) - LABEL_W)
                out.append(f'<rect class="{cls}" x="{LABEL_W}" y="{y}" width="{w:.1f}" height="{BAR_H}"/>')
                out.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{y + BAR_H - 2}">{escape(fmt(v))}</text>')
            y += BAR_H + 1
        y += GAP
    for d in range(lo, hi + 1):
        x = x_of(10 ** d)
        out.insert(0, f'<line class="grid" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{y}"/>')
        out.append(f'<text class="axis" x="{x:.1f}" y="{y + 11}" text-anchor="middle">{escape(tick_fmt(10 ** d))}</text>')
    return out, y + 28


def chart_svg(data: dict) -> str:
    """The page's chart: small ints per second (with batching), 1 MiB bytes per
    second against the two limits, and the big-buffer handover; log scales."""
    meta = data["meta"]
    ms = methods(data)
    first = ms[0]
    body: List[str] = []
    y = 0.0
    groups = [(c, [per_s(data, first, c, batch=b) for b in BATCHES]) for c in CHANNELS]
    lines, y = _panel(y, f"Small ints per second, one producer to one consumer ({first})",
                      groups, ["one per message", "100 per message", "1000 per message"], rate, rate)
    body += lines
    groups = [(c, [bytes_per_s(data, m, c, "1 MiB") for m in ms]) for c in CHANNELS + REFERENCES[:2]]
    groups.append(("memory copy (in-process)", [bytes_per_s(data, first, "memory copy", "1 MiB")], "ref"))
    lines, y = _panel(y, "Bytes per second in 1 MiB messages (MB/s)", groups, ms,
                      lambda v: f"{mb(v)} MB/s", lambda v: f"{rate(v / 1e6)}")
    body += lines
    size = one(data, kind="shared_memory", method=first, how=HANDOVERS[0])["bytes"] >> 20
    groups = [(h, [handover_s(data, m, h) for m in ms]) for h in HANDOVERS]
    lines, y = _panel(y, f"Handing over {size} MiB: time until the reader has seen it all (lower is better)", groups, ms, duration, duration)
    body += lines
    repeats = meta["settings"]["repeats"] * meta.get("runs", 1)
    caption = (f"{meta['implementation']} {meta['python']}, {meta['cpus']} CPUs, {meta['date']}, "
               f"median of {repeats} repeats; every scale is logarithmic")
    body.append(f'<text class="axis" x="0" y="{y - 4}">{escape(caption)}</text>')
    height = math.ceil(y + 4)
    title = "Measured throughput of multiprocessing channels"
    return "\n".join([
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ipcbench" viewBox="-8 -8 {WIDTH + 16} {height + 16}" '
        f'width="100%" role="img" aria-labelledby="ipcbench-title">',
        f'<title id="ipcbench-title">{escape(title)}</title>',
        f"<style>{STYLE}</style>",
        *body,
        "</svg>",
    ]) + "\n"
