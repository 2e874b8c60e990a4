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
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import numpy as np
import psycopg
from psycopg.rows import dict_row

from newsweave.errors import AmbiguousId, StoreError
from newsweave.model import Article, Rejection, Source
from newsweave.outward import one_line
from newsweave.store.base import (
    MATCH_END,
    MATCH_START,
    EventFailure,
    FailedStage,
    PutOutcome,
    SearchHit,
    SearchKind,
    StoredFeed,
    shown_location,
)
from newsweave.store.postgres_schema import COUNT, INDEX_BRIEF, MIGRATIONS, SEARCH, migrate, tsquery
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

MIGRATION_LOCK = 0x6E657773  # the advisory lock migrations run under
ARTICLE_BATCH = 500  # rows `iter_articles` fetches at a time
_CURSORS = itertools.count()  # names the server-side cursors of `iter_articles`
# ts_headline's options for a search hit's snippet: about SQLite's (24 words around a match).
SNIPPET = f"StartSel={MATCH_START}, StopSel={MATCH_END}, MaxWords=24, MinWords=12, MaxFragments=1"


class PostgresStore(Transactions):
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

    # -- sources ------------------------------------------------------------------------

    def put_source(self, source: Source) -> None:
        with self.transaction():
            self._db.execute(
                """INSERT INTO sources (name, domain, family, country, language)
                   VALUES (%s, %s, %s, %s, %s)
                   ON CONFLICT (name) DO UPDATE SET
                     domain = coalesce(sources.domain, excluded.domain),
                     family = coalesce(sources.family, excluded.family),
                     country = coalesce(sources.country, excluded.country),
                     language = coalesce(sources.language, excluded.language)""",
                (source.name, source.domain, source.family, source.country, source.language),
            )

    def get_source(self, name: str) -> Source | None:
        row = self._rows("SELECT * FROM sources WHERE name = %s", (name,))
        return source_from_row(row[0]) if row else None

    def source_names(self) -> list[str]:
        return self._column("SELECT name FROM sources ORDER BY name")

    # -- articles -----------------------------------------------------------------------

    def put_article(self, article: Article) -> tuple[PutOutcome, Article]:
        with self.transaction():
            self._lock_for_transaction(f"article {article.key}")
            existing = self._rows(
                f"{ARTICLE_SELECT} WHERE a.article_id = %s", (article.article_id,)
            )
            if existing and existing[0]["is_current"]:
                return "unchanged", article_from_row(existing[0])
            if existing:  # the outlet went back to an earlier text: that one is current again
                self._set_current(article.key, article.article_id)
                return "revised", article_from_row(existing[0])
            self.put_source(article.source)
            (latest,) = self._db.execute(
                "SELECT max(revision) FROM articles WHERE key = %s", (article.key,)
            ).fetchone()
            revision = (latest or 0) + 1
            self._db.execute(
                f"INSERT INTO articles ({ARTICLE_COLUMNS}, is_current) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, false)",
                article_values(article, revision),
            )
            self._set_current(article.key, article.article_id)
        stored = self.get_article(article.article_id)
        assert stored is not None
        return ("ingested" if revision == 1 else "revised"), stored

    def _set_current(self, key: str, article_id: str) -> None:
        """Make one revision of an article the current one (and so the searched one)."""
        self._db.execute(
            "UPDATE articles SET is_current = (article_id = %s) WHERE key = %s", (article_id, key)
        )

    def get_article(self, article_id: str) -> Article | None:
        if not article_id:
            return None
        exact = self._rows(f"{ARTICLE_SELECT} WHERE a.article_id = %s", (article_id,))
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
        # A server-side cursor, held across commits: the rows come in batches, and the
        # connection stays free for other statements between them.
        name = f"articles_{next(_CURSORS)}"
        with self._db.cursor(name=name, row_factory=dict_row, withhold=True) as cursor:
            cursor.itersize = ARTICLE_BATCH
            cursor.execute(query)  # built of constants
            for row in cursor:
                yield article_from_row(row)

    def list_articles(
        self, *, limit: int | None = None, offset: int = 0, source: str | None = None
    ) -> list[Article]:
        rows = self._rows(
            f"{ARTICLE_SELECT} WHERE a.is_current "
            "AND (%(source)s::text IS NULL OR a.source_name = %(source)s) "
            "ORDER BY a.published_at IS NULL, a.published_at DESC, a.article_id "
            "LIMIT %(limit)s OFFSET %(offset)s",
            {"source": source, "limit": limit, "offset": offset},
        )
        return [article_from_row(row) for row in rows]

    def count_articles(self, *, source: str | None = None) -> int:
        (count,) = self._db.execute(
            "SELECT count(*) FROM articles "
            "WHERE is_current AND (%(source)s::text IS NULL OR source_name = %(source)s)",
            {"source": source},
        ).fetchone()
        return count

    def revisions(self, key: str) -> list[Article]:
        rows = self._rows(f"{ARTICLE_SELECT} WHERE a.key = %s ORDER BY a.revision", (key,))
        return [article_from_row(row) for row in rows]

    # -- rejections ---------------------------------------------------------------------

    def add_rejection(self, rejection: Rejection) -> None:
        with self.transaction():
            self._lock_for_transaction(f"rejection {rejection.input}")
            self._db.execute(
                "DELETE FROM rejections WHERE input = %s AND reason = %s",
                (rejection.input, rejection.reason),
            )
            self._db.execute(
                "INSERT INTO rejections (input, reason, message, rejected_at) "
                "VALUES (%s, %s, %s, %s)",
                (rejection.input, rejection.reason, rejection.message, now_text()),
            )

    def list_rejections(self, *, limit: int | None = None) -> list[Rejection]:
        rows = self._db.execute(
            "SELECT input, reason, message FROM rejections ORDER BY id DESC LIMIT %s", (limit,)
        ).fetchall()
        return [Rejection(*row) for row in rows]

    # -- followed feeds -----------------------------------------------------------------

    def add_feed(self, url: str, added_at: datetime) -> bool:
        with self.transaction():
            cursor = self._db.execute(
                "INSERT INTO feeds (url, added_at) VALUES (%s, %s) ON CONFLICT (url) DO NOTHING",
                (url, time_text(added_at)),
            )
        return cursor.rowcount == 1

    def remove_feed(self, url: str) -> bool:
        with self.transaction():
            cursor = self._db.execute("DELETE FROM feeds WHERE url = %s", (url,))
        return cursor.rowcount == 1

    def list_feeds(self) -> list[StoredFeed]:
        rows = self._db.execute(
            f"SELECT {', '.join(FEED_COLUMNS)} FROM feeds ORDER BY added_at, id"
        ).fetchall()
        return [feed_from_row(tuple(row)) for row in rows]

    def put_feed(self, feed: StoredFeed) -> None:
        updates = ", ".join(f"{column} = %s" for column in FEED_POLL_COLUMNS)
        with self.transaction():
            self._db.execute(f"UPDATE feeds SET {updates} WHERE url = %s", feed_values(feed))

    # -- stories ------------------------------------------------------------------------

    def get_vectors(self, model: str) -> dict[str, np.ndarray]:
        rows = self._db.execute(
            "SELECT article_id, vector FROM embeddings WHERE model = %s", (model,)
        )
        return {article_id: np.frombuffer(vector, dtype=np.float32) for article_id, vector in rows}

    def put_vectors(self, model: str, vectors: Mapping[str, np.ndarray]) -> None:
        with self.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO embeddings (article_id, model, vector) VALUES (%s, %s, %s) "
                "ON CONFLICT (model, article_id) DO UPDATE SET vector = excluded.vector",
                [
                    (article_id, model, np.asarray(vector, dtype=np.float32).tobytes())
                    for article_id, vector in vectors.items()
                ],
            )

    def get_copy_groups(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        if article_ids is None:
            return dict(self._db.execute("SELECT article_id, group_id FROM copy_groups").fetchall())
        rows = self._db.execute(
            "SELECT article_id, group_id FROM copy_groups WHERE article_id = ANY(%s)",
            (list(article_ids),),
        )
        return dict(rows.fetchall())

    def put_copy_groups(self, groups: Mapping[str, str]) -> None:
        with self.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO copy_groups (article_id, group_id) VALUES (%s, %s) "
                "ON CONFLICT (article_id) DO UPDATE SET group_id = excluded.group_id",
                list(groups.items()),
            )

    def get_state(self, name: str) -> tuple[str, bytes] | None:
        row = self._db.execute(
            "SELECT key, data FROM stage_state WHERE name = %s", (name,)
        ).fetchone()
        return (row[0], bytes(row[1])) if row else None

    def put_state(self, name: str, key: str, data: bytes) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO stage_state (name, key, data) VALUES (%s, %s, %s) "
                "ON CONFLICT (name) DO UPDATE SET key = excluded.key, data = excluded.data",
                (name, key, data),
            )

    def changes(self) -> int:
        (count,) = self._db.execute("SELECT count FROM store_changes").fetchone()
        return count

    def event_article_ids(self, event_id: str) -> list[str]:
        return self._column("SELECT article_id FROM event_members WHERE event_id = %s", event_id)

    def get_event_members(self) -> dict[str, tuple[str, float]]:
        rows = self._db.execute("SELECT article_id, event_id, score FROM event_members")
        return {article_id: (event, score) for article_id, event, score in rows}

    def put_event_members(self, members: Mapping[str, tuple[str, float]]) -> None:
        now = now_text()
        with self.transaction(), self._db.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO event_members (article_id, event_id, score, joined_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (article_id) DO UPDATE SET "
                "event_id = excluded.event_id, score = excluded.score, "
                "joined_at = excluded.joined_at",
                [(article_id, event, score, now) for article_id, (event, score) in members.items()],
            )

    def merge_event(self, old_id: str, new_id: str) -> None:
        with self.transaction():
            self._db.execute(
                "UPDATE event_members SET event_id = %s WHERE event_id = %s", (new_id, old_id)
            )
            self._db.execute(
                "UPDATE event_redirects SET new_id = %s WHERE new_id = %s", (new_id, old_id)
            )
            self._db.execute(
                "INSERT INTO event_redirects (old_id, new_id, merged_at) VALUES (%s, %s, %s) "
                "ON CONFLICT (old_id) DO UPDATE SET new_id = excluded.new_id, "
                "merged_at = excluded.merged_at",
                (old_id, new_id, now_text()),
            )
            self._db.execute("DELETE FROM event_analyses WHERE event_id = %s", (old_id,))
            self._db.execute("DELETE FROM event_failures WHERE event_id = %s", (old_id,))

    def resolve_event(self, event_id: str) -> str | None:
        if not event_id:
            return None
        redirect = self._column("SELECT new_id FROM event_redirects WHERE old_id = %s", event_id)
        if redirect:
            return redirect[0]
        if self._column("SELECT 1 FROM event_members WHERE event_id = %s LIMIT 1", event_id):
            return event_id
        return self._id_starting_with("event", "event_members", "event_id", event_id)

    def _id_starting_with(self, kind: str, table: str, column: str, prefix: str) -> str | None:
        """The one id in `table.column` starting with `prefix`, or None; AmbiguousId, with
        how many and the first few, when several do."""
        where = f"FROM {table} WHERE {column} LIKE %s"
        pattern = prefix_pattern(prefix)
        ids = self._column(
            f"SELECT DISTINCT {column} {where} ORDER BY {column} LIMIT %s",
            pattern,
            AMBIGUOUS_SHOWN,
        )
        if len(ids) < 2:
            return ids[0] if ids else None
        (count,) = self._column(f"SELECT count(DISTINCT {column}) {where}", pattern)
        raise AmbiguousId(kind, prefix, count, ids)

    def get_storylines(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT event_id, storyline_id FROM storylines").fetchall())

    def replace_storylines(self, storylines: Mapping[str, str]) -> None:
        with self.transaction(), self._db.cursor() as cursor:
            cursor.execute("DELETE FROM storylines")
            cursor.executemany(
                "INSERT INTO storylines (event_id, storyline_id) VALUES (%s, %s)",
                list(storylines.items()),
            )

    # -- analysis -------------------------------------------------------------------------

    def get_analysis_keys(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT event_id, articles_key FROM event_analyses"))

    def get_analysis(self, event_id: str) -> dict[str, Any] | None:
        found = self._column("SELECT analysis FROM event_analyses WHERE event_id = %s", event_id)
        return json.loads(found[0]) if found else None

    def put_analysis(self, event_id: str, articles_key: str, analysis: Mapping[str, Any]) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO event_analyses (event_id, articles_key, analysis, analysed_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (event_id) DO UPDATE SET "
                "articles_key = excluded.articles_key, analysis = excluded.analysis, "
                "analysed_at = excluded.analysed_at",
                (event_id, articles_key, json.dumps(analysis), now_text()),
            )

    def delete_analyses(self, event_ids: Iterable[str]) -> None:
        with self.transaction():
            self._db.execute(
                "DELETE FROM event_analyses WHERE event_id = ANY(%s)", (list(event_ids),)
            )

    # -- failures -------------------------------------------------------------------------

    def put_failure(self, failure: EventFailure) -> None:
        with self.transaction():
            self._db.execute(
                "INSERT INTO event_failures (event_id, stage, reason, failed_at) "
                "VALUES (%s, %s, %s, %s) ON CONFLICT (event_id, stage) DO UPDATE SET "
                "reason = excluded.reason, failed_at = excluded.failed_at",
                (failure.event_id, failure.stage, failure.reason, time_text(failure.failed_at)),
            )

    def delete_failure(self, event_id: str, stage: FailedStage) -> None:
        with self.transaction():
            self._db.execute(
                "DELETE FROM event_failures WHERE event_id = %s AND stage = %s", (event_id, stage)
            )

    def list_failures(self) -> list[EventFailure]:
        rows = self._db.execute(
            "SELECT event_id, stage, reason, failed_at FROM event_failures "
            "ORDER BY failed_at DESC, event_id, stage"
        )
        return [
            EventFailure(event_id, stage, reason, datetime.fromisoformat(failed_at))
            for event_id, stage, reason, failed_at in rows
        ]

    # -- briefs ---------------------------------------------------------------------------

    def get_brief_keys(self) -> dict[str, str]:
        rows = self._db.execute(
            "SELECT DISTINCT ON (event_id) event_id, articles_key FROM briefs "
            "ORDER BY event_id, version DESC"
        )
        return dict(rows.fetchall())

    def get_brief(self, event_id: str, version: int | None = None) -> dict[str, Any] | None:
        found = self._column(
            "SELECT brief FROM briefs WHERE event_id = %s AND (%s::int IS NULL OR version = %s) "
            "ORDER BY version DESC LIMIT 1",
            event_id,
            version,
            version,
        )
        return json.loads(found[0]) if found else None

    def brief_versions(self, event_id: str) -> list[int]:
        return self._column(
            "SELECT version FROM briefs WHERE event_id = %s ORDER BY version", event_id
        )

    def put_brief(self, event_id: str, articles_key: str, brief: Mapping[str, Any]) -> int:
        with self.transaction():
            self._lock_for_transaction(f"brief {event_id}")
            (latest,) = self._column(
                "SELECT coalesce(max(version), 0) FROM briefs WHERE event_id = %s", event_id
            )
            version = latest + 1
            self._db.execute(
                "INSERT INTO briefs (event_id, version, articles_key, brief, written_at) "
                "VALUES (%s, %s, %s, %s, %s)",
                (
                    event_id,
                    version,
                    articles_key,
                    json.dumps({**brief, "version": version}),
                    now_text(),
                ),
            )
            self._db.execute("DELETE FROM brief_search WHERE event_id = %s", (event_id,))
            self._db.execute(INDEX_BRIEF, {"event_id": event_id, "version": version})
        return version

    def brief_history(self, event_id: str) -> list[dict[str, Any]]:
        documents = self._column(
            "SELECT brief FROM briefs WHERE event_id = %s ORDER BY version", event_id
        )
        return [json.loads(document) for document in documents]

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

    # -- plumbing -------------------------------------------------------------------------

    def _rows(self, query: str, values: Any = ()) -> list[dict[str, Any]]:
        with self._db.cursor(row_factory=dict_row) as cursor:
            return cursor.execute(query, values).fetchall()

    def _column(self, query: str, *values: Any) -> list[Any]:
        rows = self._db.execute(query, values).fetchall()
        return [row[0] for row in rows]

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
