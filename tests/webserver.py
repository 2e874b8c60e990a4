"""`newsweave serve`'s app on a free loopback port, in a thread, for tests:

    with serving(db) as base_url:
        httpx.get(base_url + "/api/stories")

A real uvicorn server, as `newsweave serve` runs it, not an in-process client: the code under
test meets real sockets, and another thread or process can write the store meanwhile.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from newsweave.settings import Settings
from newsweave.web.app import create_app

__all__ = ["serving"]


@contextmanager
def serving(db: Path) -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(Settings(db=db))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
