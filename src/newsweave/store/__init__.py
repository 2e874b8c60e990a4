"""Where newsweave keeps its data; `open_store` picks the implementation for a location: a
`postgresql://` URL is a PostgreSQL database (the `postgres` extra), anything else a SQLite file."""

from __future__ import annotations

from pathlib import Path

from newsweave.errors import StoreError
from newsweave.store.base import (
    CurrentArticles,
    EventFailure,
    PutOutcome,
    SearchHit,
    SearchKind,
    Store,
    StoredFeed,
    claimed_batches,
    holding,
    progress_counter,
    shown_location,
)
from newsweave.store.sqlite import SQLiteStore

__all__ = [
    "CurrentArticles",
    "EventFailure",
    "PutOutcome",
    "SQLiteStore",
    "SearchHit",
    "SearchKind",
    "Store",
    "StoredFeed",
    "claimed_batches",
    "holding",
    "is_server",
    "open_store",
    "progress_counter",
    "shown_location",
    "store_exists",
]

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(location: Path | str) -> bool:
    """Whether `location` names a database server (a PostgreSQL URL) rather than a file."""
    return str(location).startswith(SERVER_SCHEMES)


def store_exists(location: Path | str) -> bool:
    """Whether there is a store at `location` to read: a server is asked when it is opened."""
    return is_server(location) or Path(location).expanduser().exists()


def open_store(location: Path | str) -> Store:
    """The store at `location` (a SQLite file, or a PostgreSQL URL), created and migrated if
    needed."""
    if not is_server(location):
        return SQLiteStore(Path(location).expanduser() if location != ":memory:" else location)
    try:
        from newsweave.store.postgres import PostgresStore  # an optional dependency
    except ImportError:
        raise StoreError(
            "a PostgreSQL store needs psycopg: pip install 'newsweave[postgres]'"
        ) from None
    return PostgresStore(str(location))
