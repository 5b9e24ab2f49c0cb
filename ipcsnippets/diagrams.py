"""The diagrams on the pages, described here as Python data and drawn as SVG.

Each entry of [DIAGRAMS][ipcsnippets.diagrams.DIAGRAMS] names a diagram,
the page that shows it and the function that draws it. ``python -m
ipcsnippets diagrams`` writes every one to ``docs/diagrams/<name>.svg``;
``--check`` reports each file that differs from what its source draws. A
page embeds the file inline, with the include line that
[Diagram.include][ipcsnippets.diagrams.Diagram.include] gives, between
``<figure markdown>`` and ``</figure>`` and followed by a
``<figcaption markdown>``. Inline, the SVG takes the page's font and the
colours of the light or dark scheme.

Inline SVG inside Markdown has two constraints that this module meets:
Markdown would turn ``_x_`` or ``*x*`` in the text into emphasis, so every
character Markdown reads is written as a character reference; and the SVG
has no blank line, no indented line and no ``<style>`` element, which would
end or change the HTML block. Colours are CSS variables of the Material
theme (with fallbacks when the file is opened on its own).

Every text's box is estimated from Helvetica's widths (with a margin for
wider system fonts); [Drawing.problems][ipcsnippets.diagrams.Drawing.problems]
reports text that overlaps other text, crosses a line, leaves its frame or
the picture. The tests require none.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from .catalog import DOCS_DIR, shown

DIAGRAMS_DIR = DOCS_DIR / "diagrams"
"""Where the SVG files go: ``docs/diagrams/<name>.svg``."""

TEXT, CODE, SMALL = 14, 13, 12  # font sizes in px; the page's body text is 16 px
LEADING = 18  # px from one line of text to the next

# Helvetica / Arial advance widths of " " to "~", in 1/1000 em.
_WIDTHS = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
]
_SAFETY = 1.1  # San Francisco and Segoe UI run wider than Helvetica
_MONO = 0.6  # em per character of a monospaced font

# Colours: Material's variables, which follow the light (default) and dark
# (slate) schemes; the fallback applies when the SVG is opened on its own.
_PALETTE = {
    "fg": "var(--md-default-fg-color, currentColor)",
    "muted": "var(--md-default-fg-color--light, currentColor)",
    "line": "var(--md-default-fg-color--lighter, #8888)",
    "fill": "var(--md-code-bg-color, #8881)",
    "bg": "var(--md-default-bg-color, Canvas)",
    "accent": "var(--md-accent-fg-color, #526cfe)",
    "primary": "var(--md-typeset-a-color, #4051b5)",
    "good": "var(--md-code-hl-string-color, #1c7d4d)",
    "bad": "var(--md-code-hl-number-color, #d52a2a)",
    "code": "var(--md-code-font-family, ui-monospace, monospace)",
}
TONES = ("fg", "muted", "line", "accent", "primary", "good", "bad")
"""The colours a text, a line or a box may take (``bg`` paints text halos)."""


def _tone(tone: str) -> str:
    if tone not in TONES + ("bg",):
        raise ValueError(f"unknown tone {tone!r} (known: {', '.join(TONES)})")
    return f"var(--ipcd-{tone})"

# Characters that XML or Markdown would read as syntax, written as references.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
            **{c: f"&#{ord(c)};" for c in "'_*`[]\\!#~^:{}|"}}


def _esc(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


def _n(value: float) -> str:
    """A coordinate as short, stable text: at most one decimal."""
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _spans(label: str) -> List[Tuple[str, bool]]:
    """Split ``"`empty()` polls"`` into (text, is_code) pieces."""
    pieces = label.split("`")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced backquotes in {label!r}")
    return [(p, i % 2 == 1) for i, p in enumerate(pieces) if p]


def text_width(label: str, size: float = TEXT, weight: Optional[str] = None) -> float:
    """Estimated width in px of a label (backquoted parts in the code font)."""
    width = 0.0
    for piece, code in _spans(label):
        if code:
            width += len(piece) * _MONO * (size - 1)
        else:
            units = sum(_WIDTHS[ord(c) - 32] if 32 <= ord(c) < 127 else 1000 for c in piece)
            width += units / 1000 * size * _SAFETY * (1.06 if weight == "bold" else 1)
    return width


@dataclass
class Box:
    """An axis-aligned rectangle: x0, y0 (top left) to x1, y1."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: "Box") -> bool:
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def inside(self, other: "Box") -> bool:
        return other.x0 <= self.x0 and self.x1 <= other.x1 and other.y0 <= self.y0 and self.y1 <= other.y1

    def crossed_by(self, a: Tuple[float, float], b: Tuple[float, float]) -> bool:
        """Whether the segment a-b passes through the inside of the box."""
        (x0, y0), (x1, y1) = a, b
        t0, t1 = 0.0, 1.0
        dx, dy = x1 - x0, y1 - y0
        for p, q in ((-dx, x0 - self.x0), (dx, self.x1 - x0), (-dy, y0 - self.y0), (dy, self.y1 - y0)):
            if p == 0:
                if q <= 0:
                    return False
            else:
                t = q / p
                if p < 0:
                    t0 = max(t0, t)
                else:
                    t1 = min(t1, t)
                if t0 >= t1:
                    return False
        return True


