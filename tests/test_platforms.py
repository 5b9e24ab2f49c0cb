"""Other platforms (platforms.md): each row read from the source is still there.

The page is read from CPython's Lib/multiprocessing/, not run on macOS or
Windows; these tests read the same lines in the sources of 3.9 and 3.15
(the Windows modules ship on every platform), so a change there fails here.
"""
import re
import subprocess
from pathlib import Path

import pytest

LINES = {
    "context.py": [
        r"if sys\.platform == 'darwin':|sys\.platform != 'darwin'",  # macOS: spawn by default
        r"cannot find context for %r",
        r"^else:  # Windows|^if sys\.platform != 'win32':",
    ],
    "queues.py": [
        r"Raises NotImplementedError on Mac OSX because of broken sem_getvalue\(\)",
        r"writes to a message oriented win32 pipe are atomic",
        r"from \.synchronize import SEM_VALUE_MAX as maxsize",
    ],
    "connection.py": [
        r"default_family = 'AF_UNIX'", r"default_family = 'AF_PIPE'",
        r"_winapi\.PIPE_TYPE_MESSAGE", r"^BUFSIZE = (8192|64 \* 1024)$",
    ],
    "popen_spawn_win32.py": [r"^TERMINATE = 0x10000$", r"code = -signal\.SIGTERM"],
}


def _sources(python):
    out = subprocess.run([python, "-c", "import multiprocessing, os; print(os.path.dirname(multiprocessing.__file__))"],
                         capture_output=True, text=True, timeout=30, check=True)
    return Path(out.stdout.strip())


@pytest.mark.parametrize("version", [(3, 9), (3, 15)], ids=["3.9", "3.15"])
def test_every_source_line_the_page_cites_is_there(version, python_of):
    folder = _sources(python_of(version))
    for name, patterns in LINES.items():
        text = (folder / name).read_text()
        for pattern in patterns:
            assert re.search(pattern, text, re.M), f"{version}: {name} no longer has /{pattern}/"


def test_the_windows_buffer_is_8_kib_on_3_9_and_64_kib_on_3_15(python_of):
    """platforms.md: "8 KiB up to 3.13, 64 KiB from 3.14"."""
    sizes = {v: re.search(r"^BUFSIZE = (.*)$", (_sources(python_of(v)) / "connection.py").read_text(), re.M)[1]
             for v in ((3, 9), (3, 13), (3, 14), (3, 15))}
    assert sizes == {(3, 9): "8192", (3, 13): "8192", (3, 14): "64 * 1024", (3, 15): "64 * 1024"}


def test_freeze_support_acts_on_windows_only_in_3_9_and_on_spawn_anywhere_in_3_15(python_of):
    """platforms.md: "up to 3.13.0 [...] only on Windows; [...] in 3.15, on
    every system, when the program is frozen and uses spawn"."""
    old = (_sources(python_of((3, 9))) / "context.py").read_text()
    new = (_sources(python_of((3, 15))) / "context.py").read_text()
    assert "if sys.platform == 'win32' and getattr(sys, 'frozen', False):" in old
    assert re.search(r"getattr\(sys, 'frozen', False\)\s+and self\.get_start_method\(allow_none=True\) in \('spawn', None\)", new)
