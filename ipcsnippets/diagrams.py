"""The diagrams on the pages: described here, laid out by Graphviz.

Each entry of [DIAGRAMS][ipcsnippets.diagrams.DIAGRAMS] names an SVG file,
the page that embeds it, its title (what a screen reader says) and a
function that returns its Graphviz source. Box pictures are written in DOT
and laid out by ``dot``; sequences are written in a small timeline language
(a [Row][ipcsnippets.diagrams.Row] of [Note][ipcsnippets.diagrams.Note],
[Msg][ipcsnippets.diagrams.Msg], [Stop][ipcsnippets.diagrams.Stop] and
[Forever][ipcsnippets.diagrams.Forever] steps), which becomes DOT with every
node pinned in place. In the DOT text, ``$fg``, ``$bad`` and the other
[TONES][ipcsnippets.diagrams.TONES] are colours, and a backquoted part of a
label is set in the code font.

``python -m ipcsnippets diagrams`` runs Graphviz and writes
``docs/diagrams/<name>.svg``; only that needs Graphviz. The site embeds the
committed files, and [stale][ipcsnippets.diagrams.stale] compares the stamp
each file records (a hash of its source and of its own text) with its
current source, so checking needs no Graphviz either.

What Graphviz writes is then made fit to sit inline in Markdown, where it
takes the page's font and the colours of the light or dark scheme: colours
become CSS variables of the Material theme (with fallbacks for the file
opened on its own); every character Markdown would read as syntax becomes a
character reference; there is one element per line, no indented or blank
line and no ``<style>`` (each would end or change the HTML block), and no
``id`` (two diagrams on one page would clash).
"""
from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

from .catalog import DOCS_DIR, shown

DIAGRAMS_DIR = DOCS_DIR / "diagrams"
"""Where the SVG files go: ``docs/diagrams/<name>.svg``."""

# Material's variables follow the light (default) and dark (slate) schemes;
# the fallback applies when the SVG is opened on its own.
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
# Graphviz needs real colours: each tone is drawn in a stand-in colour of
# its own, which the SVG then turns back into the tone's variable.
TONES: Dict[str, str] = {tone: f"#0000{i:02x}" for i, tone in enumerate(
    ("fg", "muted", "line", "fill", "bg", "accent", "primary", "good", "bad"), start=1)}
"""The colours a DOT source may use, as ``$name``."""
_TONE_OF = {colour: tone for tone, colour in TONES.items()}

# Every picture starts from these; sizes are in px (Graphviz's points).
_DEFAULTS = """\
graph [bgcolor=transparent, pad=0.04, fontname=Helvetica, outputorder=edgesfirst, newrank=true]
node [shape=box, style="rounded,filled", color=$line, fillcolor=$fill, fontcolor=$fg,
      fontname=Helvetica, fontsize=14, penwidth=1.5, margin="0.14,0.08"]
edge [color=$fg, fontcolor=$muted, fontname=Helvetica, fontsize=12, penwidth=1.5, arrowsize=0.8]
"""

# Characters that XML or Markdown would read as syntax, written as references.
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
            **{c: f"&#{ord(c)};" for c in "'_*`[]\\!#~^:{}|"}}


def _esc(text: str) -> str:
    return "".join(_ESCAPES.get(c, c) for c in text)


class GraphvizMissing(RuntimeError):
    """Drawing needs Graphviz's ``dot`` on PATH."""


class GraphvizError(ValueError):
    """Graphviz refused a source, or warned about it (a label too big for
    its box, an unknown attribute): the message names the diagram."""