@dataclass
class _Label:
    box: Box
    label: str
    frame: Optional[Box] = None


class Drawing:
    """An SVG picture being drawn, which remembers where its texts and lines
    are so that [problems][ipcsnippets.diagrams.Drawing.problems] can check
    that nothing collides."""

    def __init__(self, width: float, height: float, title: str):
        self.width, self.height, self.title = width, height, title
        self.parts: List[str] = []
        self.labels: List[_Label] = []
        self.segments: List[Tuple[Tuple[float, float], Tuple[float, float]]] = []

    # -- text ---------------------------------------------------------------
    def text(self, x: float, y: float, label: str, *, size: float = TEXT, anchor: str = "middle",
             weight: Optional[str] = None, tone: str = "fg", halo: bool = False,
             frame: Optional[Box] = None) -> Box:
        """One line of text; ``y`` is its baseline. Backquoted parts use the
        code font. ``halo`` paints the background around the letters, so the
        text stays legible where it lies on a line."""
        width = text_width(label, size, weight)
        x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        box = Box(x0, y - 0.78 * size, x0 + width, y + 0.24 * size)
        self.labels.append(_Label(box, label, frame))
        style = [f"fill:{_tone(tone)}", f"font-size:{_n(size)}px"]
        if weight:
            style.append(f"font-weight:{weight}")
        if halo:
            style += ["stroke:var(--ipcd-bg)", "stroke-width:4px", "stroke-linejoin:round", "paint-order:stroke"]
        body = "".join(
            f'<tspan style="font-family:var(--ipcd-code);font-size:{_n(size - 1)}px">{_esc(p)}</tspan>' if code
            else _esc(p)
            for p, code in _spans(label)
        )
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y)}" text-anchor="{anchor}" style="{";".join(style)}">{body}</text>')
        return box

    def lines(self, x: float, y: float, lines: Sequence[str], **options) -> None:
        """Several lines of text, the first baseline at ``y``."""
        for i, line in enumerate(lines):
            self.text(x, y + i * LEADING, line, **options)

    # -- shapes -------------------------------------------------------------
    def rect(self, x: float, y: float, w: float, h: float, *, tone: str = "line", fill: bool = True,
             dash: bool = False, width: float = 1.5, radius: float = 4) -> Box:
        style = [f"fill:{'var(--ipcd-fill)' if fill else 'none'}", f"stroke:{_tone(tone)}",
                 f"stroke-width:{_n(width)}px"]
        if dash:
            style.append("stroke-dasharray:6 4")
        self.parts.append(f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" rx="{_n(radius)}" '
                          f'style="{";".join(style)}"/>')
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        self.segments += list(zip(corners, corners[1:] + corners[:1]))
        return Box(x, y, x + w, y + h)

    def box(self, x: float, y: float, w: float, h: float, lines: Union[str, Sequence[str]], *,
            tone: str = "line", weight: Optional[str] = None, size: float = TEXT, **options) -> Box:
        """A rounded box with lines of text centred in it."""
        lines = [lines] if isinstance(lines, str) else list(lines)
        frame = self.rect(x, y, w, h, tone=tone, width=2 if tone in ("bad", "good", "accent") else 1.5, **options)
        top = y + h / 2 - (len(lines) - 1) * LEADING / 2 + 0.33 * size
        for i, line in enumerate(lines):
            self.text(x + w / 2, top + i * LEADING, line, size=size, weight=weight,
                      frame=Box(frame.x0 + 4, frame.y0 + 2, frame.x1 - 4, frame.y1 - 2))
        return frame

    def line(self, points: Sequence[Tuple[float, float]], *, tone: str = "line", dash: bool = False,
             width: float = 1.5, solid: bool = True) -> None:
        """A polyline. A solid line must not cross any text; a lane line
        (``solid=False``) may, under a text's halo."""
        style = ["fill:none", f"stroke:{_tone(tone)}", f"stroke-width:{_n(width)}px"]
        if dash:
            style.append("stroke-dasharray:6 4")
        d = " ".join(("M" if i == 0 else "L") + f"{_n(x)} {_n(y)}" for i, (x, y) in enumerate(points))
        self.parts.append(f'<path d="{d}" style="{";".join(style)}"/>')
        if solid:
            self.segments += list(zip(points, points[1:]))

    def arrow(self, points: Sequence[Tuple[float, float]], *, tone: str = "fg", dash: bool = False,
              both: bool = False) -> None:
        """A polyline ending in an arrowhead (at both ends with ``both``)."""
        points = list(points)
        shaft = list(points)
        shaft[-1] = self._head(points[-2], points[-1], tone)
        if both:
            shaft[0] = self._head(points[1], points[0], tone)
        self.line(shaft, tone=tone, dash=dash)

    def _head(self, a, b, tone: str) -> Tuple[float, float]:
        (x0, y0), (x1, y1) = a, b
        length = math.hypot(x1 - x0, y1 - y0)
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        bx, by = x1 - 9 * ux, y1 - 9 * uy
        px, py = -uy * 4.5, ux * 4.5
        d = f"M{_n(x1)} {_n(y1)}L{_n(bx + px)} {_n(by + py)}L{_n(bx - px)} {_n(by - py)}Z"
        self.parts.append(f'<path d="{d}" style="fill:{_tone(tone)};stroke:none"/>')
        self.segments.append(((bx, by), (x1, y1)))
        return (bx + ux, by + uy)

    def number(self, x: float, y: float, n: int) -> None:
        """A step number in a circle centred on (x, y)."""
        self.parts.append(f'<circle cx="{_n(x)}" cy="{_n(y)}" r="10" '
                          'style="fill:var(--ipcd-primary);stroke:none"/>')
        self.parts.append(f'<text x="{_n(x)}" y="{_n(y + 4.5)}" text-anchor="middle" '
                          f'style="fill:var(--ipcd-bg);font-size:{SMALL}px;font-weight:bold">{n}</text>')
        self.labels.append(_Label(Box(x - 10, y - 10, x + 10, y + 10), str(n)))

    def cross(self, x: float, y: float, tone: str = "bad") -> None:
        """An X that strikes out what is under it."""
        self.line([(x - 6, y - 6), (x + 6, y + 6)], tone=tone, width=2.5)
        self.line([(x - 6, y + 6), (x + 6, y - 6)], tone=tone, width=2.5)

    # -- output -------------------------------------------------------------
    def svg(self) -> str:
        """The SVG text: one element per line, nothing indented, no blank line."""
        variables = ";".join(f"--ipcd-{k}:{v}" for k, v in _PALETTE.items())
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="ipc-diagram" role="img" aria-label="{_esc(self.title)}" '
            f'viewBox="0 0 {_n(self.width)} {_n(self.height)}" width="{_n(self.width)}" height="{_n(self.height)}" '
            f'style="{variables};font-family:inherit;max-width:100%;height:auto">'
        )
        return "\n".join([head, f"<title>{_esc(self.title)}</title>", *self.parts, "</svg>"]) + "\n"

    def problems(self) -> List[str]:
        """Texts that overlap, cross a solid line, leave their frame or the picture."""
        found = []
        canvas = Box(0, 0, self.width, self.height)
        for i, a in enumerate(self.labels):
            if not a.box.inside(canvas):
                found.append(f"{a.label!r} leaves the picture")
            if a.frame and not a.box.inside(a.frame):
                found.append(f"{a.label!r} does not fit in its box")
            for b in self.labels[i + 1:]:
                if a.box.overlaps(b.box):
                    found.append(f"{a.label!r} overlaps {b.label!r}")
            shrunk = Box(a.box.x0 + 1, a.box.y0 + 1, a.box.x1 - 1, a.box.y1 - 1)
            for s in self.segments:
                if shrunk.crossed_by(*s):
                    found.append(f"{a.label!r} is crossed by a line from {s[0]} to {s[1]}")
                    break
        return found


