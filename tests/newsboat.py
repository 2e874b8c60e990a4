"""Debian's newsboat (installed by scripts/install-newsboat, which `make test` runs) reading a
feed, for tests: what a reader of the feed in a terminal sees.

    articles = newsboat_read(feed_url, folder, count)

fetches the feed (`newsboat -x reload`), then opens its articles one by one, the newest first,
each in a session of its own on a pseudo-terminal, with newsboat's `pager` setting pointed at a
command that appends the page newsboat renders (title, date, link, the text as its HTML
renderer lays it out, the numbered links) to a file. Read articles are hidden, so each session's
first article is the next one. Returns each article's rendering.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from tools import debian_tool

__all__ = ["newsboat_path", "newsboat_read"]

SESSION_TIMEOUT_S = 10.0


def newsboat_path() -> str:
    return debian_tool("newsboat", "TEST_NEWSBOAT", "scripts/install-newsboat")


def newsboat_read(feed_url: str, folder: Path, count: int) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    out = folder / "articles.txt"
    (folder / "urls").write_text(feed_url + "\n", encoding="utf-8")
    (folder / "config").write_text(
        f'pager "cat %f >> {out}; echo >> {out}; echo @@@ >> {out}"\nshow-read-articles no\n',
        encoding="utf-8",
    )
    command = [newsboat_path(), "-u", "urls", "-c", "cache.db", "-C", "config"]
    reload = subprocess.run(
        [*command, "-x", "reload"], cwd=folder, capture_output=True, text=True, timeout=60
    )
    assert reload.returncode == 0, f"newsboat could not reload the feed: {reload.stderr}"
    for _ in range(count):
        _session(command, folder, out)
    pages = out.read_text(encoding="utf-8").split("\n@@@\n") if out.exists() else []
    return [page.strip() for page in pages if page.strip()]


def _session(command: list[str], folder: Path, out: Path) -> None:
    """Open the feed's first unread article, then quit."""
    before = out.stat().st_size if out.exists() else 0
    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover - the child
        os.chdir(folder)
        os.environ["TERM"] = "xterm"
        os.execv(command[0], command)

    def grown() -> bool:
        return out.exists() and out.stat().st_size > before

    try:
        _pump(fd, 0.3)
        for key in (b"\r", b"\r"):  # the feed, then its first article
            os.write(fd, key)
            _pump(fd, 0.3)
        _pump(fd, SESSION_TIMEOUT_S, until=grown)
        for _ in range(3):
            os.write(fd, b"q")
            _pump(fd, 0.2)
    finally:
        _end(pid)
        os.close(fd)


def _end(pid: int) -> None:
    """Wait for newsboat to quit; kill it if it has not within a few seconds."""
    end = time.monotonic() + 5
    while time.monotonic() < end:
        if os.waitpid(pid, os.WNOHANG)[0]:
            return
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _pump(fd: int, seconds: float, until: Callable[[], bool] = lambda: False) -> None:
    """Read (and drop) the terminal's output for `seconds` or until `until()`."""
    end = time.monotonic() + seconds
    while time.monotonic() < end and not until():
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return
