"""The Debian programs the tests run (Chromium, newsboat), found as `make test` installs them:

    debian_tool("chromium", "TEST_CHROMIUM", "scripts/install-chromium")

gives the program's path, from the environment variable when set, else from PATH, and fails the
test with what to run when neither has it.
"""

from __future__ import annotations

import os
import shutil

import pytest

__all__ = ["debian_tool"]


def debian_tool(command: str, variable: str, installer: str) -> str:
    found = os.environ.get(variable) or shutil.which(command)
    if not found:
        pytest.fail(
            f"no {command}: run {installer} (make test does), or set {variable} to a "
            f"{command} binary"
        )
    return found
