"""The embedded store: one SQLite file in WAL mode, for one machine.

WAL lets one writer and many readers work at once (the web server keeps answering while an
ingest writes). Every write runs in a transaction started with BEGIN IMMEDIATE, so a process
killed mid-ingest leaves the file as it was after its last commit; ids are content hashes, so a
rerun stores what was lost and duplicates nothing. The schema is versioned with SQLite's
`user_version` and moved forward by the registered migrations in `store/migrations.py`.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from newsweave.errors import AmbiguousId, StoreError, StoreLocked
from newsweave.model import Article, Rejection, Source
from newsweave.store.base import (
    MATCH_END,
    MATCH_START,
    EventFailure,
    FailedStage,
    PutOutcome,
    SearchHit,
    SearchKind,
    StoredFeed,
)
from newsweave.store.migrations import BRIEF_SEARCH_ROWS, MIGRATIONS
from newsweave.store.rows import (
    AMBIGUOUS_SHOWN,
    ARTICLE_COLUMNS,
    ARTICLE_SELECT,
    FEED_COLUMNS,
    FEED_POLL_COLUMNS,
    Transactions,
    article_from_row,
    article_values,
    feed_from_row,
    feed_values,
    now_text,
    prefix_pattern,
    search_words,
    source_from_row,
    time_text,
)

BUSY_TIMEOUT_MS = 30_000
# The named locks (`claim`) held in this process, by store file: a SQLite store serves one
# machine's workers in one process; several workers in several processes need PostgreSQL.
_CLAIMED: set[tuple[str, str]] = set()
_CLAIMED_LOCK = threading.Lock()


class SQLiteStore(Transactions):
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

    # -- sources ------------------------------------------------------------------------

    def put_source(self, source: Source) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT INTO sources (name, domain, family, country, language)
                   VALUES (?, ?, ?, ?, ?)
                   ON CONFLICT (name) DO UPDATE SET
                     domain = coalesce(sources.domain, excluded.domain),
                     family = coalesce(sources.family, excluded.family),
                     country = coalesce(sources.country, excluded.country),
                     language = coalesce(sources.language, excluded.language)""",
                (source.name, source.domain, source.family, source.country, source.language),
            )

    def get_source(self, name: str) -> Source | None:
        row = self._db.execute("SELECT * FROM sources WHERE name = ?", (name,)).fetchone()
        return source_from_row(row) if row else None

    def source_names(self) -> list[str]:
        return [name for (name,) in self._db.execute("SELECT name FROM sources ORDER BY name")]

    # -- articles -----------------------------------------------------------------------

    def put_article(self, article: Article) -> tuple[PutOutcome, Article]:
        with self.transaction():
            existing = self._db.execute(
                f"{ARTICLE_SELECT} WHERE a.article_id = ?", (article.article_id,)
            ).fetchone()
            if existing and existing["is_current"]:
                return "unchanged", article_from_row(existing)
            if existing:  # the outlet went back to an earlier text: that one is current again
                self._set_current(article.key, article.article_id)
                return "revised", article_from_row(existing)
            self.put_source(article.source)
            latest = self._db.execute(
                "SELECT max(revision) FROM articles WHERE key = ?", (article.key,)
            ).fetchone()[0]
            revision = (latest or 0) + 1
            self._db.execute(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, is_current) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                article_values(article, revision),
            )
            self._set_current(article.key, article.article_id, first=latest is None)
        stored = self.get_article(article.article_id)
        assert stored is not None
        return ("ingested" if revision == 1 else "revised"), stored

    def _set_current(self, key: str, article_id: str, *, first: bool = False) -> None:
        """Make one revision of an article the current one, in the table and the search index.

        `first`: the key has no other revision, so the index holds nothing to retire. Retiring
        reads the whole index (its article_id column is not indexed), which once made every
        ingest slow down as the store grew (120 articles/s at 5,000 stored, 50 at 20,000).
        """
        self._db.execute(
            "UPDATE articles SET is_current = (article_id = ?) WHERE key = ?", (article_id, key)
        )
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

    def get_article(self, article_id: str) -> Article | None:
        if not article_id:
            return None
        exact = self._db.execute(
            f"{ARTICLE_SELECT} WHERE a.article_id = ?", (article_id,)
        ).fetchone()
        if exact:
            return article_from_row(exact)
        found = self._id_starting_with("article", "articles", "article_id", article_id)
        return self.get_article(found) if found else None

    def iter_articles(self, *, all_revisions: bool = False) -> Iterator[Article]:
        where = "" if all_revisions else "WHERE a.is_current = 1"
        cursor = self._db.execute(
            f"{ARTICLE_SELECT} {where} ORDER BY a.published_at IS NULL, a.published_at, "
            "a.article_id"
        )
        for row in cursor:
            yield article_from_row(row)

    def list_articles(
        self, *, limit: int | None = None, offset: int = 0, source: str | None = None
    ) -> list[Article]:
        rows = self._db.execute(
            f"{ARTICLE_SELECT} WHERE a.is_current = 1 AND (?1 IS NULL OR a.source_name = ?1) "
            "ORDER BY a.published_at IS NULL, a.published_at DESC, a.article_id "
            "LIMIT ?2 OFFSET ?3",
            (source, -1 if limit is None else limit, offset),
        ).fetchall()
        return [article_from_row(row) for row in rows]

    def count_articles(self, *, source: str | None = None) -> int:
        return self._db.execute(
            "SELECT count(*) FROM articles "
            "WHERE is_current = 1 AND (?1 IS NULL OR source_name = ?1)",
            (source,),
        ).fetchone()[0]

    def revisions(self, key: str) -> list[Article]:
        rows = self._db.execute(
            f"{ARTICLE_SELECT} WHERE a.key = ? ORDER BY a.revision", (key,)
        ).fetchall()
        return [article_from_row(row) for row in rows]

    # -- rejections ---------------------------------------------------------------------

    def add_rejection(self, rejection: Rejection) -> None:
        with self.transaction():
            self._db.execute(
                "DELETE FROM rejections WHERE input = ? AND reason = ?",
                (rejection.input, rejection.reason),
            )
            self._db.execute(
                "INSERT INTO rejections (input, reason, message, rejected_at) VALUES (?, ?, ?, ?)",
                (rejection.input, rejection.reason, rejection.message, now_text()),
            )

    def list_rejections(self, *, limit: int | None = None) -> list[Rejection]:
        rows = self._db.execute(
            "SELECT input, reason, message FROM rejections ORDER BY rowid DESC LIMIT ?",
            (-1 if limit is None else limit,),
        ).fetchall()
        return [Rejection(row["input"], row["reason"], row["message"]) for row in rows]

    # -- followed feeds -----------------------------------------------------------------

    def add_feed(self, url: str, added_at: datetime) -> bool:
        with self.transaction():
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO feeds (url, added_at) VALUES (?, ?)",
                (url, time_text(added_at)),
            )
        return cursor.rowcount == 1

    def remove_feed(self, url: str) -> bool:
        with self.transaction():
            cursor = self._db.execute("DELETE FROM feeds WHERE url = ?", (url,))
        return cursor.rowcount == 1

    def list_feeds(self) -> list[StoredFeed]:
        rows = self._db.execute(
            f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY added_at, rowid"
        ).fetchall()
        return [feed_from_row(tuple(row)) for row in rows]

    def put_feed(self, feed: StoredFeed) -> None:
        updates = ", ".join(f"{column} = ?" for column in FEED_POLL_COLUMNS)
        with self.transaction():
            self._db.execute(f"UPDATE feeds SET {updates} WHERE url = ?", feed_values(feed))

    # -- stories ------------------------------------------------------------------------

    def get_vectors(self, model: str) -> dict[str, np.ndarray]:
        rows = self._db.execute(
            "SELECT article_id, vector FROM embeddings WHERE model = ?", (model,)
        )
        return {row[0]: np.frombuffer(row[1], dtype=np.float32) for row in rows}

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings (article_id, model, vector) VALUES (?, ?, ?)",
                (
                    (article_id, model, np.asarray(vector, dtype=np.float32).tobytes())
                    for article_id, vector in vectors.items()
                ),
            )

    def get_copy_groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        if article_ids is None:
            return dict(self._db.execute("SELECT article_id, group_id FROM copy_groups"))
        ids = json.dumps(list(article_ids))
        return dict(
            self._db.execute(
                "SELECT article_id, group_id FROM copy_groups "
                "WHERE article_id IN (SELECT value FROM json_each(?))",
                (ids,),
            )
        )

    def put_copy_groups(self, groups: Mapping[str, str]) -> None:
        with self.transaction():
            self._db.executemany(
                "INSERT OR REPLACE INTO copy_groups (article_id, group_id) VALUES (?, ?)",
                groups.items(),
            )

    def get_state(self, name: str) -> tuple[str, bytes] | None:
        row = self._db.execute("SELECT key, data FROM stage_state WHERE name = ?", (name,))
        found = row.fetchone()
        return (found[0], bytes(found[1])) if found else None

    def put_state(self, name: str, key: str, data: bytes) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT OR REPLACE INTO stage_state (name, key, data) VALUES (?, ?, ?)",
                (name, key, data),
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

    def changes(self) -> int:
        return self._db.execute("SELECT count FROM store_changes").fetchone()[0]

    def event_article_ids(self, event_id: str) -> list[str]:
        rows = self._db.execute(
            "SELECT article_id FROM event_members WHERE event_id = ?", (event_id,)
        )
        return [article_id for (article_id,) in rows]

    def get_event_members(self) -> dict[str, tuple[str, float]]:
        rows = self._db.execute("SELECT article_id, event_id, score FROM event_members")
        return {row[0]: (row[1], row[2]) for row in rows}

    def put_event_members(self, members: Mapping[str, tuple[str, float]]) -> None:
        now = now_text()
        with self.transaction():
            self._db.executemany(
                """INSERT OR REPLACE INTO event_members (article_id, event_id, score, joined_at)
                   VALUES (?, ?, ?, ?)""",
                ((article_id, event, score, now) for article_id, (event, score) in members.items()),
            )

    def merge_event(self, old_id: str, new_id: str) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE event_members SET event_id = ? WHERE event_id = ?", (new_id, old_id)
            )
            self._db.execute(
                "UPDATE event_redirects SET new_id = ? WHERE new_id = ?", (new_id, old_id)
            )
            self._db.execute(
                "INSERT OR REPLACE INTO event_redirects (old_id, new_id, merged_at) "
                "VALUES (?, ?, ?)",
                (old_id, new_id, now_text()),
            )
            self._db.execute("DELETE FROM event_analyses WHERE event_id = ?", (old_id,))
            self._db.execute("DELETE FROM event_failures WHERE event_id = ?", (old_id,))

    def resolve_event(self, event_id: str) -> str | None:
        if not event_id:
            return None
        redirect = self._db.execute(
            "SELECT new_id FROM event_redirects WHERE old_id = ?", (event_id,)
        ).fetchone()
        if redirect:
            return redirect[0]
        if self._db.execute(
            "SELECT 1 FROM event_members WHERE event_id = ? LIMIT 1", (event_id,)
        ).fetchone():
            return event_id
        return self._id_starting_with("event", "event_members", "event_id", event_id)

    def _id_starting_with(self, kind: str, table: str, column: str, prefix: str) -> str | None:
        """The one id in `table.column` starting with `prefix`, or None; AmbiguousId, with
        how many and the first few, when several do."""
        where = f"FROM {table} WHERE {column} LIKE ? ESCAPE '\\'"
        pattern = prefix_pattern(prefix)
        ids = [
            row[0]
            for row in self._db.execute(
                f"SELECT DISTINCT {column} {where} ORDER BY {column} LIMIT ?",
                (pattern, AMBIGUOUS_SHOWN),
            )
        ]
        if len(ids) < 2:
            return ids[0] if ids else None
        (count,) = self._db.execute(
            f"SELECT count(DISTINCT {column}) {where}", (pattern,)
        ).fetchone()
        raise AmbiguousId(kind, prefix, count, ids)

    def get_storylines(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT event_id, storyline_id FROM storylines").fetchall())

    def replace_storylines(self, storylines: Mapping[str, str]) -> None:
        with self.transaction():
            self._db.execute("DELETE FROM storylines")
            self._db.executemany(
                "INSERT INTO storylines (event_id, storyline_id) VALUES (?, ?)",
                storylines.items(),
            )

    # -- analysis -------------------------------------------------------------------------

    def get_analysis_keys(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT event_id, articles_key FROM event_analyses"))

    def get_analysis(self, event_id: str) -> dict[str, Any] | None:
        row = self._db.execute(
            "SELECT analysis FROM event_analyses WHERE event_id = ?", (event_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def put_analysis(self, event_id: str, articles_key: str, analysis: Mapping[str, Any]) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT OR REPLACE INTO event_analyses
                     (event_id, articles_key, analysis, analysed_at) VALUES (?, ?, ?, ?)""",
                (event_id, articles_key, json.dumps(analysis), now_text()),
            )

    def delete_analyses(self, event_ids: Iterable[str]) -> None:
        with self.transaction():
            self._db.executemany(
                "DELETE FROM event_analyses WHERE event_id = ?", ((i,) for i in event_ids)
            )

    # -- failures -------------------------------------------------------------------------

    def put_failure(self, failure: EventFailure) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT OR REPLACE INTO event_failures (event_id, stage, reason, failed_at)
                   VALUES (?, ?, ?, ?)""",
                (failure.event_id, failure.stage, failure.reason, time_text(failure.failed_at)),
            )

    def delete_failure(self, event_id: str, stage: FailedStage) -> None:
        with self.transaction():
            self._db.execute(
                "DELETE FROM event_failures WHERE event_id = ? AND stage = ?", (event_id, stage)
            )

    def list_failures(self) -> list[EventFailure]:
        rows = self._db.execute(
            "SELECT event_id, stage, reason, failed_at FROM event_failures "
            "ORDER BY failed_at DESC, event_id, stage"
        )
        return [
            EventFailure(row[0], row[1], row[2], datetime.fromisoformat(row[3])) for row in rows
        ]

    # -- briefs ---------------------------------------------------------------------------

    def get_brief_keys(self) -> dict[str, str]:
        rows = self._db.execute(
            """SELECT event_id, articles_key FROM briefs b WHERE version =
                 (SELECT MAX(version) FROM briefs WHERE event_id = b.event_id)"""
        )
        return dict(rows.fetchall())

    def get_brief(self, event_id: str, version: int | None = None) -> dict[str, Any] | None:
        if version is None:
            row = self._db.execute(
                "SELECT brief FROM briefs WHERE event_id = ? ORDER BY version DESC LIMIT 1",
                (event_id,),
            ).fetchone()
        else:
            row = self._db.execute(
                "SELECT brief FROM briefs WHERE event_id = ? AND version = ?", (event_id, version)
            ).fetchone()
        return json.loads(row[0]) if row else None

    def brief_versions(self, event_id: str) -> list[int]:
        rows = self._db.execute(
            "SELECT version FROM briefs WHERE event_id = ? ORDER BY version", (event_id,)
        )
        return [version for (version,) in rows]

    def put_brief(self, event_id: str, articles_key: str, brief: Mapping[str, Any]) -> int:
        with self.transaction():
            (latest,) = self._db.execute(
                "SELECT COALESCE(MAX(version), 0) FROM briefs WHERE event_id = ?", (event_id,)
            ).fetchone()
            version = latest + 1
            self._db.execute(
                """INSERT INTO briefs (event_id, version, articles_key, brief, written_at)
                   VALUES (?, ?, ?, ?, ?)""",
                (
                    event_id,
                    version,
                    articles_key,
                    json.dumps({**brief, "version": version}),
                    now_text(),
                ),
            )
            self._db.execute("DELETE FROM brief_search WHERE event_id = ?", (event_id,))
            self._db.execute(
                f"""INSERT INTO brief_search (event_id, headline, prose) {BRIEF_SEARCH_ROWS}
                    WHERE b.event_id = ? AND b.version = ? GROUP BY b.event_id""",
                (event_id, version),
            )
        return version

    def brief_history(self, event_id: str) -> list[dict[str, Any]]:
        return [
            json.loads(row[0])
            for row in self._db.execute(
                "SELECT brief FROM briefs WHERE event_id = ? ORDER BY version", (event_id,)
            )
        ]

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

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