@lru_cache(maxsize=1)
def _plugin_dir() -> str:
    """A Graphviz plugin folder without the Pango text layout.

    With Pango, Graphviz measures text with whatever fonts the machine has,
    so two machines would draw different bytes. Without it, Graphviz uses
    its own Helvetica and Courier widths: the same everywhere for a given
    Graphviz version. The browser sets the text in the page's font anyway.
    """
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissing("Graphviz's dot is not on PATH (Debian: apt-get install graphviz)")
    probe = subprocess.run([dot, "-v", "-Tsvg"], input="digraph {}", capture_output=True, text=True, timeout=30)
    found = re.search(r'libdir = "([^"]+)"', probe.stderr)
    if not found:
        raise GraphvizMissing(f"cannot find Graphviz's plugins in the output of {dot} -v")
    folder = tempfile.mkdtemp(prefix="ipcsnippets-graphviz-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    for plugin in Path(found.group(1)).glob("libgvplugin_*"):
        if plugin.name.startswith(("libgvplugin_core", "libgvplugin_dot_layout", "libgvplugin_neato_layout")):
            os.symlink(plugin, Path(folder) / plugin.name)
    subprocess.run([dot, "-c"], env={**os.environ, "GVBINDIR": folder}, check=True, timeout=30)
    return folder


def graphviz(source: str, engine: str = "dot") -> str:
    """The SVG that Graphviz's ``engine`` draws from a DOT body (without
    ``digraph { }``), with the [TONES][ipcsnippets.diagrams.TONES] filled in."""
    text = "digraph {\n" + Template(_DEFAULTS + source).substitute({k: f'"{v}"' for k, v in TONES.items()}) + "}\n"
    args = ["dot", f"-K{engine}", "-Tsvg"] + (["-n"] if engine == "neato" else [])
    done = subprocess.run(args, input=text, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "GVBINDIR": _plugin_dir()})
    if done.returncode != 0 or "Warning" in done.stderr:
        raise GraphvizError(" / ".join(done.stderr.split("\n")).strip(" /"))
    return done.stdout


# --- Graphviz's SVG, made fit to sit inline in a page ---------------------------------

_SVG = "{http://www.w3.org/2000/svg}"
_KEPT = ("x", "y", "cx", "cy", "rx", "ry", "d", "points", "text-anchor")


def _paint(colour: Optional[str]) -> Optional[str]:
    if colour is None:
        return None
    if colour in ("none", "transparent"):
        return "none"
    if colour.lower() not in _TONE_OF:
        raise ValueError(f"colour {colour!r} is no tone: use $fg, $bad, ... ({', '.join(TONES)})")
    return f"var(--ipcd-{_TONE_OF[colour.lower()]})"


def _element(e: ET.Element) -> Optional[str]:
    tag = e.tag.replace(_SVG, "")
    fill, stroke = _paint(e.get("fill", "#000001")), _paint(e.get("stroke"))
    if tag != "text" and fill == "none" and stroke in (None, "none"):
        return None  # Graphviz's own background, or an invisible node
    style = [f"fill:{fill}"] + ([f"stroke:{stroke}"] if stroke else [])
    if e.get("stroke-width"):
        style.append(f"stroke-width:{e.get('stroke-width')}px")
    if e.get("stroke-dasharray"):
        style.append(f"stroke-dasharray:{e.get('stroke-dasharray').replace(',', ' ')}")
    attributes = "".join(f' {k}="{_esc(e.get(k))}"' for k in _KEPT if e.get(k) is not None)
    if tag != "text":
        return f'<{tag}{attributes} style="{";".join(style)}"/>'
    style.append(f"font-size:{float(e.get('font-size')):g}px")
    if e.get("font-weight"):
        style.append(f"font-weight:{e.get('font-weight')}")
    # Spaces at either end would collapse; they keep a label off its edge.
    text = re.sub(r"^ +| +$", lambda m: "\u00a0" * len(m.group()), e.text or "")
    pieces = text.split("`")
    if len(pieces) % 2 == 0:
        raise ValueError(f"unbalanced backquotes in {e.text!r}")
    # A code part is one px smaller, as inline code is on the page.
    size = float(e.get("font-size")) - 1
    body = "".join(f'<tspan style="font-family:var(--ipcd-code);font-size:{size:g}px">{_esc(p)}</tspan>'
                   if i % 2 else _esc(p) for i, p in enumerate(pieces) if p)
    return f'<text{attributes} style="{";".join(style)}">{body}</text>'


