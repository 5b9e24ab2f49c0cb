"""Run, load and check the snippets that the site shows.

The public API: [load][ipcsnippets.loader.load], [run][ipcsnippets.runner.run],
the [catalog][ipcsnippets.catalog] and the [outputs][ipcsnippets.outputs].
"""
from .catalog import CATALOG, Expect, Snippet, UnknownSnippet, get, names
from .loader import load
from .runner import RunnerError, RunResult, run

__all__ = [
    "CATALOG", "Expect", "Snippet", "UnknownSnippet", "get", "names",
    "load", "run", "RunResult", "RunnerError",
]