# --- timelines ----------------------------------------------------------------

@dataclass
class Note:
    """Something one lane does or holds, in a box on that lane."""

    lane: str
    text: Union[str, Sequence[str]]
    tone: str = "line"


@dataclass
class Msg:
    """An arrow from one lane to another, with its label above it."""

    src: str
    dst: str
    text: str
    tone: str = "fg"
    dash: bool = False


@dataclass
class Stop:
    """The lane ends after this row: the process or thread is finished."""

    lane: str


@dataclass
class Forever:
    """From this row on, the lane waits for ever (a dashed red line)."""

    lane: str


Step = Union[Note, Msg, Stop, Forever]


@dataclass
class Row:
    """One moment of a timeline; ``n`` numbers it in the margin."""

    steps: Sequence[Step]
    n: Optional[int] = None


def timeline(title: str, lanes: Sequence[Tuple[str, str]], rows: Sequence[Row], width: float = 680) -> Drawing:
    """A sequence diagram: one vertical lane per process or thread, time
    running down, one row per moment."""
    margin, header, gap = 30, 34, 14
    lane_w = (width - margin) / len(lanes)
    xs = {key: margin + lane_w * (i + 0.5) for i, (key, _) in enumerate(lanes)}

    def note_size(note: Note) -> Tuple[float, float, List[str]]:
        lines = [note.text] if isinstance(note.text, str) else list(note.text)
        w = max(text_width(line) for line in lines) + 20
        return w, len(lines) * LEADING + 12, lines

    layout = []
    y = header + 22
    for row in rows:
        notes = [s for s in row.steps if isinstance(s, Note)]
        msgs = [s for s in row.steps if isinstance(s, Msg)]
        h = max([note_size(n)[1] for n in notes] + [40 if msgs else 0, 30])
        layout.append((row, y, h))
        y += h + gap
    waits = any(isinstance(s, Forever) for row in rows for s in row.steps)
    bottom = y + (36 if waits else 8)  # room to show a wait that never ends
    d = Drawing(width, bottom + 2, title)

    # The lanes first, so that everything else is drawn over them.
    ends: Dict[str, Tuple[float, str]] = {}
    for row, top, h in layout:
        for s in row.steps:
            if isinstance(s, (Stop, Forever)):
                note = next((n for n in row.steps if isinstance(n, Note) and n.lane == s.lane), None)
                at = top + (h + note_size(note)[1]) / 2 if note else top + h / 2
                if isinstance(s, Stop):
                    ends[s.lane] = (at + 8, "stop")
                else:
                    ends[s.lane] = (at, "forever")
    for key, label in lanes:
        x = xs[key]
        d.box(x - lane_w / 2 + 6, 0.75, lane_w - 12, header, label, weight="bold")
        end, how = ends.get(key, (bottom, "open"))
        d.line([(x, header + 0.75), (x, end)], tone="line", solid=False)
        if how == "stop":
            d.line([(x - 10, end), (x + 10, end)], tone="muted", width=2.5, solid=False)
        elif how == "forever":
            d.line([(x, end), (x, bottom)], tone="bad", dash=True, width=2.5, solid=False)

    for row, top, h in layout:
        mid = top + h / 2
        if row.n is not None:
            d.number(12, mid, row.n)
        boxes: Dict[str, Box] = {}
        for s in row.steps:
            if isinstance(s, Note):
                w, nh, lines = note_size(s)
                if w > lane_w - 8:
                    raise ValueError(f"{title[:30]!r}: note {s.text!r} is wider than its lane")
                boxes[s.lane] = d.box(xs[s.lane] - w / 2, mid - nh / 2, w, nh, lines, tone=s.tone)
        for s in row.steps:
            if isinstance(s, Msg):
                x0, x1 = xs[s.src], xs[s.dst]
                sign = 1 if x1 > x0 else -1
                if s.src in boxes:
                    x0 = boxes[s.src].x1 if sign > 0 else boxes[s.src].x0
                if s.dst in boxes:
                    x1 = boxes[s.dst].x0 if sign > 0 else boxes[s.dst].x1
                ay = mid if (s.src in boxes or s.dst in boxes) else mid + 9
                d.arrow([(x0 + sign * 2, ay), (x1 - sign * 2, ay)], tone=s.tone, dash=s.dash)
                d.text((x0 + x1) / 2, ay - 8, s.text, halo=True)
    return d


