"""The network under `web.Fetcher`: connections only to public addresses, within a deadline.

Written by hand because the check cannot happen anywhere else. Checking a URL's host before the
request misses a name that resolves to 127.0.0.1, one that re-resolves there between two
requests (DNS rebinding), and a redirect to an internal address. `GuardedBackend.connect_tcp`
resolves the host itself, refuses private, loopback, link-local, multicast, reserved and
unspecified addresses, and connects to the IP it checked; TLS still verifies the certificate and
sends SNI for the hostname, because httpcore passes the URL's host as `server_hostname`.

httpx has timeouts per read but no overall one, so a server that trickles a byte every few
seconds, headers included, would never time out. The streams this backend opens check the
deadline of the running request (`request_deadline`) on every read and write.

`GuardedTransport` is the few lines of `httpx.HTTPTransport` that plug an httpcore pool into
httpx, so that the pool can be given this backend.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import httpcore
import httpx

from newsweave.errors import AddressNotAllowed

__all__ = ["GuardedBackend", "GuardedTransport", "address_kind", "request_deadline", "resolve_host"]

NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")

Resolve = Callable[[str, int], list[str]]

# The monotonic time by which the request now running must be done; the streams check it.
_deadline: ContextVar[float] = ContextVar("newsweave_request_deadline", default=float("inf"))


@contextmanager
def request_deadline(seconds: float) -> Iterator[float]:
    """Run the requests in the block under a deadline `seconds` from now; yields that time."""
    at = time.monotonic() + seconds
    token = _deadline.set(at)
    try:
        yield at
    finally:
        _deadline.reset(token)


def address_kind(address: str) -> str | None:
    """Why `address` may not be fetched ("loopback", "private", ...), or None if it is public."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return address_kind(str(embedded))
    for kind in ("unspecified", "loopback", "link_local", "multicast", "private", "reserved"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def resolve_host(host: str, port: int) -> list[str]:
    """The IP addresses `host` resolves to, in the resolver's order."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise httpcore.ConnectError(f"cannot resolve host {host} ({error})") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses `address_kind` calls public, checked after resolving.

    `resolve` and `network` are there for tests: a resolver that maps a made-up name to an
    address, and a network that carries a made-up public address to a local server.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolve: Resolve = resolve_host,
        network: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.allow_private = allow_private
        self.resolve = resolve
        self.network = network or httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.resolve(host, port)
        if addresses and not self.allow_private:
            kinds = {address: address_kind(address) for address in addresses}
            addresses = [address for address, kind in kinds.items() if kind is None]
            if not addresses:
                address, kind = next(iter(kinds.items()))
                named = host if host == address else f"host {host} resolves to {address}, which"
                raise AddressNotAllowed(
                    host,
                    f"{named} is a {kind} address, not fetched unless allow_private_addresses is "
                    "set; set it only to fetch from your own network",
                )
        last_error: Exception = httpcore.ConnectError(f"host {host} has no address")
        for address in addresses:
            try:
                stream = self.network.connect_tcp(
                    address, port, _within_deadline(timeout), local_address, socket_options
                )
                return _DeadlineStream(stream)
            except httpcore.ConnectError as error:
                last_error = error
        raise last_error

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("newsweave does not fetch over unix sockets")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class _DeadlineStream(httpcore.NetworkStream):
    """A stream whose every read and write waits no later than the running request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname, _within_deadline(timeout))
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


def _within_deadline(
    timeout: float | None, error: type[Exception] = httpcore.ConnectTimeout
) -> float:
    remaining = _deadline.get() - time.monotonic()
    if remaining <= 0:
        raise error("the request ran past its overall deadline")
    return remaining if timeout is None or remaining < timeout else timeout


class GuardedTransport(httpx.BaseTransport):
    """An httpx transport over an httpcore pool whose connections go through `GuardedBackend`."""

    def __init__(self, backend: GuardedBackend) -> None:
        self._pool = httpcore.ConnectionPool(network_backend=backend, max_connections=10)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _httpx_errors():
            response = self._pool.handle_request(core_request)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_ResponseStream(response.stream),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


class _ResponseStream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _httpx_errors():
            yield from self._stream

    def close(self) -> None:
        if hasattr(self._stream, "close"):
            self._stream.close()


_HTTPCORE_ERRORS = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.ProxyError,
    httpcore.UnsupportedProtocol,
)


@contextmanager
def _httpx_errors() -> Iterator[None]:
    """Raise httpcore's errors as the httpx errors of the same name, as httpx's transport does."""
    try:
        yield
    except _HTTPCORE_ERRORS as error:
        for kind in type(error).__mro__:
            mapped = getattr(httpx, kind.__name__, None)
            if isinstance(mapped, type) and issubclass(mapped, httpx.TransportError):
                raise mapped(str(error)) from error
        raise httpx.TransportError(str(error)) from error