def themed(svg: str, title: str, stamp: str = "") -> str:
    """Graphviz's SVG as the pages embed it (see the module's description);
    ``stamp`` goes into its ``data-source`` attribute."""
    root = ET.fromstring(svg)
    _, _, width, height = (float(n) for n in root.get("viewBox").split())
    outer = root.find(f"{_SVG}g")
    variables = ";".join(f"--ipcd-{k}:{v}" for k, v in _PALETTE.items())
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ipc-diagram" role="img" aria-label="{_esc(title)}" '
        f'data-source="{stamp}" viewBox="0 0 {width:g} {height:g}" width="{width:g}" height="{height:g}" '
        f'style="{variables};font-family:inherit;max-width:100%;height:auto">',
        f"<title>{_esc(title)}</title>",
        f'<g transform="{outer.get("transform")}">',
    ]
    lines += [line for e in outer.iter() if e.tag.replace(_SVG, "") in ("path", "polygon", "ellipse", "text")
              for line in [_element(e)] if line]
    return "\n".join(lines + ["</g>", "</svg>"]) + "\n"


# --- timelines ------------------------------------------------------------------------

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


def _q(*lines: str) -> str:
    """A DOT string of one or more centred lines."""
    return '"' + "\\n".join(t.replace("\\", "\\\\").replace('"', '\\"') for t in lines) + '"'


def timeline(lanes: Sequence[Tuple[str, str]], rows: Sequence[Row], width: float = 680) -> str:
    """A sequence diagram as a DOT body for ``neato -n``: one vertical lane
    per process or thread, time running down, one row per moment. Each
    row is as tall as its tallest note; Graphviz sizes the boxes."""
    margin, header, gap, leading = 30, 34, 14, 18
    lane_w = (width - margin) / len(lanes)
    xs = {key: margin + lane_w * (i + 0.5) for i, (key, _) in enumerate(lanes)}
    out: List[str] = []
    points = iter(range(10 ** 6))

    def at(x: float, y: float) -> str:
        """An invisible node at (x, y), y counted down from the top."""
        name = f"p{next(points)}"
        out.append(f'{name} [shape=point, width=0, style=invis, pos="{x:g},{-y:g}!"]')
        return name

    def line(a: str, b: str, **attrs: str) -> None:
        out.append(f"{a} -> {b} [dir=none, {', '.join(f'{k}={v}' for k, v in attrs.items())}]")

    def lines_of(note: Note) -> List[str]:
        return [note.text] if isinstance(note.text, str) else list(note.text)

    y, ends = header + 22.0, {}
    layout = []
    for row in rows:
        notes = {s.lane: s for s in row.steps if isinstance(s, Note)}
        h = max([len(lines_of(n)) * leading + 12 for n in notes.values()] + [30, 52 if any(
            isinstance(s, Msg) for s in row.steps) else 0])
        layout.append((row, notes, y + h / 2))
        for s in row.steps:
            if isinstance(s, (Stop, Forever)):
                below = len(lines_of(notes[s.lane])) * leading / 2 + 6 if s.lane in notes else 0
                ends[s.lane] = (y + h / 2 + below + (8 if isinstance(s, Stop) else 0), type(s))
        y += h + gap
    bottom = y + (36 if any(how is Forever for _, how in ends.values()) else 8)

    for i, (key, label) in enumerate(lanes):
        out.append(f'lane{i} [label={_q(label)}, fontname="Helvetica-Bold", fixedsize=true, '
                   f'width={(lane_w - 12) / 72:.4f}, height={header / 72:.4f}, '
                   f'pos="{xs[key]:g},{-(header / 2 + 0.75):g}!"]')
        end, how = ends.get(key, (bottom, None))
        line(f"lane{i}", at(xs[key], end), color="$line")
        if how is Stop:
            line(at(xs[key] - 10, end), at(xs[key] + 10, end), color="$muted", penwidth="2.5")
        elif how is Forever:
            line(at(xs[key], end), at(xs[key], bottom), color="$bad", penwidth="2.5", style="dashed")
    for r, (row, notes, mid) in enumerate(layout):
        if row.n is not None:
            out.append(f'n{r} [label="{row.n}", shape=circle, fixedsize=true, width={20 / 72:.4f}, '
                       f'style=filled, color=$primary, fillcolor=$primary, fontcolor=$bg, '
                       f'fontname="Helvetica-Bold", fontsize=12, pos="12,{-mid:g}!"]')
        for lane, note in notes.items():
            out.append(f'note{r}_{lane} [label={_q(*lines_of(note))}, color=${note.tone}, '
                       f'penwidth={2 if note.tone in ("bad", "good", "accent") else 1.5}, '
                       f'pos="{xs[lane]:g},{-mid:g}!"]')
        for s in row.steps:
            if isinstance(s, Msg):
                ends_ = [f"note{r}_{lane}" if lane in notes else at(xs[lane], mid) for lane in (s.src, s.dst)]
                out.append(f"{ends_[0]} -> {ends_[1]} [color=${s.tone}]")
                # The label is a node of its own, over the part of the arrow
                # that shows (a note takes about two fifths of its lane), and
                # painted over the lanes it crosses.
                sign = 1 if xs[s.dst] > xs[s.src] else -1
                x = (xs[s.src] + xs[s.dst]) / 2 + sign * lane_w / 5 * ((s.src in notes) - (s.dst in notes))
                out.append(f'label{next(points)} [label={_q(s.text)}, shape=box, style=filled, penwidth=0, '
                           f'color=$bg, fillcolor=$bg, margin="0.02,0", height=0, width=0, fontsize=14, '
                           f'pos="{x:g},{-(mid - 26):g}!"]')
    return "\n".join(out) + "\n"


