"""A test network for the address guard: a public name that the tests' router carries to the
loopback servers they start, so a fetch through the guard reaches a real server while the guard
believes it talks to a public address.

    network = LocalRouter()
    with guarded_fetcher(resolve, network, settings) as fetcher: ...
    assert network.connected == [PUBLIC_IP]
"""

from __future__ import annotations

from collections.abc import Callable

import httpcore

from newsweave.ingest.guard import GuardedBackend, GuardedTransport
from newsweave.ingest.web import Fetcher
from newsweave.settings import Settings

__all__ = ["PUBLIC_IP", "LocalRouter", "guarded_fetcher"]

PUBLIC_IP = "93.184.216.34"  # a public address; LocalRouter carries it to 127.0.0.1


class LocalRouter(httpcore.SyncBackend):
    """Carries connections for PUBLIC_IP to 127.0.0.1, as a router would; other addresses as is."""

    def __init__(self) -> None:
        self.connected: list[str] = []

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        self.connected.append(host)
        target = "127.0.0.1" if host == PUBLIC_IP else host
        return super().connect_tcp(target, port, timeout, local_address, socket_options)


def guarded_fetcher(
    resolve: Callable[[str, int], list[str]], network: LocalRouter, settings: Settings
) -> Fetcher:
    """A fetcher whose guard resolves names with `resolve` and connects through `network`;
    `settings` should refuse private addresses."""
    backend = GuardedBackend(resolve=resolve, network=network)
    return Fetcher(settings, transport=GuardedTransport(backend))