# --- the diagrams -----------------------------------------------------------------

def queue_anatomy() -> Drawing:
    """What a multiprocessing.Queue is made of, and where empty() and qsize() look."""
    d = Drawing(680, 286, "How a multiprocessing.Queue is built: each putting process has a buffer and a "
                          "feeder thread that writes into one shared pipe, under a writer lock; get() reads under a "
                          "reader lock. put() acquires a semaphore and get() releases it. qsize() reads the "
                          "semaphore, empty() polls the pipe: that is why they can disagree.")
    # Where qsize() looks.
    d.text(340, 16, "`qsize()` = maxsize minus the semaphore's value", tone="accent")
    d.arrow([(340, 22), (340, 54)], tone="accent")
    # The two processes.
    d.rect(0.75, 30, 200, 214, dash=True, fill=False, tone="muted")
    d.text(12, 48, "each process that puts", anchor="start", size=SMALL, tone="muted")
    d.rect(479.25, 30, 200, 214, dash=True, fill=False, tone="muted")
    d.text(668, 48, "a process that gets", anchor="end", size=SMALL, tone="muted")
    # Left: put() hands the item to the buffer; the feeder pickles and writes it.
    d.box(12, 60, 176, 36, "`put(x)` returns at once")
    d.arrow([(100, 96), (100, 120)])
    d.text(108, 113, "appends x", anchor="start", size=SMALL, tone="muted")
    d.box(12, 120, 176, 36, "buffer: a deque")
    d.arrow([(100, 156), (100, 176)])
    d.box(12, 176, 176, 54, ["feeder thread: pickles", "x, then writes it"])
    # Middle: what every process shares.
    sem = d.box(272, 54, 136, 48, ["`BoundedSemaphore`", "`(maxsize)`"])
    d.arrow([(188, 78), (sem.x0, 78)])
    d.text(230, 72, "acquires", size=SMALL, tone="muted")
    d.box(226, 124, 108, 30, "writer lock", size=SMALL)
    d.box(346, 124, 108, 30, "reader lock", size=SMALL)
    d.line([(280, 154), (280, 185)], tone="muted", dash=True)
    d.line([(400, 154), (400, 185)], tone="muted", dash=True)
    pipe = d.box(226, 185, 228, 36, "`Pipe(duplex=False)`", tone="primary")
    d.arrow([(188, 203), (pipe.x0, 203)])
    # Right: get() reads the pipe and gives the semaphore back.
    get = d.box(492, 176, 176, 54, ["`get()`: reads one", "item, unpickles it"])
    d.arrow([(pipe.x1, 203), (get.x0, 203)])
    d.arrow([(580, get.y0), (580, 78), (sem.x1, 78)])
    d.text(588, 130, "releases", anchor="start", size=SMALL, tone="muted")
    # Where empty() looks.
    d.arrow([(340, 254), (340, pipe.y1)], tone="accent")
    d.text(340, 276, "`empty()`: is there data in the pipe?", tone="accent")
    return d


