"""The other CPythons (a plugin of tests/conftest.py): found once per test
run; a test asks for a version with ``python_of``."""
from __future__ import annotations

import os

import pytest

from ipcsnippets.matrix import REQUIRED_IN_CI

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture(scope="session")
def interpreters(shared_once) -> list:
    """Every CPython 3.9+ found here (``matrix.discover()``: pyenv, PATH, this
    one), sorted by version; found once per test run."""
    from ipcsnippets import matrix

    return shared_once("interpreters", matrix.discover)


@pytest.fixture(scope="session")
def python_of(interpreters):
    """``python_of((3, 9))``: the newest CPython 3.9 found here. Skips the test
    when there is none; with CI=true, fails it for the versions CI must have."""
    newest = {i.minor: i.path for i in interpreters}  # sorted by version: the last wins

    def get(version) -> str:
        version = tuple(version)
        if version not in newest:
            reason = f"no CPython {version[0]}.{version[1]} found here (make pythons, pyenv or PATH)"
            if IN_CI and version in REQUIRED_IN_CI:
                pytest.fail(reason + " -- CI must test it", pytrace=False)
            pytest.skip(reason)
        return newest[version]

    return get
