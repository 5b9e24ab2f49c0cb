"""The blocking calls of a program that wait without a timeout (a plain
helper of the tests that hold snippets to "every blocking call has a
timeout")."""
from __future__ import annotations

import ast
from typing import List

# Where each blocking call takes its timeout: get(block, timeout),
# join(timeout), poll(timeout), wait(timeout). recv() takes none: each
# call is a wait without one.
TIMEOUT_ARG = {"get": 1, "join": 0, "poll": 0, "wait": 0, "recv": None}
# put(obj, block, timeout) waits only on a bounded queue.
BOUNDED_PUT = {"put": 2}


def untimed_waits(source: str, bounded_queues: bool = False) -> List[str]:
    """``line N: ...`` for each call of those methods without a timeout, and
    for each that ``iter()`` calls (``iter(q.get, SENTINEL)``); put() too in
    a program with ``bounded_queues``."""
    waits = {**TIMEOUT_ARG, **(BOUNDED_PUT if bounded_queues else {})}
    tree = ast.parse(source)
    calls = [c for c in ast.walk(tree) if isinstance(c, ast.Call)]
    # iter(q.get, SENTINEL) calls q.get() with no argument until SENTINEL
    # comes; a method given elsewhere (Thread(target=q.join)) is not a wait.
    iterated = {id(c.args[0]) for c in calls
                if isinstance(c.func, ast.Name) and c.func.id == "iter" and c.args}
    called = {id(c.func): c for c in calls}
    untimed = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr in waits):
            continue
        call, position = called.get(id(node)), waits[node.attr]
        if id(node) in iterated:
            untimed.append((node.lineno, f".{node.attr} called by iter() without a timeout"))
        elif call is not None and (position is None or (
                len(call.args) <= position and not any(k.arg == "timeout" for k in call.keywords))):
            untimed.append((node.lineno, f".{node.attr}() without a timeout"))
    return [f"line {line}: {what}" for line, what in sorted(untimed)]