def race_timeline() -> Drawing:
    """Two consumers, one item left: both pass empty(), one get() wins."""
    return timeline(
        "The empty()-then-get() race as a timeline: with one item left, both consumers see empty() return "
        "False; consumer 1 takes the item; consumer 2 blocks in get() for ever, and the parent's join() waits "
        "for ever.",
        [("parent", "parent"), ("queue", "queue"), ("c1", "consumer 1"), ("c2", "consumer 2")],
        [
            Row([Note("queue", "1 item left"), Note("parent", "`join()`")]),
            Row([Note("c1", "`empty()` → False")], n=1),
            Row([Note("c2", "`empty()` → False")], n=2),
            Row([Msg("queue", "c1", "the last item"), Note("c1", "`get()` takes it")], n=3),
            Row([Note("queue", "empty"), Note("c1", ["`empty()` → True:", "stops"]), Stop("c1")]),
            Row([Note("c2", ["`get()`: nothing left,", "waits for ever"], tone="bad"), Forever("c2")], n=4),
            Row([Note("parent", ["`join()` waits", "for ever"], tone="bad"), Forever("parent")]),
        ],
    )


def sentinel_timeline() -> Drawing:
    """The fix: the producer puts one sentinel per consumer."""
    return timeline(
        "The sentinel fix as a timeline: the parent puts the items, then one sentinel per consumer; each "
        "consumer blocks in get() until its sentinel arrives and then stops; the parent collects the results "
        "and joins both.",
        [("parent", "parent"), ("queue", "queue"), ("c1", "consumer 1"), ("c2", "consumer 2")],
        [
            Row([Msg("parent", "queue", "items"), Note("queue", "items")], n=1),
            Row([Msg("parent", "queue", "2 sentinels"), Note("queue", "…, STOP, STOP")], n=2),
            Row([Msg("queue", "c1", "an item"), Note("c1", "`get()`, works")], n=3),
            Row([Msg("queue", "c2", "the last item"), Note("c2", "`get()`, works")]),
            Row([Msg("queue", "c1", "STOP"), Note("c1", "`get()`: stops", tone="good"), Stop("c1")], n=4),
            Row([Msg("queue", "c2", "STOP"), Note("c2", "`get()`: stops", tone="good"), Stop("c2")]),
            Row([Note("parent", ["all results, then", "`join(timeout)`"], tone="good")], n=5),
        ],
    )


