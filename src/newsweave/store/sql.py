"""The store protocol over SQL, written once for SQLite and PostgreSQL.

Both stores keep the same tables with the same columns (`store/migrations.py`,
`store/postgres_schema.py`), and most of what the protocol asks is the same SQL on either:
SQLite has read PostgreSQL's `ON CONFLICT … DO UPDATE` since 3.24, and `CAST(? AS …) IS NULL`
types an optional parameter for both. So the statements are here, each once, written with `?`
for a parameter, and a store implements the seam below: how a statement runs (`_run`, which
PostgreSQL's store gives psycopg's `%s`), how rows stream, the few phrases that differ (a list
of ids as one JSON parameter, a table's insertion order, "no limit"), and what is each its own:
opening and migrating, write locks, named locks (`claim`), search and its indexes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, Self

import numpy as np

from newsweave.errors import AmbiguousId
from newsweave.model import Article, Rejection, Source
from newsweave.store.base import EventFailure, FailedStage, PutOutcome, StoredFeed
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
    source_from_row,
    time_text,
)

_ARTICLE_PLACEHOLDERS = ", ".join("?" * len(ARTICLE_COLUMNS.split(",")))


class SQLStore(Transactions):
    """What the SQLite and PostgreSQL stores share; a subclass gives the seam (see the module
    doc)."""

    # A subquery of the ids in one JSON array parameter (`_ids`).
    _IDS_IN: str
    # The column that orders a table's rows as they were inserted.
    _INSERTION_ORDER: str
    # The LIMIT that sets none.
    _NO_LIMIT: int | None

    # -- the seam -------------------------------------------------------------------------

    def _run(self, query: str, values: Sequence[Any] = ()) -> Any:
        """Run one statement, with `?` for each parameter; its cursor."""
        raise NotImplementedError

    def _run_many(self, query: str, rows: Iterable[Sequence[Any]]) -> None:
        """Run one statement once for each of `rows`."""
        raise NotImplementedError

    def _rows(self, query: str, *values: Any) -> list[Any]:
        """The rows of a query, each readable by column name and by position."""
        raise NotImplementedError

    def _stream(self, query: str) -> Iterator[Any]:
        """The rows of a long query as `_rows` gives them, read as they are wanted."""
        raise NotImplementedError

    def _lock_for_transaction(self, *names: str) -> None:
        """Hold the named locks until the open transaction ends (a store whose write
        transactions already exclude each other needs none)."""

    def _index_current(self, key: str, article_id: str, first: bool) -> None:
        """Update the search index when `article_id` becomes its key's current revision."""

    def _index_brief(self, event_id: str, version: int) -> None:
        """Make a brief's latest version the one searched."""
        raise NotImplementedError

    # -- reading --------------------------------------------------------------------------

    def _column(self, query: str, *values: Any) -> list[Any]:
        return [row[0] for row in self._run(query, values).fetchall()]

    def _value(self, query: str, *values: Any) -> Any:
        return self._run(query, values).fetchone()[0]

    def _ids(self, ids: Iterable[str]) -> str:
        """Ids as the one parameter of `_IDS_IN`."""
        return json.dumps(list(ids))

    # -- sources --------------------------------------------------------------------------

    def put_source(self, source: Source) -> None:
        with self.transaction():
            self._run(
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
        rows = self._rows("SELECT * FROM sources WHERE name = ?", name)
        return source_from_row(rows[0]) if rows else None

    def source_names(self) -> list[str]:
        return self._column("SELECT name FROM sources ORDER BY name")

    # -- articles -------------------------------------------------------------------------

    def put_article(self, article: Article) -> tuple[PutOutcome, Article]:
        with self.transaction():
            self._lock_for_transaction(f"article {article.key}")
            existing = self._rows(f"{ARTICLE_SELECT} WHERE a.article_id = ?", article.article_id)
            if existing and existing[0]["is_current"]:
                return "unchanged", article_from_row(existing[0])
            if existing:  # the outlet went back to an earlier text: that one is current again
                self._set_current(article.key, article.article_id)
                return "revised", article_from_row(existing[0])
            self.put_source(article.source)
            latest = self._value("SELECT max(revision) FROM articles WHERE key = ?", article.key)
            revision = (latest or 0) + 1
            self._run(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, is_current) "
                f"VALUES ({_ARTICLE_PLACEHOLDERS}, FALSE)",
                article_values(article, revision),
            )
            self._set_current(article.key, article.article_id, first=latest is None)
        stored = self.get_article(article.article_id)
        assert stored is not None
        return ("ingested" if revision == 1 else "revised"), stored

    def _set_current(self, key: str, article_id: str, *, first: bool = False) -> None:
        """Make one revision of an article the current one, in the table and the search index
        (`first`: the key has no other revision)."""
        self._run(
            "UPDATE articles SET is_current = (article_id = ?) WHERE key = ?", (article_id, key)
        )
        self._index_current(key, article_id, first)

    def get_article(self, article_id: str) -> Article | None:
        if not article_id:
            return None
        exact = self._rows(f"{ARTICLE_SELECT} WHERE a.article_id = ?", article_id)
        if exact:
            return article_from_row(exact[0])
        found = self._id_starting_with("article", "articles", "article_id", article_id)
        return self.get_article(found) if found else None

    def iter_articles(self, *, all_revisions: bool = False) -> Iterator[Article]:
        where = "" if all_revisions else "WHERE a.is_current"
        query = (
            f"{ARTICLE_SELECT} {where} ORDER BY a.published_at IS NULL, a.published_at, "
            "a.article_id"
        )
        for row in self._stream(query):
            yield article_from_row(row)

    def list_articles(
        self, *, limit: int | None = None, offset: int = 0, source: str | None = None
    ) -> list[Article]:
        rows = self._rows(
            f"{ARTICLE_SELECT} WHERE a.is_current "
            "AND (CAST(? AS TEXT) IS NULL OR a.source_name = ?) "
            "ORDER BY a.published_at IS NULL, a.published_at DESC, a.article_id "
            "LIMIT ? OFFSET ?",
            source,
            source,
            self._NO_LIMIT if limit is None else limit,
            offset,
        )
        return [article_from_row(row) for row in rows]

    def count_articles(self, *, source: str | None = None) -> int:
        return self._value(
            "SELECT count(*) FROM articles "
            "WHERE is_current AND (CAST(? AS TEXT) IS NULL OR source_name = ?)",
            source,
            source,
        )

    def revisions(self, key: str) -> list[Article]:
        rows = self._rows(f"{ARTICLE_SELECT} WHERE a.key = ? ORDER BY a.revision", key)
        return [article_from_row(row) for row in rows]

    # -- rejections -----------------------------------------------------------------------

    def add_rejection(self, rejection: Rejection) -> None:
        with self.transaction():
            self._lock_for_transaction(f"rejection {rejection.input}")
            self._run(
                "DELETE FROM rejections WHERE input = ? AND reason = ?",
                (rejection.input, rejection.reason),
            )
            self._run(
                "INSERT INTO rejections (input, reason, message, rejected_at) VALUES (?, ?, ?, ?)",
                (rejection.input, rejection.reason, rejection.message, now_text()),
            )

    def list_rejections(self, *, limit: int | None = None) -> list[Rejection]:
        rows = self._run(
            "SELECT input, reason, message FROM rejections "
            f"ORDER BY {self._INSERTION_ORDER} DESC LIMIT ?",
            (self._NO_LIMIT if limit is None else limit,),
        ).fetchall()
        return [Rejection(*row) for row in rows]

    # -- followed feeds -------------------------------------------------------------------

    def add_feed(self, url: str, added_at: datetime) -> bool:
        with self.transaction():
            cursor = self._run(
                "INSERT INTO feeds (url, added_at) VALUES (?, ?) ON CONFLICT (url) DO NOTHING",
                (url, time_text(added_at)),
            )
        return cursor.rowcount == 1

    def remove_feed(self, url: str) -> bool:
        with self.transaction():
            cursor = self._run("DELETE FROM feeds WHERE url = ?", (url,))
        return cursor.rowcount == 1

    def list_feeds(self) -> list[StoredFeed]:
        rows = self._run(
            f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds "
            f"ORDER BY added_at, {self._INSERTION_ORDER}"
        ).fetchall()
        return [feed_from_row(tuple(row)) for row in rows]

    def put_feed(self, feed: StoredFeed) -> None:
        updates = ", ".join(f"{column} = ?" for column in FEED_POLL_COLUMNS)
        with self.transaction():
            self._run(f"UPDATE feeds SET {updates} WHERE url = ?", feed_values(feed))

    # -- stories --------------------------------------------------------------------------

    def get_vectors(self, model: str) -> dict[str, np.ndarray]:
        rows = self._run("SELECT article_id, vector FROM embeddings WHERE model = ?", (model,))
        return {article_id: np.frombuffer(vector, dtype=np.float32) for article_id, vector in rows}

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        with self.transaction():
            self._run_many(
                "INSERT INTO embeddings (article_id, model, vector) VALUES (?, ?, ?) "
                "ON CONFLICT (model, article_id) DO UPDATE SET vector = excluded.vector",
                [
                    (article_id, model, np.asarray(vector, dtype=np.float32).tobytes())
                    for article_id, vector in vectors.items()
                ],
            )

    def get_copy_groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        query = "SELECT article_id, group_id FROM copy_groups"
        if article_ids is None:
            return dict(self._run(query).fetchall())
        wanted = f"{query} WHERE article_id IN ({self._IDS_IN})"
        return dict(self._run(wanted, (self._ids(article_ids),)).fetchall())

    def put_copy_groups(self, groups: Mapping[str, str]) -> None:
        with self.transaction():
            self._run_many(
                "INSERT INTO copy_groups (article_id, group_id) VALUES (?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET group_id = excluded.group_id",
                list(groups.items()),
            )

    def get_state(self, name: str) -> tuple[str, bytes] | None:
        row = self._run("SELECT key, data FROM stage_state WHERE name = ?", (name,)).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def put_state(self, name: str, key: str, data: bytes) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO stage_state (name, key, data) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET key = excluded.key, data = excluded.data",
                (name, key, data),
            )

    def changes(self) -> int:
        return self._value("SELECT count FROM store_changes")

    def event_article_ids(self, event_id: str) -> list[str]:
        return self._column("SELECT article_id FROM event_members WHERE event_id = ?", event_id)

    def get_event_members(self) -> dict[str, tuple[str, float]]:
        rows = self._run("SELECT article_id, event_id, score FROM event_members")
        return {article_id: (event, score) for article_id, event, score in rows}

    def put_event_members(self, members: Mapping[str, tuple[str, float]]) -> None:
        now = now_text()
        with self.transaction():
            self._run_many(
                "INSERT INTO event_members (article_id, event_id, score, joined_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (article_id) DO UPDATE SET "
                "event_id = excluded.event_id, score = excluded.score, "
                "joined_at = excluded.joined_at",
                [(article_id, event, score, now) for article_id, (event, score) in members.items()],
            )

    def merge_event(self, old_id: str, new_id: str) -> None:
        with self.transaction():
            self._run("UPDATE event_members SET event_id = ? WHERE event_id = ?", (new_id, old_id))
            self._run("UPDATE event_redirects SET new_id = ? WHERE new_id = ?", (new_id, old_id))
            self._run(
                "INSERT INTO event_redirects (old_id, new_id, merged_at) VALUES (?, ?, ?) "
                "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, "
                "merged_at = excluded.merged_at",
                (old_id, new_id, now_text()),
            )
            self._run("DELETE FROM event_analyses WHERE event_id = ?", (old_id,))
            self._run("DELETE FROM event_failures WHERE event_id = ?", (old_id,))

    def resolve_event(self, event_id: str) -> str | None:
        if not event_id:
            return None
        redirect = self._column("SELECT new_id FROM event_redirects WHERE old_id = ?", event_id)
        if redirect:
            return redirect[0]
        if self._column("SELECT 1 FROM event_members WHERE event_id = ? LIMIT 1", event_id):
            return event_id
        return self._id_starting_with("event", "event_members", "event_id", event_id)

    def _id_starting_with(self, kind: str, table: str, column: str, prefix: str) -> str | None:
        """The one id in `table.column` starting with `prefix`, or None; AmbiguousId, with
        how many and the first few, when several do."""
        where = f"FROM {table} WHERE {column} LIKE ? ESCAPE '\\'"
        pattern = prefix_pattern(prefix)
        ids = self._column(
            f"SELECT DISTINCT {column} {where} ORDER BY {column} LIMIT ?",
            pattern,
            AMBIGUOUS_SHOWN,
        )
        if len(ids) < 2:
            return ids[0] if ids else None
        count = self._value(f"SELECT count(DISTINCT {column}) {where}", pattern)
        raise AmbiguousId(kind, prefix, count, ids)

    def get_storylines(self) -> dict[str, str]:
        return dict(self._run("SELECT event_id, storyline_id FROM storylines").fetchall())

    def replace_storylines(self, storylines: Mapping[str, str]) -> None:
        with self.transaction():
            self._run("DELETE FROM storylines")
            self._run_many(
                "INSERT INTO storylines (event_id, storyline_id) VALUES (?, ?)",
                list(storylines.items()),
            )

    # -- analysis -------------------------------------------------------------------------

    def get_analysis_keys(self) -> dict[str, str]:
        return dict(self._run("SELECT event_id, articles_key FROM event_analyses").fetchall())

    def get_analysis(self, event_id: str) -> dict[str, Any] | None:
        found = self._column("SELECT analysis FROM event_analyses WHERE event_id = ?", event_id)
        return json.loads(found[0]) if found else None

    def put_analysis(self, event_id: str, articles_key: str, analysis: Mapping[str, Any]) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO event_analyses (event_id, articles_key, analysis, analysed_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_id) DO UPDATE SET "
                "articles_key = excluded.articles_key, analysis = excluded.analysis, "
                "analysed_at = excluded.analysed_at",
                (event_id, articles_key, json.dumps(analysis), now_text()),
            )

    def delete_analyses(self, event_ids: Iterable[str]) -> None:
        with self.transaction():
            self._run(
                f"DELETE FROM event_analyses WHERE event_id IN ({self._IDS_IN})",
                (self._ids(event_ids),),
            )

    # -- failures -------------------------------------------------------------------------

    def put_failure(self, failure: EventFailure) -> None:
        with self.transaction():
            self._run(
                "INSERT INTO event_failures (event_id, stage, reason, failed_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (event_id, stage) DO UPDATE SET "
                "reason = excluded.reason, failed_at = excluded.failed_at",
                (failure.event_id, failure.stage, failure.reason, time_text(failure.failed_at)),
            )

    def delete_failure(self, event_id: str, stage: FailedStage) -> None:
        with self.transaction():
            self._run(
                "DELETE FROM event_failures WHERE event_id = ? AND stage = ?", (event_id, stage)
            )

    def list_failures(self) -> list[EventFailure]:
        rows = self._run(
            "SELECT event_id, stage, reason, failed_at FROM event_failures "
            "ORDER BY failed_at DESC, event_id, stage"
        )
        return [
            EventFailure(event_id, stage, reason, datetime.fromisoformat(failed_at))
            for event_id, stage, reason, failed_at in rows
        ]

    # -- briefs ---------------------------------------------------------------------------

    def get_brief_keys(self) -> dict[str, str]:
        rows = self._run(
            """SELECT event_id, articles_key FROM briefs b WHERE version =
                 (SELECT max(version) FROM briefs WHERE event_id = b.event_id)"""
        )
        return dict(rows.fetchall())

    def get_brief(self, event_id: str, version: int | None = None) -> dict[str, Any] | None:
        found = self._column(
            "SELECT brief FROM briefs WHERE event_id = ? "
            "AND (CAST(? AS INTEGER) IS NULL OR version = ?) ORDER BY version DESC LIMIT 1",
            event_id,
            version,
            version,
        )
        return json.loads(found[0]) if found else None

    def brief_versions(self, event_id: str) -> list[int]:
        return self._column(
            "SELECT version FROM briefs WHERE event_id = ? ORDER BY version", event_id
        )

    def put_brief(self, event_id: str, articles_key: str, brief: Mapping[str, Any]) -> int:
        with self.transaction():
            self._lock_for_transaction(f"brief {event_id}")
            latest = self._value(
                "SELECT coalesce(max(version), 0) FROM briefs WHERE event_id = ?", event_id
            )
            version = latest + 1
            self._run(
                "INSERT INTO briefs (event_id, version, articles_key, brief, written_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    event_id,
                    version,
                    articles_key,
                    json.dumps({**brief, "version": version}),
                    now_text(),
                ),
            )
            self._run("DELETE FROM brief_search WHERE event_id = ?", (event_id,))
            self._index_brief(event_id, version)
        return version

    def brief_history(self, event_id: str) -> list[dict[str, Any]]:
        documents = self._column(
            "SELECT brief FROM briefs WHERE event_id = ? ORDER BY version", event_id
        )
        return [json.loads(document) for document in documents]

    # -- closing --------------------------------------------------------------------------

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
