"""The team's store: a PostgreSQL database that several workers share.

Every method does what the SQLite store's does (tests/test_store.py runs both), over the same
tables (`store/postgres_schema.py`). What several workers need is PostgreSQL's own:

- each write transaction takes a transaction-level advisory lock on what it numbers or
  replaces (an article's key, a brief's event, a rejected input), so two workers storing the same
  article store it once, and two versions of a brief never get one number;
- `claim` takes session-level advisory locks (`pg_try_advisory_lock`), which PostgreSQL drops
  when a worker's connection ends, however the worker died;
- the change counter is one row every write transaction increments just before it commits, so
  a reader that sees a count sees at least what that count's transactions wrote.

The connection runs in autocommit mode: a read sees what other workers committed up to it, and
`transaction` groups writes. psycopg (version 3) is an optional dependency, the `postgres` extra.
The statements both stores share are in `store/sql.py`; search is PostgreSQL's own.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg.rows import dict_row

from newsweave.errors import StoreError
from newsweave.outward import one_line
from newsweave.store.base import MATCH_END, MATCH_START, SearchHit, SearchKind, shown_location
from newsweave.store.postgres_schema import COUNT, INDEX_BRIEF, MIGRATIONS, SEARCH, migrate, tsquery
from newsweave.store.rows import search_words
from newsweave.store.sql import SQLStore

MIGRATION_LOCK = 0x6E657773  # the advisory lock migrations run under
ROW_BATCH = 500  # rows `_stream` (`iter_articles`) fetches at a time
_CURSORS = itertools.count()  # names the server-side cursors of `_stream`
# ts_headline's options for a search hit's snippet: about SQLite's (24 words around a match).
SNIPPET = f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=24, MinWords=12, MaxFragments=1"


class PostgresStore(SQLStore):
    _IDS_IN = "SELECT json_array_elements_text(CAST(? AS json))"
    _INSERTION_ORDER = "id"
    _NO_LIMIT = None

    def __init__(self, url: str) -> None:
        self.url = url
        try:
            self._db = psycopg.connect(url, autocommit=True, application_name="newsweave")
        except psycopg.Error as error:
            raise StoreError(
                f"cannot connect to the store at {shown_location(url)} "
                f"({one_line(str(error), 300)}); check the URL given by --db or NEWSWEAVE_DB "
                "(scripts/postgres starts a server)"
            ) from None
        self._start_transactions()
        self._migrate()
        self._counts_changes = True

    # -- transactions and locks ---------------------------------------------------------

    def _end(self, commit: bool) -> None:
        try:
            super()._end(commit)
        except psycopg.OperationalError as error:  # the server gone, the connection lost
            raise StoreError(
                f"cannot write the store at {shown_location(self.url)} "
                f"({one_line(str(error), 300)})"
            ) from None

    def _lock_for_transaction(self, *names: str) -> None:
        """Hold the named advisory locks until the open transaction ends."""
        for name in names:
            self._db.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", (name,))

    @contextmanager
    def claim(self, names: Iterable[str]) -> Iterator[set[str]]:
        wanted = sorted(set(names))
        with self._lock:
            rows = self._db.execute(
                "SELECT name FROM unnest(%s::text[]) AS name "
                "WHERE pg_try_advisory_lock(hashtextextended(name, 0))",
                (wanted,),
            ).fetchall()
        held = {name for (name,) in rows}
        try:
            yield held
        finally:
            if held and not self._db.closed:
                with self._lock:
                    self._db.execute(
                        "SELECT pg_advisory_unlock(hashtextextended(name, 0)) "
                        "FROM unnest(%s::text[]) AS name",
                        (sorted(held),),
                    )

    def _migrate(self) -> None:
        with self.transaction():
            self._db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            self._db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER)")
            row = self._db.execute("SELECT version FROM schema_version").fetchone()
            version = row[0] if row else 0
            if version > len(MIGRATIONS):
                raise StoreError(
                    f"the store at {shown_location(self.url)} has schema version {version}, newer "
                    f"than this newsweave knows ({len(MIGRATIONS)}); upgrade newsweave"
                )
            if version < len(MIGRATIONS):
                version = migrate(self._db, version)
                self._db.execute("DELETE FROM schema_version")
                self._db.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))

    # -- the seam of SQLStore -------------------------------------------------------------

    def _run(self, query: str, values: Sequence[Any] = ()) -> psycopg.Cursor[Any]:
        return self._db.execute(_placeholders(query), values)

    def _run_many(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._db.cursor() as cursor:
            cursor.executemany(_placeholders(query), rows)

    def _rows(self, query: str, *values: Any) -> list[dict[str, Any]]:
        with self._db.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(_placeholders(query), values).fetchall()

    def _stream(self, query: str) -> Iterator[dict[str, Any]]:
        # A server-side cursor, held across commits: the rows come in batches, and the
        # connection stays free for other statements between them.
        name = f"rows_{next(_CURSORS)}"
        with self._db.cursor(name=name, row_factory=dict_row, withhold=True) as cursor:
            cursor.itersize = ROW_BATCH
            cursor.execute(_placeholders(query), ())
            yield from cursor

    def _index_brief(self, event_id: str, version: int) -> None:
        self._db.execute(INDEX_BRIEF, {"event_id": event_id, "version": version})

    # -- search ---------------------------------------------------------------------------

    def search(
        self, query: str, *, kind: SearchKind, limit: int = 20, offset: int = 0
    ) -> tuple[int, list[SearchHit]]:
        terms = tsquery(*search_words(query))
        if not terms:
            return 0, []
        values = {"query": terms, "options": SNIPPET, "limit": limit, "offset": offset}
        (total,) = self._db.execute(COUNT[kind], values).fetchone()
        rows = self._db.execute(SEARCH[kind], values).fetchall()
        return total, [SearchHit(kind, *row) for row in rows]


@lru_cache(maxsize=256)
def _placeholders(query: str) -> str:
    """A statement of `store/sql.py` as psycopg reads it: `%s` for each `?`, a `%` doubled."""
    return _MARK.sub(lambda mark: "%s" if mark[0] == "?" else "%%", query)


_MARK = re.compile(r"[?%]")
