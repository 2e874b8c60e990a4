"""`newsweave serve`: the web pages, JSON API and Atom feeds of a store, on uvicorn.

The port is tried before the server starts, so a taken port is one line naming it rather
than uvicorn's log.
"""

from __future__ import annotations

import socket

import click

from newsweave.cli.base import main, with_settings
from newsweave.cli.output import out
from newsweave.errors import NewsweaveError
from newsweave.settings import Settings
from newsweave.store import shown_location


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="address to listen on")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@with_settings
def serve_command(settings: Settings, host: str, port: int) -> None:
    """Serve the store's stories as web pages, a JSON API and Atom feeds.

    Listens on localhost only unless --host says otherwise. `newsweave run` or `watch` can
    write to the same store meanwhile; pages show what they have committed.
    """
    import uvicorn

    from newsweave.web.app import create_app

    app = create_app(settings)
    _check_port_free(host, port)
    url = f"http://{'[' + host + ']' if ':' in host else host}:{port}/"
    out.print(
        f"serving {shown_location(settings.db)} at {url} (API docs at {url}docs); Ctrl-C stops",
        markup=False,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            raise NewsweaveError(
                f"cannot listen on {host}:{port} ({error.strerror}); give another --port or --host"
            ) from None