# --- the diagrams -----------------------------------------------------------------------

def queue_anatomy() -> str:
    """What a multiprocessing.Queue is made of, and where empty() and qsize() look.

    Placed by hand (``neato -n``), as [pipe_ends][ipcsnippets.diagrams.pipe_ends]."""
    return r"""
node [fixedsize=true]
{ node [label="", style="dashed,rounded", color=$muted, width=2.78, height=2.97]
  put_frame [pos="101,-137"]
  get_frame [pos="579,-137"] }
{ node [width=2.44, height=0.5]
  put [label="`put(x)` returns at once", pos="100,-78"]
  buffer [label="buffer: a deque", pos="100,-138"]
  feeder [label="feeder thread: pickles\nx, then writes it", height=0.75, pos="100,-203"]
  get [label="`get()`: reads one\nitem, unpickles it", height=0.75, pos="580,-203"] }
sem [label="`BoundedSemaphore`\n`(maxsize)`", width=2.2, height=0.72, pos="340,-78"]
writer [label="writer lock", fontsize=12, width=1.5, height=0.42, pos="280,-139"]
reader [label="reader lock", fontsize=12, width=1.5, height=0.42, pos="400,-139"]
pipe [label="`Pipe(duplex=False)`", color=$primary, width=3.17, height=0.5, pos="340,-203"]
{ node [shape=point, width=0, style=invis]
  writer_foot [pos="280,-185"]
  reader_foot [pos="400,-185"]
  elbow [pos="580,-78"] }
{ node [shape=plaintext, style="", fontcolor=$accent, fixedsize=false, width=0, height=0, margin=0]
  qsize [label="`qsize()` = maxsize minus the semaphore's value", pos="340,-11"]
  empty [label="`empty()`: is there data in the pipe?", pos="340,-271"] }
{ node [shape=plaintext, style="", fontsize=12, fontcolor=$muted, height=0.3, margin=0]
  put_label [label="each process that puts\l", width=2.6, pos="107,-44"]
  get_label [label="a process that gets\r", width=2.6, pos="573,-44"]
  appends [label="appends x\l", width=1, pos="144,-109"]
  acquires [label="acquires", width=0.8, pos="230,-68"]
  releases [label="releases\l", width=1, pos="624,-126"] }
put -> buffer
buffer -> feeder
put -> sem
feeder -> pipe
pipe -> get
get -> elbow [dir=none]
elbow -> sem
writer -> writer_foot [dir=none, style=dashed, color=$muted]
reader -> reader_foot [dir=none, style=dashed, color=$muted]
qsize -> sem [color=$accent]
empty -> pipe [color=$accent]
"""


