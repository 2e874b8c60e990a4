"""A real HTTP server on 127.0.0.1 for tests, with the routes each test gives it.

    with serve({"/a": Reply(body="<p>hi</p>"), "/b": "<p>text</p>"}) as base_url:
        httpx.get(base_url + "/a")

A route is a `Reply`, a `str` or `bytes` body (200, HTML), or a callable taking the `Request`
and returning a `Reply`. Paths without a route answer 404. A `Reply` whose body is an iterable
of chunks is sent with chunked encoding (no Content-Length), `chunk_delay` seconds apart; `delay`
waits before answering; `raw` writes the whole response itself (for malformed or trickled
headers). Pass `log=[]` to collect every request served.

The server is `http.server.ThreadingHTTPServer` in a thread, not a mock: the code under test
meets real sockets, real timeouts and real HTTP framing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import BinaryIO
from urllib.parse import urlsplit

__all__ = ["Reply", "Request", "Route", "serve"]


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # without the query
    query: str
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | Iterable[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before answering
    chunk_delay: float = 0.0  # seconds between the chunks of an iterable body
    raw: Callable[[BinaryIO, threading.Event], None] | None = None  # writes the response itself


Route = Reply | bytes | str | Callable[[Request], Reply]


@contextmanager
def serve(routes: Mapping[str, Route], *, log: list[Request] | None = None) -> Iterator[str]:
    """Serve `routes` on 127.0.0.1 at a free port; yields the base URL, `http://127.0.0.1:PORT`."""
    stopping = threading.Event()
    handler = type("Handler", (_Handler,), {"routes": routes, "log": log, "stopping": stopping})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stopping.set()
        server.shutdown()
        server.server_close()
        thread.join()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    routes: Mapping[str, Route]
    log: list[Request] | None
    stopping: threading.Event

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        request = Request(self.command, parts.path, parts.query, dict(self.headers.items()))
        if self.log is not None:
            self.log.append(request)
        try:
            self._answer(_reply_for(self.routes.get(parts.path), request))
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client went away; nothing to answer

    def _answer(self, reply: Reply) -> None:
        if reply.delay and self.stopping.wait(reply.delay):
            return
        if reply.raw is not None:
            self.close_connection = True
            reply.raw(self.wfile, self.stopping)
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        body = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
        if isinstance(body, bytes):
            if "Content-Length" not in reply.headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self._write_chunks(body, reply.chunk_delay)

    def _write_chunks(self, chunks: Iterable[bytes], delay: float) -> None:
        for chunk in chunks:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
            if delay and self.stopping.wait(delay):
                return
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


def _reply_for(route: Route | None, request: Request) -> Reply:
    if route is None:
        return Reply(status=404, body=b"not found", content_type="text/plain")
    if isinstance(route, Reply):
        return route
    if isinstance(route, bytes | str):
        return Reply(body=route)
    return route(request)
