"""MkDocs hook (``hooks:`` in mkdocs.yml): what the page's HTML can say at
build time that Material's script would otherwise do in the reader's browser,
at a cost on every load (issue 18, docs/measured/lighthouse.md).

Each code block says how many lines it has
------------------------------------------

The theme (docs/stylesheets/theme.css) lets the browser skip laying out a
block of code out of view (``content-visibility: auto``); until the block is
shown, it takes the size the style sheet gives it. A program is set one line
per line of text (it scrolls sideways rather than wrap), so its height is
its number of lines times its line height: with ``--lines`` on each block the
style sheet gives it exactly the size it will have. Then nothing moves when
a block is shown, the page's length is right from the start, and a tool that
asks where a token is (axe-core in Lighthouse does, for every token) finds it
inside its block, not over what follows the block.

Pygments writes each block as ``<pre ...><span></span><code>...</code></pre>``;
the code element is given ``style="--lines: N"``.

Each table comes in the wrappers Material puts it in
----------------------------------------------------
Material's script puts each table of a page (``table:not([class])``) in two
``<div>``s, one that scrolls sideways and one that pads it. It does so by
taking the table out of the page and putting it back inside them, once the
page is drawn: the browser styles the table again, and the whole article
with it (Material's style sheet has a rule on what follows a table), and
lays it all out again. Written here, the wrappers cost nothing: the tables
are drawn in them from the start, and main.html tells Material's script to
leave a table that already has them. Material's wrappers exactly
(``md-typeset__scrollwrap``, ``md-typeset__table``): its style sheet does
the rest, with or without its script.
"""
from __future__ import annotations

import re

# A highlighted block's code element and its text (which holds no "</code>":
# Pygments escapes "<" in the code as "&lt;").
_CODE_IN_PRE = re.compile(r"(<pre\b[^>]*>(?:<span></span>)?<code\b[^>]*?)(>)(.*?)(</code></pre>)", re.S)


def lines_of(code_html: str) -> int:
    """The lines a block shows: its text's lines, the final newline ending
    the last one rather than starting another."""
    text = code_html[:-1] if code_html.endswith("\n") else code_html
    return text.count("\n") + 1


def mark_lines(html: str) -> str:
    """``html`` with ``style="--lines: N"`` on the code element of each
    highlighted block."""
    return _CODE_IN_PRE.sub(
        lambda m: f'{m.group(1)} style="--lines: {lines_of(m.group(3))}"{m.group(2)}{m.group(3)}{m.group(4)}',
        html)


# A table of the Markdown: Python-Markdown writes a bare "<table>" (one with
# attributes is not Material's to wrap), and its tables do not nest.
_TABLE = re.compile(r"<table>.*?</table>", re.S)
SCROLLWRAP = '<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'


def wrap_tables(html: str) -> str:
    """``html`` with each bare table in Material's two wrappers."""
    return _TABLE.sub(lambda m: f"{SCROLLWRAP}{m.group(0)}</div></div>", html)


def on_page_content(html: str, **kwargs) -> str:
    return wrap_tables(mark_lines(html))
