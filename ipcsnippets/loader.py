"""Import a snippet as a module, the way a child process can import it too."""
from __future__ import annotations

import importlib
import sys
from types import ModuleType

from . import catalog


def load(name: str) -> ModuleType:
    """Import ``snippets/<name>.py`` as the top-level module ``<name>``.

    The snippets folder is put on ``sys.path`` and the module is imported by
    its own name, so a function from it can be the target of a
    ``multiprocessing.Process`` under every start method: spawn and
    forkserver children import it by that name (the parent's ``sys.path``
    travels with them). Loading by file path under a made-up name would work
    under fork only.

    Raises:
        UnknownSnippet: the name is not in the catalog.
    """
    snippet = catalog.get(name)
    folder = str(snippet.path.parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    module = importlib.import_module(name)
    if getattr(module, "__file__", None) != str(snippet.path):
        raise ImportError(f"{name!r} imported from {module.__file__}, not {snippet.path}")
    return module