def race_timeline() -> str:
    """Two consumers, one item left: both pass empty(), one get() wins."""
    return timeline(
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


def sentinel_timeline() -> str:
    """The fix: the producer puts one sentinel per consumer."""
    return timeline(
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


def timeout_fix_timeline() -> str:
    """The taught timeout fix: the consumers see an empty pipe too early."""
    return timeline(
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


def join_deadlock() -> str:
    """Joining before draining: four waits in a circle."""
    return r"""
graph [nodesep=1.6, ranksep=1.0]
node [color=$bad, penwidth=2, width=3.2]
parent [label="parent: `p.join()`\nbefore `q.get()`"]
child [label="child: returned from its\ntarget, now exiting"]
pipe [label="the pipe: full (64 KiB)\nuntil someone reads it"]
feeder [label="child's feeder thread:\nwriting into the pipe"]
{rank=same; parent -> child [label="waits for the child"]}
{rank=same; pipe -> feeder [dir=back, label="waits for room"]}
child -> feeder [label=" waits for its feeder"]
parent -> pipe [dir=back, label=" waits for a reader:\n the parent, in `join()`"]
"""


def pipe_ends() -> str:
    """Pipe() and Pipe(duplex=False), and which copies must be closed for EOF.

    Three pictures in one, each placed by hand (``neato -n``): ``pos`` is
    a node's centre in px, y negative downwards; ``\\l`` ends a line set
    flush left in its fixed-width node, ``\\r`` flush right."""
    return r"""
node [fixedsize=true, height=0.5]
top_left [pos="0,0", style=invis, shape=point, width=0]
bottom_right [pos="680,-422", style=invis, shape=point, width=0]
parent_frame [label="", style="dashed,rounded", color=$muted, width=5.56, height=2.72, pos="201,-278"]
child_frame [label="", style="dashed,rounded", color=$muted, width=3.33, height=2.72, pos="559,-278"]
duplex_title [label="`Pipe()`: duplex\l", fontname="Helvetica-Bold", shape=plaintext, style="",
              width=2.2, pos="91,-13"]
parent_end [label="`parent_end`", width=1.67, pos="72,-66"]
child_end [label="`child_end`", width=1.67, pos="272,-66"]
duplex_note [label="both ends send and receive\n(a socket pair on POSIX)", shape=plaintext, style="",
             fontsize=12, fontcolor=$muted, fixedsize=false, width=0, height=0, margin=0, pos="172,-108"]
one_way_title [label="`Pipe(duplex=False)`: one way\l", fontname="Helvetica-Bold", shape=plaintext, style="",
               width=4.2, pos="513,-13"]
returns [label="returns `(receive_end, send_end)`\l", shape=plaintext, style="", fontsize=12,
         fontcolor=$muted, width=4.2, height=0.3, margin=0, pos="513,-32"]
receive_end [label="`receive_end`", width=1.67, pos="422,-66"]
send_end [label="`send_end`", width=1.5, pos="614,-66"]
send_label [label="`send()`", shape=plaintext, style="", fontsize=12, width=0.7, height=0.3, margin=0, pos="521,-54"]
one_way_note [label="each end refuses the other\ndirection with `OSError`", shape=plaintext, style="",
              fontsize=12, fontcolor=$muted, fixedsize=false, width=0, height=0, margin=0, pos="515,-108"]
rule_left [shape=point, width=0, style=invis, pos="0,-140"]
rule_right [shape=point, width=0, style=invis, pos="680,-140"]
eof_title [label="EOF: the child sends on `child_end`, the parent reads `parent_end`\l",
           fontname="Helvetica-Bold", shape=plaintext, style="", width=9.0, pos="336,-161"]
parent_label [label="parent\l", shape=plaintext, style="", fontsize=12, fontcolor=$muted, width=1.5,
              height=0.3, margin=0, pos="66,-196"]
child_label [label="child\r", shape=plaintext, style="", fontsize=12, fontcolor=$muted, width=1.5,
             height=0.3, margin=0, pos="614,-196"]
recv [label="`parent_end.recv()`", width=2.36, pos="101,-232"]
copy [label="its own copy\nof `child_end`", color=$bad, penwidth=2, width=2.36, height=0.75, pos="101,-333"]
send [label="`child_end.send()`", width=2.89, pos="560,-232"]
messages [label="messages", shape=plaintext, style="", fontsize=12, width=0.9, height=0.3, margin=0, pos="321,-220"]
exits [label="closed when the child exits", shape=plaintext, style="", fontsize=12, fontcolor=$muted,
       fixedsize=false, width=0, height=0, margin=0, pos="560,-272"]
no_eof [label="could still send: no EOF\l", shape=plaintext, style="", fontsize=12, fontcolor=$bad,
        width=2.8, height=0.3, margin=0, pos="211,-278"]
close [label="`child_end.close()`\lright after `start()`\l", shape=plaintext, style="", fontsize=12,
       fontcolor=$good, width=2.2, height=0.5, pos="280,-333"]
eof [label="`recv()` raises `EOFError` only once every copy of `child_end` is closed", shape=plaintext,
     style="", fontcolor=$accent, fixedsize=false, width=0, height=0, margin=0, pos="340,-405"]
parent_end -> child_end [dir=both]
send_end -> receive_end
rule_left -> rule_right [dir=none, color=$line]
send -> recv
copy -> recv [color=$bad, style=dashed]
"""


def start_methods() -> str:
    """fork, spawn and forkserver: what the child starts from."""
    return r"""
graph [nodesep=0.25, ranksep=0.35, fontsize=16, fontname="Helvetica-Bold"]
node [width=2.8]
subgraph cluster_fork {
  label="`fork`"; color=transparent
  fork_program [label="your program, as it is\nat `start()`"]
  fork_child [label="a copy of the parent:\nits memory, modules with\ntheir current values,\n\
only the calling thread", color=$primary, height=1.5]
  node [shape=plaintext, style="", fontsize=12]
  fork_facts [label="starts in a few ms\nLinux default up to 3.13"]
  fork_program -> fork_child [minlen=2, label="   copied by `os.fork()`"]
}
subgraph cluster_spawn {
  label="`spawn`"; color=transparent
  spawn_program [label="your program, as it is\nat `start()`"]
  spawn_child [label="a fresh interpreter that\nimports your main module\n\
as `__mp_main__`, then gets\ntarget and args by pickle", color=$primary, height=1.5]
  node [shape=plaintext, style="", fontsize=12]
  spawn_facts [label="tens of ms or more\ndefault on macOS, Windows"]
  spawn_program -> spawn_child [minlen=2, label="   a new interpreter"]
}
subgraph cluster_forkserver {
  label="`forkserver`"; color=transparent
  forkserver_program [label="your program, as it is\nat `start()`"]
  server [label="server: a fresh interpreter,\nstarted once"]
  forkserver_child [label="forked from the server,\nnot from your program;\nimports your main module\n\
as `__mp_main__`, then gets\ntarget and args by pickle", color=$primary, height=1.5]
  node [shape=plaintext, style="", fontsize=12]
  forkserver_facts [label="first child slow, then quick\nLinux default from 3.14"]
  forkserver_program -> server
  server -> forkserver_child [label="   forks"]
}
bottom [label="only `fork` children see what `main()` changed after import", shape=plaintext, style="",
        fontcolor=$accent]
fork_child -> fork_facts -> bottom [style=invis]
spawn_child -> spawn_facts -> bottom [style=invis]
forkserver_child -> forkserver_facts -> bottom [style=invis]
"""


def manager_proxy() -> str:
    """A Manager queue: proxies in each process, one queue.Queue in the server."""
    return r"""
graph [rankdir=LR, nodesep=0.6, ranksep=0.5, fontsize=12, fontcolor=$muted]
subgraph cluster_yours {
  label="your process"; labeljust=l; color=$muted; style="dashed,rounded"
  left [label="proxy `q`", width=2]
}
subgraph cluster_child {
  label="a child or a Pool worker"; labeljust=l; color=$muted; style="dashed,rounded"
  other [label="proxy `q`", width=2]
}
subgraph cluster_server {
  label="the manager's server process"; labeljust=r; color=$muted; style="dashed,rounded"
  queue [label="one real `queue.Queue`;\na thread serves\neach connection", color=$primary, height=1.9, width=2.5]
}
left -> queue [dir=both, label="`put(x)`: a request, then the answer"]
other -> queue [dir=both, label="`get()`: a request, then the item"]
"""


@dataclass(frozen=True)
class Diagram:
    """One diagram: its file name, the page that shows it, and how to draw it.

    Attributes:
        name: the file's stem: ``docs/diagrams/<name>.svg``.
        page: the page that embeds it, relative to ``docs/``.
        title: what the picture shows, in words: its accessible name.
        source: returns the DOT body (see [graphviz][ipcsnippets.diagrams.graphviz]).
        engine: ``dot`` lays the boxes out; ``neato`` keeps a timeline's pinned places.
    """

    name: str
    page: str
    title: str
    source: Callable[[], str] = field(repr=False)
    engine: str = "dot"

    @property
    def path(self) -> Path:
        """The SVG file."""
        return DIAGRAMS_DIR / f"{self.name}.svg"

    @property
    def include(self) -> str:
        """The line a page uses to embed it (inside ``<figure markdown>``)."""
        return f'--8<-- "docs/diagrams/{self.name}.svg"'

    def stamp(self, svg: str) -> str:
        """What a file records in ``data-source``: a hash of this diagram's
        source and of the file's own text, so that a changed source and a
        file edited by hand both show, with no Graphviz to draw it again."""
        unstamped = re.sub(r'data-source="\w*"', 'data-source=""', svg, count=1)
        text = "\n".join([self.title, self.engine, _DEFAULTS, self.source(), unstamped])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def render(self) -> str:
        """The SVG text Graphviz draws from this diagram's source, stamped."""
        try:
            svg = themed(graphviz(self.source(), self.engine), self.title)
        except (GraphvizError, ValueError) as exc:
            raise GraphvizError(f"diagram {self.name}: {exc}") from None
        return svg.replace('data-source=""', f'data-source="{self.stamp(svg)}"', 1)

    def is_current(self) -> bool:
        """Whether the file is there and was drawn, untouched, from this source."""
        if not self.path.is_file():
            return False
        svg = self.path.read_text(encoding="utf-8")
        recorded = re.search(r'data-source="(\w+)"', svg)
        return bool(recorded) and recorded.group(1) == self.stamp(svg)


DIAGRAMS: Tuple[Diagram, ...] = (
    Diagram("queue_anatomy", "queues/kinds.md",
            "How a multiprocessing.Queue is built: each putting process has a buffer and a feeder thread that "
            "writes into one shared pipe, under a writer lock; get() reads under a reader lock. put() acquires "
            "a semaphore and get() releases it. qsize() reads the semaphore, empty() polls the pipe: that is "
            "why they can disagree.", queue_anatomy, "neato"),
    Diagram("race_timeline", "queues/race.md",
            "The empty()-then-get() race as a timeline: with one item left, both consumers see empty() return "
            "False; consumer 1 takes the item; consumer 2 blocks in get() for ever, and the parent's join() "
            "waits for ever.", race_timeline, "neato"),
    Diagram("sentinel_timeline", "queues/fixes.md",
            "The sentinel fix as a timeline: the parent puts the items, then one sentinel per consumer; each "
            "consumer blocks in get() until its sentinel arrives and then stops; the parent collects the "
            "results and joins both.", sentinel_timeline, "neato"),
    Diagram("timeout_fix_timeline", "queues/fixes.md",
            "The taught timeout fix loses items: the parent's feeder thread has not written the next item "
            "yet, so the pipe is empty for a moment; the consumers see empty() return True and stop; the rest "
            "fills the pipe, nobody reads it, and the parent waits at exit for its feeder for ever.",
            timeout_fix_timeline, "neato"),
    Diagram("join_deadlock", "queues/deadlocks.md",
            "Joining before draining is a circle of waits: the parent's join() waits for the child; the "
            "child's exit waits for its feeder thread; the feeder waits for room in the pipe; the full pipe "
            "waits for a reader, and the only reader is the parent, inside join().", join_deadlock),
    Diagram("manager_proxy", "queues/managers.md",
            "A Manager queue: the queue.Queue lives in the manager's server process; every process holds a "
            "proxy, and each call on it is a request to the server that waits for the answer.", manager_proxy),
    Diagram("pipe_ends", "pipes/basics.md",
            "Pipe() is duplex: both ends send and receive. Pipe(duplex=False) returns the receive end first "
            "and the send end second, and each end refuses the other direction with OSError. recv() raises "
            "EOFError only when every copy of the other end is closed: the parent must close its own copy of "
            "child_end right after start().", pipe_ends, "neato"),
    Diagram("start_methods", "start-methods.md",
            "What a child starts from. fork: a copy of the parent at start(), with nothing imported again. "
            "spawn: a fresh interpreter that imports the main module as __mp_main__ and receives the target "
            "and its arguments by pickle. forkserver: a child forked from a server process, a fresh "
            "interpreter started once, never from your program.", start_methods),
)
"""Every diagram of the site."""


def get(name: str) -> Diagram:
    """The diagram called ``name``; raises KeyError naming the known ones."""
    for diagram in DIAGRAMS:
        if diagram.name == name:
            return diagram
    raise KeyError(f"unknown diagram {name!r} (known: {', '.join(d.name for d in DIAGRAMS)})")


def write_all() -> List[Path]:
    """Draw every diagram with Graphviz and write each file that is missing
    or differs; return the files written. Raises GraphvizMissing without it."""
    DIAGRAMS_DIR.mkdir(parents=True, exist_ok=True)
    written = []
    for diagram in DIAGRAMS:
        text = diagram.render()
        if not diagram.path.is_file() or diagram.path.read_text(encoding="utf-8") != text:
            diagram.path.write_text(text, encoding="utf-8")
            written.append(diagram.path)
    return written


def stale() -> List[str]:
    """One line per SVG file that is missing, was drawn from another source
    or edited since, or has no source. Needs no Graphviz: it compares stamps."""
    found = []
    for diagram in DIAGRAMS:
        if not diagram.path.is_file():
            found.append(f"{shown(diagram.path)}: missing")
        elif not diagram.is_current():
            found.append(f"{shown(diagram.path)}: differs from what its source draws")
    known = {d.path for d in DIAGRAMS}
    for path in sorted(DIAGRAMS_DIR.glob("*.svg")):
        if path not in known:
            found.append(f"{shown(path)}: no diagram in ipcsnippets/diagrams.py draws it")
    return found
