"""Find the figures in a page's prose that look measured.

The rule, kept simple on purpose: a figure is a number followed by a unit of
size, time, rate, share or ratio (``64 KiB``, ``5.5 ms``, ``250k``, ``21%``,
``13 times``, ``1.25x``), or a count of tries (``0 of 50``, ``200 runs``).
A number with no unit (``100 items``... is a unit-less count, ``3.11``, a
line number) is not a figure; neither is a hyphenated size (``4-byte
length``, ``64-bit``), which names a format, not a measurement.

Prose is what a reader reads that the page itself types: code blocks,
inline code, included fragments (``--8<--`` lines: the stored outputs and
the measured tables), HTML comments and link targets are left out.
"""
from __future__ import annotations

import re
from typing import Iterator, List, Tuple

_NUM = r"(?<![\w.,\-/])\d[\d,]*(?:\.\d+)?"
_UNIT = (
    r"(?:\s?(?:KiB|MiB|GiB|KB|MB|GB|kB)\b"  # sizes
    r"|\s(?:bytes?)\b"
    r"|\s?(?:ms|µs|us|ns)\b|\s(?:s|seconds?|minutes?)\b"  # times
    r"|k\b|\s?million\b"  # rates and counts in thousands and millions
    r"|\s?%|\sper\scent\b"  # shares
    r"|x\b|\stimes\b"  # ratios and repetitions
    r"|\s(?:runs?|tries)\b"  # counts of tries
    r")"
)
_RANGE = r"\s(?:to|and|or)\s\d[\d,]*(?:\.\d+)?"
FIGURE = re.compile(rf"{_NUM}(?:{_UNIT}?{_RANGE})?{_UNIT}|{_NUM}\sof\s\d[\d,]*\b")

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_LINK_TARGET = re.compile(r"\]\([^)]*\)|\{#[^}]*\}")
_COMMENT = re.compile(r"<!--.*?-->")
_INCLUDE = re.compile(r"^\s*-{1,2}8<-{1,2}")


def paragraphs(text: str) -> Iterator[Tuple[List[Tuple[int, int]], str]]:
    """Each run of consecutive prose lines, joined by spaces, so that a figure
    broken over two lines is found: ([(offset, line number), ...], text)."""
    starts: List[Tuple[int, int]] = []
    joined, last = "", None
    for number, line in _prose(text):
        if last is not None and number != last + 1:
            yield starts, joined
            starts, joined = [], ""
        starts.append((len(joined), number))
        joined += line.strip() + " "
        last = number
    if starts:
        yield starts, joined


def _prose(text: str) -> Iterator[Tuple[int, str]]:
    fenced = False
    for number, line in enumerate(text.splitlines(), 1):
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if fenced or _INCLUDE.match(line):
            continue
        line = _COMMENT.sub("", line)
        line = _INLINE_CODE.sub("`…`", line)
        line = _LINK_TARGET.sub("]", line)
        if line.strip():
            yield number, line


def figures(text: str) -> List[Tuple[int, str]]:
    """(line number, figure) of every measured-looking figure in the prose."""
    found = []
    for starts, joined in paragraphs(text):
        for m in FIGURE.finditer(joined):
            number = max(n for offset, n in starts if offset <= m.start())
            found.append((number, m.group(0)))
    return found