def timeout_fix_timeline() -> Drawing:
    """The taught timeout fix: the consumers see an empty pipe too early."""
    return timeline(
        "The taught timeout fix loses items: the parent's feeder thread has not written the next item yet, so "
        "the pipe is empty for a moment; the consumers see empty() return True and stop; the rest fills the pipe, "
        "nobody reads it, and the parent waits at exit for its feeder for ever.",
        [("main", "parent"), ("feeder", "parent's feeder"), ("pipe", "pipe"), ("cons", "consumers")],
        [
            Row([Msg("main", "feeder", "`put(item 1)`"), Note("feeder", "buffer: item 1")], n=1),
            Row([Msg("feeder", "pipe", "writes"), Note("pipe", "item 1")]),
            Row([Msg("pipe", "cons", "item 1"), Note("cons", "one takes item 1")]),
            Row([Note("main", "makes item 2"), Note("pipe", "empty"),
                 Note("cons", ["`empty()` → True:", "stop"], tone="bad"), Stop("cons")], n=2),
            Row([Msg("main", "feeder", "`put()` × 199"), Note("feeder", "buffer: 199 items")], n=3),
            Row([Msg("feeder", "pipe", "writes"), Note("pipe", ["full (64 KiB),", "nobody reads"], tone="bad")]),
            Row([Note("main", ["exits: waits", "for the feeder"], tone="bad"), Forever("main"),
                 Note("feeder", ["waits for room", "in the pipe"], tone="bad"), Forever("feeder")], n=4),
        ],
    )


def join_deadlock() -> Drawing:
    """Joining before draining: four waits in a circle."""
    d = Drawing(680, 250, "Joining before draining is a circle of waits: the parent's join() waits for the child; "
                          "the child's exit waits for its feeder thread; the feeder waits for room in the pipe; "
                          "the full pipe waits for a reader, and the only reader is the parent, inside join().")
    w, h = 250, 54
    parent = d.box(20, 20, w, h, ["parent: `p.join()`", "before `q.get()`"], tone="bad")
    child = d.box(410, 20, w, h, ["child: returned from its", "target, now exiting"], tone="bad")
    feeder = d.box(410, 176, w, h, ["child's feeder thread:", "writing into the pipe"], tone="bad")
    pipe = d.box(20, 176, w, h, ["the pipe: full (64 KiB)", "until someone reads it"], tone="bad")
    d.arrow([(parent.x1, 47), (child.x0, 47)])
    d.text(340, 39, "waits for the child", size=SMALL, tone="muted")
    d.arrow([(535, child.y1), (535, feeder.y0)])
    d.text(545, 130, "waits for its feeder", anchor="start", size=SMALL, tone="muted")
    d.arrow([(feeder.x0, 203), (pipe.x1, 203)])
    d.text(340, 195, "waits for room", size=SMALL, tone="muted")
    d.arrow([(145, pipe.y0), (145, parent.y1)])
    d.text(135, 118, "waits for a reader:", anchor="end", size=SMALL, tone="muted")
    d.text(135, 134, "the parent, in `join()`", anchor="end", size=SMALL, tone="muted")
    return d


