"""Snippets on the page about pipes."""
from . import Snippet, completes

SNIPPETS = (
    Snippet(
        name="pipe_greetings",
        title="A child sends ten greetings; the parent reads until EOFError",
        page="pipes.md",
        expect={"*": completes(r"hello #10 from sender", r"the sender is done")},
        timeout=5,
    ),
)
