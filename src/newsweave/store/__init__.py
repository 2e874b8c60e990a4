"""Where newsweave keeps its data; `open_store` picks the implementation for a location."""

from __future__ import annotations

from pathlib import Path

from newsweave.store.base import (
    EventFailure,
    PutOutcome,
    SearchHit,
    SearchKind,
    Store,
    StoredFeed,
)
from newsweave.store.sqlite import SQLiteStore

__all__ = [
    "EventFailure",
    "PutOutcome",
    "SQLiteStore",
    "SearchHit",
    "SearchKind",
    "Store",
    "StoredFeed",
    "open_store",
]


def open_store(path: Path | str) -> SQLiteStore:
    """The store at `path` (a SQLite file), created and migrated if needed."""
    return SQLiteStore(path)