def pipe_ends() -> Drawing:
    """Pipe() and Pipe(duplex=False), and which copies must be closed for EOF."""
    d = Drawing(680, 422, "Pipe() is duplex: both ends send and receive. Pipe(duplex=False) returns the receive "
                          "end first and the send end second, and each end refuses the other direction with "
                          "OSError. recv() raises EOFError only when every copy of the other end is closed: the "
                          "parent must close its own copy of child_end right after start().")
    # Top left: duplex.
    d.text(12, 18, "`Pipe()`: duplex", anchor="start", weight="bold")
    d.box(12, 48, 120, 36, "`parent_end`")
    d.box(212, 48, 120, 36, "`child_end`")
    d.arrow([(132, 66), (212, 66)], both=True)
    d.text(172, 104, "both ends send and receive", size=SMALL, tone="muted")
    d.text(172, 120, "(a socket pair on POSIX)", size=SMALL, tone="muted")
    # Top right: one way.
    d.text(362, 18, "`Pipe(duplex=False)`: one way", anchor="start", weight="bold")
    d.text(362, 36, "returns `(receive_end, send_end)`", anchor="start", size=SMALL, tone="muted")
    receive = d.box(362, 48, 120, 36, "`receive_end`")
    send = d.box(560, 48, 108, 36, "`send_end`")
    d.arrow([(send.x0, 66), (receive.x1, 66)])
    d.text(521, 58, "`send()`", size=SMALL)
    d.text(515, 104, "each end refuses the other", size=SMALL, tone="muted")
    d.text(515, 120, "direction with `OSError`", size=SMALL, tone="muted")
    # Bottom: EOF needs every copy of the sending end closed.
    d.line([(0, 140), (680, 140)], tone="line")
    d.text(12, 166, "EOF: the child sends on `child_end`, the parent reads `parent_end`",
           anchor="start", weight="bold")
    d.rect(0.75, 180, 400, 196, dash=True, fill=False, tone="muted")
    d.text(12, 200, "parent", anchor="start", size=SMALL, tone="muted")
    d.rect(439.25, 180, 240, 196, dash=True, fill=False, tone="muted")
    d.text(668, 200, "child", anchor="end", size=SMALL, tone="muted")
    reader = d.box(16, 214, 170, 36, "`parent_end.recv()`")
    copy = d.box(16, 306, 170, 54, ["its own copy", "of `child_end`"], tone="bad")
    sender = d.box(456, 214, 208, 36, "`child_end.send()`")
    d.arrow([(sender.x0, 232), (reader.x1, 232)])
    d.text(321, 224, "messages", size=SMALL)
    d.text(560, 276, "closed when the child exits", size=SMALL, tone="muted")
    d.arrow([(101, copy.y0), (101, reader.y1)], tone="bad", dash=True)
    d.text(110, 282, "could still send: no EOF", anchor="start", size=SMALL, tone="bad")
    d.text(200, 328, "`child_end.close()`", anchor="start", size=SMALL, tone="good")
    d.text(200, 346, "right after `start()`", anchor="start", size=SMALL, tone="good")
    d.text(340, 410, "`recv()` raises `EOFError` only once every copy of `child_end` is closed", tone="accent")
    return d


def start_methods() -> Drawing:
    """fork, spawn and forkserver: what the child starts from."""
    d = Drawing(680, 396, "What a child starts from. fork: a copy of the parent at start(), with nothing imported "
                          "again. spawn: a fresh interpreter that imports the main module as __mp_main__ and "
                          "receives the target and its arguments by pickle. forkserver: a child forked from a "
                          "server process, a fresh interpreter started once, never from your program.")
    cols = {"fork": 4, "spawn": 232, "forkserver": 460}
    w = 216
    for name, x in cols.items():
        d.text(x + w / 2, 18, f"`{name}`", weight="bold", size=TEXT + 2)
        d.box(x, 30, w, 54, ["your program, as it is", "at `start()`"])
    cx = {k: x + w / 2 for k, x in cols.items()}
    # fork
    d.arrow([(cx["fork"], 84), (cx["fork"], 186)])
    d.text(cx["fork"] + 8, 140, "copied by `os.fork()`", anchor="start", size=SMALL, tone="muted")
    d.box(cols["fork"], 186, w, 110, ["a copy of the parent:", "its memory, modules with", "their current values,",
                                      "only the calling thread"], tone="primary")
    # spawn
    d.arrow([(cx["spawn"], 84), (cx["spawn"], 186)])
    d.text(cx["spawn"] + 8, 140, "a new interpreter", anchor="start", size=SMALL, tone="muted")
    d.box(cols["spawn"], 186, w, 110, ["a fresh interpreter that", "imports your main module",
                                       "as `__mp_main__`, then gets", "target and args by pickle"],
          tone="primary")
    # forkserver
    server = d.box(cols["forkserver"], 108, w, 54, ["server: a fresh interpreter,", "started once"])
    d.arrow([(cx["forkserver"], 84), (cx["forkserver"], server.y0)])
    d.arrow([(cx["forkserver"], server.y1), (cx["forkserver"], 186)])
    d.text(cx["forkserver"] + 8, 178, "forks", anchor="start", size=SMALL, tone="muted", halo=True)
    d.box(cols["forkserver"], 186, w, 110, ["forked from the server,", "not from your program;",
                                            "imports your main module", "as `__mp_main__`, then gets",
                                            "target and args by pickle"],
          tone="primary")
    # Start-up time and where it is the default.
    facts = {
        "fork": ["starts in a few ms", "Linux default up to 3.13"],
        "spawn": ["tens of ms or more", "default on macOS, Windows"],
        "forkserver": ["first child slow, then quick", "Linux default from 3.14"],
    }
    for name, (speed, default) in facts.items():
        d.text(cx[name], 322, speed, size=SMALL)
        d.text(cx[name], 340, default, size=SMALL, tone="muted")
    d.line([(0, 358), (680, 358)], tone="line")
    d.text(340, 384, "only `fork` children see what `main()` changed after import", tone="accent")
    return d


