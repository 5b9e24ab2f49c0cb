"""The suite's plugins, one concern each; their fixtures serve every test.

- ``_guards.py``: a test fails if it leaves a process or an open pipe behind;
  the run fails if it leaves /dev/shm entries or snippet runs.
- ``_runs.py``: what is made once per test run and shared by the workers
  (snippet runs, the strict site build, ``shared_once``); the xdist
  controller makes the catalog's runs as soon as the workers have collected,
  save those read from their records (``_recorded.py``).
- ``_pythons.py``: the other CPythons (``interpreters``, ``python_of``).

Plain helpers are imported by the tests that need them: ``_processes.py``,
``_figures.py``, ``_cli.py``, ``_waits.py``, ``_site_build.py``.
"""
import gc
import os
import sys

# The suite starts about a thousand Python processes (runs, command lines,
# xdist workers). Where PYTHONDONTWRITEBYTECODE is set, each of them compiles
# ipcsnippets and pytest rewrites every test module again: about 6 s of CPU.
# __pycache__ folders are ignored by git. Set before the plugins import
# ipcsnippets.
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)

pytest_plugins = ["_guards", "_runs", "_pythons"]


def pytest_collection_finish(session):
    # What collection imported (pytest, Playwright, MkDocs, ...) lives for the
    # whole run: out of the collector's way, every collection is cheaper.
    gc.collect()
    gc.freeze()
