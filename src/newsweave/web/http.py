"""HTTP as clients expect it, around the web app's routes: HEAD, conditional GET, CORS for the
API and the feeds, and the security headers of every response.

Each is a plain ASGI layer (a few lines over the request's scope and the response's start
message) rather than Starlette's `BaseHTTPMiddleware`, which costs a task and a copy of the
body per request and layer; gzip is Starlette's own `GZipMiddleware` and CORS its
`CORSMiddleware`, here given only the API's and the feeds' paths.

- `head_as_get`: a HEAD request is answered as the GET of the same URL would be, headers and
  all (Content-Length, ETag, Content-Encoding), without the body. Link checkers, monitors and
  some feed readers send HEAD.
- `conditional_get`: every page, API answer and feed is a function of the store, so its
  validators come from the store's change counter (`Store.changes`, which every committed write
  moves, from any process): the ETag is the counter (with the server's start, since a new
  version of newsweave may render the same store differently), and Last-Modified is when this
  server first saw that counter. A request whose If-None-Match names the current ETag, or,
  without If-None-Match, whose If-Modified-Since is no earlier than Last-Modified, is a 304
  without touching anything else: a feed reader polling an unchanged store costs one indexed
  read. Each 200 says `Cache-Control: no-cache`, so a client asks again rather than guess.
- `api_cors`: any origin may GET the read-only API and the feeds from a browser (and send the
  validators and read them back); pages are not offered to other origins.
- `security_headers`: the Content-Security-Policy and the rest, on every response (the app's
  500 handler adds them itself, since Starlette answers an unhandled error outside all layers).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "ChangeClock",
    "api_cors",
    "conditional_get",
    "head_as_get",
    "security_headers",
]

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
# Swagger UI starts itself with an inline script and styles: allowed on /docs alone.
DOCS_POLICY = (
    "default-src 'none'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/static-offline-docs")
# What the store does not decide: the server's files and the API's own description.
UNVALIDATED_PATHS = ("/static", "/docs", "/static-offline-docs", "/openapi.json", "/redoc")
CORS_PATHS = ("/api/", "/feeds/")


class ChangeClock:
    """The store's change counter and when this server first saw it, in whole seconds (what
    Last-Modified can say); a change seen within the second of the one before is dated a
    second later, so two versions never share a Last-Modified."""

    def __init__(self, counter: Callable[[], int]) -> None:
        self._counter = counter
        self._lock = threading.Lock()
        self._seen: tuple[int, int] | None = None  # (counter, epoch second)
        self.started = int(time.time())

    def now(self) -> tuple[int, int]:
        """(counter, epoch second first seen)."""
        changes = self._counter()
        with self._lock:
            if self._seen is None or self._seen[0] != changes:
                second = int(time.time())
                if self._seen is not None:
                    second = max(second, self._seen[1] + 1)
                self._seen = (changes, second)
            return self._seen


def head_as_get(app: ASGIApp) -> ASGIApp:
    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] != "http.response.body":
                await send(message)
            elif not message.get("more_body", False):
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        await app({**scope, "method": "GET"}, receive, without_body)

    return layer


def conditional_get(app: ASGIApp, clock: ChangeClock) -> ASGIApp:
    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or scope["path"].startswith(UNVALIDATED_PATHS)
        ):
            await app(scope, receive, send)
            return
        changes, second = clock.now()
        validators = [
            (b"etag", f'W/"{clock.started:x}-{changes}"'.encode()),
            (b"last-modified", format_datetime(_utc(second), usegmt=True).encode()),
            (b"cache-control", b"no-cache"),
        ]
        if _not_modified(_headers(scope), validators[0][1].decode(), second):
            await send({"type": "http.response.start", "status": 304, "headers": validators})
            await send({"type": "http.response.body", "body": b""})
            return

        async def with_validators(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "headers": [*message.get("headers", []), *validators]}
            await send(message)

        await app(scope, receive, with_validators)

    return layer


def api_cors(app: ASGIApp) -> ASGIApp:
    cors = CORSMiddleware(
        app,
        allow_origins=["*"],
        allow_methods=["GET", "HEAD"],
        allow_headers=["If-None-Match", "If-Modified-Since"],
        expose_headers=["ETag", "Last-Modified"],
        max_age=86400,
    )

    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(CORS_PATHS):
            await cors(scope, receive, send)
        else:
            await app(scope, receive, send)

    return layer


def security_headers(app: ASGIApp) -> ASGIApp:
    async def layer(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        extra = security_header_list(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [h for h in message.get("headers", []) if h[0].lower() not in _NAMES]
                message = {**message, "headers": [*kept, *extra]}
            await send(message)

        await app(scope, receive, with_headers)

    return layer


def security_header_list(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers of a response to `path`."""
    policy = DOCS_POLICY if path.startswith(DOCS_PATHS) else CONTENT_SECURITY_POLICY
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]


_NAMES = {name for name, _ in security_header_list("/")}


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _not_modified(headers: dict[str, str], etag: str, second: int) -> bool:
    """RFC 9110's order: If-None-Match (weak comparison) decides when present, else
    If-Modified-Since."""
    if "if-none-match" in headers:
        wanted = {tag.strip().removeprefix("W/") for tag in headers["if-none-match"].split(",")}
        return "*" in wanted or etag.removeprefix("W/") in wanted
    since = _http_date(headers.get("if-modified-since"))
    return since is not None and second <= since


def _http_date(value: str | None) -> int | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    try:
        return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _utc(second: int) -> datetime:
    return datetime.fromtimestamp(second, UTC)