def manager_proxy() -> Drawing:
    """A Manager queue: proxies in each process, one queue.Queue in the server."""
    d = Drawing(680, 196, "A Manager queue: the queue.Queue lives in the manager's server process; every process "
                          "holds a proxy, and each call on it is a request to the server that waits for the answer.")
    d.rect(0.75, 0.75, 200, 86, dash=True, fill=False, tone="muted")
    d.text(12, 20, "your process", anchor="start", size=SMALL, tone="muted")
    left = d.box(16, 34, 170, 40, "proxy `q`")
    d.rect(0.75, 108, 200, 86, dash=True, fill=False, tone="muted")
    d.text(12, 128, "a child or a Pool worker", anchor="start", size=SMALL, tone="muted")
    other = d.box(16, 142, 170, 40, "proxy `q`")
    d.rect(439.25, 0.75, 240, 193.5, dash=True, fill=False, tone="muted")
    d.text(668, 20, "the manager's server process", anchor="end", size=SMALL, tone="muted")
    queue = d.box(460, 34, 200, 148, ["one real `queue.Queue`;", "a thread serves", "each connection"],
                  tone="primary")
    d.arrow([(left.x1, 54), (queue.x0, 54)], both=True)
    d.text(323, 46, "`put(x)`: a request, then the answer", size=SMALL, tone="muted")
    d.arrow([(other.x1, 162), (queue.x0, 162)], both=True)
    d.text(323, 154, "`get()`: a request, then the item", size=SMALL, tone="muted")
    return d


@dataclass(frozen=True)
class Diagram:
    """One diagram: its file name, the page that shows it, and how to draw it.

    Attributes:
        name: the file's stem: ``docs/diagrams/<name>.svg``.
        page: the page that embeds it, relative to ``docs/``.
        draw: returns the [Drawing][ipcsnippets.diagrams.Drawing].
    """

    name: str
    page: str
    draw: Callable[[], Drawing] = field(repr=False)

    @property
    def path(self) -> Path:
        """The SVG file."""
        return DIAGRAMS_DIR / f"{self.name}.svg"

    @property
    def include(self) -> str:
        """The line a page uses to embed it (inside ``<figure markdown>``)."""
        return f'--8<-- "docs/diagrams/{self.name}.svg"'

    def render(self) -> str:
        """The SVG text this diagram's source draws."""
        return self.draw().svg()


DIAGRAMS: Tuple[Diagram, ...] = (
    Diagram("queue_anatomy", "queues/kinds.md", queue_anatomy),
    Diagram("race_timeline", "queues/race.md", race_timeline),
    Diagram("sentinel_timeline", "queues/fixes.md", sentinel_timeline),
    Diagram("timeout_fix_timeline", "queues/fixes.md", timeout_fix_timeline),
    Diagram("join_deadlock", "queues/deadlocks.md", join_deadlock),
    Diagram("manager_proxy", "queues/managers.md", manager_proxy),
    Diagram("pipe_ends", "pipes/basics.md", pipe_ends),
    Diagram("start_methods", "start-methods.md", start_methods),
)
"""Every diagram of the site."""


def get(name: str) -> Diagram:
    """The diagram called ``name``; raises KeyError naming the known ones."""
    for diagram in DIAGRAMS:
        if diagram.name == name:
            return diagram
    raise KeyError(f"unknown diagram {name!r} (known: {', '.join(d.name for d in DIAGRAMS)})")


def write_all() -> List[Path]:
    """Write every diagram whose file is missing or differs; return the files written."""
    DIAGRAMS_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for diagram in DIAGRAMS:
        text = diagram.render()
        if not diagram.path.is_file() or diagram.path.read_text(encoding="utf-8") != text:
            diagram.path.write_text(text, encoding="utf-8")
            written.append(diagram.path)
    return written


def stale() -> List[str]:
    """One line per SVG file that is missing, differs from its source, or has no source."""
    found = []
    for diagram in DIAGRAMS:
        if not diagram.path.is_file():
            found.append(f"{shown(diagram.path)}: missing")
        elif diagram.path.read_text(encoding="utf-8") != diagram.render():
            found.append(f"{shown(diagram.path)}: differs from what its source draws")
    known = {d.path for d in DIAGRAMS}
    for path in sorted(DIAGRAMS_DIR.glob("*.svg")):
        if path not in known:
            found.append(f"{shown(path)}: no diagram in ipcsnippets/diagrams.py draws it")
    return found
