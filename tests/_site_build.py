"""The one way the suite builds the site: ``mkdocs build --strict``. A plain
helper of ``built_site`` (``_runs.py``: the project's site, once per test
run) and of tests/browser/'s ``throwaway_site`` (a copy with pages added);
each judges the result its own way."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def build_site(root: Path, site: Path, *, timeout: float) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of the project at ``root`` into ``site``."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=root, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
