"""Debian's Chromium driven by Playwright, as the browser tests launch it, and their screenshots:

    with chromium() as browser:
        page = browser.new_page()

No network but the test server's (the flags), and screenshots under test-artifacts/ (or
$TEST_ARTIFACTS) for a person to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tools import debian_tool

__all__ = ["ARTIFACTS", "chromium", "screenshot"]

ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", Path(__file__).parents[1] / "test-artifacts"))
CHROMIUM_FLAGS = [  # no network but the server's: this machine's closed network refuses the rest
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator:
    """A headless Chromium (Playwright's Browser), closed afterwards."""
    from playwright.sync_api import sync_playwright

    path = debian_tool("chromium", "TEST_CHROMIUM", "scripts/install-chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def screenshot(page, name: str, *, full_page: bool = True) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=full_page)
