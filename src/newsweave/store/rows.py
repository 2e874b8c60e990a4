"""What the SQL stores share: write transactions, articles to and from table rows, and a
user's search words.

The SQLite and PostgreSQL stores keep the same tables with the same columns (timestamps as ISO
text in UTC, quality flags as JSON), so one set of conversions serves both and an article reads
back the same from either.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from newsweave.model import Article, QualityFlag, Source
from newsweave.store.base import StoredFeed


class Transactions:
    """The write transactions of a SQL store over one connection (`_db`): one at a time per
    store object, a nested `transaction()` joining the open one (a method that writes inside
    a caller's transaction), each counting one change just before it commits."""

    _db: Any  # the connection: sqlite3's or psycopg's

    def _start_transactions(self) -> None:
        self._lock = threading.RLock()
        self._depth = 0
        self._counts_changes = False  # not while migrating: the counter is not there yet

    def _begin(self) -> None:
        self._db.execute("BEGIN")

    def _end(self, commit: bool) -> None:
        self._db.execute("COMMIT" if commit else "ROLLBACK")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._begin()
            self._depth = 1
            try:
                yield
            except BaseException:
                self._end(commit=False)
                raise
            else:
                if self._counts_changes:
                    self._db.execute("UPDATE store_changes SET count = count + 1")
                self._end(commit=True)
            finally:
                self._depth = 0


AMBIGUOUS_SHOWN = 5  # the ids an ambiguous prefix's error lists

# An article row with its outlet's fields, as `article_from_row` reads it.
ARTICLE_SELECT = """SELECT a.*, s.domain AS source_domain, s.family AS source_family,
    s.country AS source_country, s.language AS source_language
    FROM articles a JOIN sources s ON s.name = a.source_name"""


# The `feeds` columns a poll updates, in the order of `feed_values` (the url comes last).
FEED_POLL_COLUMNS = (
    "last_fetched_at",
    "failures",
    "last_error",
    "last_failed_at",
    "next_poll_at",
    "last_new_at",
    "items",
    "outlet",
)
FEED_COLUMNS = ("url", "added_at", *FEED_POLL_COLUMNS)


def feed_values(feed: StoredFeed) -> tuple[Any, ...]:
    """How a poll went, as the values of FEED_POLL_COLUMNS followed by the feed's url."""
    return (
        time_text(feed.last_fetched_at),
        feed.failures,
        feed.last_error,
        time_text(feed.last_failed_at),
        time_text(feed.next_poll_at),
        time_text(feed.last_new_at),
        feed.items,
        feed.outlet,
        feed.url,
    )


def feed_from_row(row: Sequence[Any]) -> StoredFeed:
    """A followed feed from the values of FEED_COLUMNS."""
    url, added_at, fetched, failures, error, failed, next_poll, new, items, outlet = row
    return StoredFeed(
        url=url,
        added_at=datetime.fromisoformat(added_at),
        last_fetched_at=parse_time(fetched),
        failures=failures,
        last_error=error,
        last_failed_at=parse_time(failed),
        next_poll_at=parse_time(next_poll),
        last_new_at=parse_time(new),
        items=items,
        outlet=outlet,
    )


def time_text(value: datetime | None) -> str | None:
    """A timestamp as stored: ISO text in UTC, which sorts as the times do."""
    return value.astimezone(UTC).isoformat() if value else None


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def now_text() -> str:
    return datetime.now(UTC).isoformat()


def article_values(article: Article, revision: int) -> tuple[Any, ...]:
    """The columns of a new `articles` row, in the order of ARTICLE_COLUMNS."""
    return (
        article.article_id,
        article.key,
        revision,
        article.source.name,
        article.title,
        article.text,
        article.raw_text,
        article.url,
        article.canonical_url,
        article.author,
        time_text(article.published_at),
        time_text(article.fetched_at),
        article.language,
        json.dumps([_flag_dict(flag) for flag in article.flags]),
        now_text(),
    )


# The columns `article_values` gives, is_current (set apart) left out.
ARTICLE_COLUMNS = (
    "article_id, key, revision, source_name, title, text, raw_text, url, canonical_url, "
    "author, published_at, fetched_at, language, flags, stored_at"
)


def _flag_dict(flag: QualityFlag) -> dict[str, Any]:
    return {"kind": flag.kind, "detail": flag.detail, "span": flag.span, "repair": flag.repair}


def source_from_row(row: Mapping[str, Any]) -> Source:
    return Source(row["name"], row["domain"], row["family"], row["country"], row["language"])


def article_from_row(row: Mapping[str, Any]) -> Article:
    """The article of an ARTICLE_SELECT row."""
    flags = tuple(
        QualityFlag(
            kind=item["kind"],
            detail=item["detail"],
            span=tuple(item["span"]) if item["span"] else None,
            repair=item["repair"],
        )
        for item in json.loads(row["flags"])
    )
    source = Source(
        row["source_name"],
        row["source_domain"],
        row["source_family"],
        row["source_country"],
        row["source_language"],
    )
    return Article(
        article_id=row["article_id"],
        key=row["key"],
        source=source,
        title=row["title"],
        text=row["text"],
        raw_text=row["raw_text"],
        url=row["url"],
        canonical_url=row["canonical_url"],
        author=row["author"],
        published_at=parse_time(row["published_at"]),
        fetched_at=parse_time(row["fetched_at"]),
        language=row["language"],
        flags=flags,
        revision=row["revision"],
    )


def prefix_pattern(prefix: str) -> str:
    """A LIKE pattern (escape character `\\`) matching ids that start with `prefix`, taken
    literally."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def search_words(query: str) -> tuple[list[str], bool]:
    """A user's search words (all required), and whether the last one also matches as a
    prefix ("harb" finds "harbour"): it does unless the query ends with a space."""
    words = [word.replace('"', "") for word in query.split()]
    return [word for word in words if word], not query.endswith(" ")
