"""The embedded store: one SQLite file in WAL mode, for one machine.

WAL lets one writer and many readers work at once (the web server keeps answering while an
ingest writes). Every write runs in a transaction started with BEGIN IMMEDIATE, so a process
killed mid-ingest leaves the file as it was after its last commit; ids are content hashes, so a
rerun stores what was lost and duplicates nothing. The schema is versioned with SQLite's
`user_version` and moved forward by the registered migrations in `store/migrations.py`.
Search is FTS5's. The statements both stores share are in `store/sql.py`.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from newsweave.errors import StoreError, StoreLocked
from newsweave.store.base import MATCH_END, MATCH_START, SearchHit, SearchKind
from newsweave.store.migrations import BRIEF_SEARCH_ROWS, MIGRATIONS
from newsweave.store.rows import search_words
from newsweave.store.sql import SQLStore

BUSY_TIMEOUT_MS = 30_000
# The named locks (`claim`) held in this process, by store file: a SQLite store serves one
# machine's workers in one process; several workers in several processes need PostgreSQL.
_CLAIMED: set[tuple[str, str]] = set()
_CLAIMED_LOCK = threading.Lock()


class SQLiteStore(SQLStore):
    _IDS_IN = "SELECT value FROM json_each(?)"
    _INSERTION_ORDER = "rowid"
    _NO_LIMIT = -1

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            if str(path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(path), isolation_level=None, check_same_thread=False, timeout=30
            )
            self._db.row_factory = sqlite3.Row
            self._db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            _retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode = WAL"))
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
        except (sqlite3.DatabaseError, OSError) as error:
            raise StoreError(
                f"cannot open the store at {path} ({error}); check the path given by --db "
                "or NEWSWEAVE_DB"
            ) from None
        self._start_transactions()
        self._migrate()
        self._counts_changes = True

    # -- transactions -------------------------------------------------------------------

    def _begin(self) -> None:
        """Take the write lock at once, so a transaction never fails half way for want of it."""
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise _store_error(self.path, error) from None

    def _migrate(self) -> None:
        """Run the migrations the file has not seen. The version is read again inside each
        write transaction, so two processes opening an old store at once (`serve` and
        `watch` after an upgrade) run each migration once between them."""
        while (version := self._schema_version()) < len(MIGRATIONS):
            with self.transaction():
                version = self._schema_version()
                if version < len(MIGRATIONS):
                    MIGRATIONS[version](self._db)
                    self._db.execute(f"PRAGMA user_version = {version + 1}")
        if version > len(MIGRATIONS):
            raise StoreError(
                f"the store at {self.path} has schema version {version}, newer than this "
                f"newsweave knows ({len(MIGRATIONS)}); upgrade newsweave"
            )

    def _schema_version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    # -- the seam of SQLStore -------------------------------------------------------------

    def _run(self, query: str, values: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._db.execute(query, values)

    def _run_many(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        self._db.executemany(query, rows)

    def _rows(self, query: str, *values: Any) -> list[sqlite3.Row]:
        return self._db.execute(query, values).fetchall()

    def _stream(self, query: str) -> Iterator[sqlite3.Row]:
        yield from self._db.execute(query)

    def _index_current(self, key: str, article_id: str, first: bool) -> None:
        """The FTS5 index holds current revisions only. When `first`, the key has no other
        revision, so the index holds nothing to retire: retiring reads the whole index (its
        article_id column is not indexed), which once made every ingest slow down as the store
        grew (120 articles/s at 5,000 stored, 50 at 20,000)."""
        if not first:
            self._db.execute(
                "DELETE FROM article_search WHERE article_id IN "
                "(SELECT article_id FROM articles WHERE key = ?)",
                (key,),
            )
        self._db.execute(
            "INSERT INTO article_search (article_id, title, text) "
            "SELECT article_id, title, text FROM articles WHERE article_id = ?",
            (article_id,),
        )

    def _index_brief(self, event_id: str, version: int) -> None:
        self._db.execute(
            f"""INSERT INTO brief_search (event_id, headline, prose) {BRIEF_SEARCH_ROWS}
                WHERE b.event_id = ? AND b.version = ? GROUP BY b.event_id""",
            (event_id, version),
        )

    @contextmanager
    def claim(self, names: Iterable[str]) -> Iterator[set[str]]:
        where = str(self.path.resolve()) if str(self.path) != ":memory:" else str(id(self))
        with _CLAIMED_LOCK:
            held = {name for name in names if (where, name) not in _CLAIMED}
            _CLAIMED.update((where, name) for name in held)
        try:
            yield held
        finally:
            with _CLAIMED_LOCK:
                _CLAIMED.difference_update((where, name) for name in held)

    # -- search ---------------------------------------------------------------------------

    def search(
        self, query: str, *, kind: SearchKind, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[SearchHit]]:
        terms = _fts_query(query)
        if not terms:
            return 0, []
        table, id_column, title_column = _SEARCH_TABLES[kind]
        (total,) = self._db.execute(
            f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", (terms,)
        ).fetchone()
        rows = self._db.execute(
            f"""SELECT {id_column}, {title_column},
                       snippet({table}, 2, '{MATCH_START}', '{MATCH_END}', '…', 24)
                FROM {table} WHERE {table} MATCH ? ORDER BY rank LIMIT ? OFFSET ?""",
            (terms, limit, offset),
        ).fetchall()
        return total, [SearchHit(kind, row[0], row[1], row[2]) for row in rows]


def _retry_while_locked(statement: Callable[[], object]) -> None:
    """Run `statement`, again while another connection holds the lock it needs, for up to the
    busy timeout: turning a new file to WAL mode fails at once, with no busy wait, while
    another process is doing the same (`serve` and `watch` started together)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            statement()
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _store_error(path: Path, error: sqlite3.OperationalError) -> StoreError:
    if "locked" in str(error) or "busy" in str(error):
        return StoreLocked(
            f"the store at {path} stayed locked by another process for "
            f"{BUSY_TIMEOUT_MS // 1000} s; wait for it to finish and try again"
        )
    return StoreError(f"cannot write the store at {path} ({error})")


_SEARCH_TABLES = {
    "articles": ("article_search", "article_id", "title"),
    "briefs": ("brief_search", "event_id", "headline"),
}


def _fts_query(query: str) -> str:
    """A user's words as an FTS5 query that cannot be malformed: each word quoted (so FTS5's
    operators and punctuation are read as text), all of them required, the last one also as
    a prefix unless the query ends with a space (`rows.search_words`)."""
    words, prefix = search_words(query)
    if not words:
        return ""
    quoted = [f'"{word}"' for word in words]
    if prefix:
        quoted[-1] += "*"
    return " ".join(quoted)
