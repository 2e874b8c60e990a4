"""The store's schema, as numbered migrations.

Each migration is a small function that moves the schema one version forward; the store runs the
ones a file has not seen yet, each in its own transaction, and records the version in SQLite's
`user_version`. A migration, once released, never changes: a new need is a new migration.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


def create_articles(db: sqlite3.Connection) -> None:
    db.execute(
        """CREATE TABLE sources (
             name TEXT PRIMARY KEY,
             domain TEXT,
             family TEXT,
             country TEXT,
             language TEXT)"""
    )
    db.execute(
        """CREATE TABLE articles (
             article_id TEXT PRIMARY KEY,
             key TEXT NOT NULL,
             revision INTEGER NOT NULL,
             is_current INTEGER NOT NULL,
             source_name TEXT NOT NULL REFERENCES sources (name),
             title TEXT NOT NULL,
             text TEXT NOT NULL,
             raw_text TEXT NOT NULL,
             url TEXT,
             canonical_url TEXT,
             author TEXT,
             published_at TEXT,
             fetched_at TEXT,
             language TEXT,
             flags TEXT NOT NULL,
             stored_at TEXT NOT NULL,
             UNIQUE (key, revision))"""
    )
    db.execute("CREATE INDEX articles_current ON articles (is_current, published_at)")
    db.execute(
        """CREATE TABLE rejections (
             input TEXT NOT NULL,
             reason TEXT NOT NULL,
             message TEXT NOT NULL,
             rejected_at TEXT NOT NULL)"""
    )


def create_stories(db: sqlite3.Connection) -> None:
    """What the stories stage derives from articles: vectors, copy groups, events, storylines."""
    db.execute(
        """CREATE TABLE embeddings (
             article_id TEXT NOT NULL REFERENCES articles (article_id),
             model TEXT NOT NULL,
             vector BLOB NOT NULL,
             PRIMARY KEY (model, article_id))"""
    )
    db.execute(
        """CREATE TABLE copy_groups (
             article_id TEXT PRIMARY KEY REFERENCES articles (article_id),
             group_id TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE event_members (
             article_id TEXT PRIMARY KEY REFERENCES articles (article_id),
             event_id TEXT NOT NULL,
             score REAL NOT NULL,
             joined_at TEXT NOT NULL)"""
    )
    db.execute("CREATE INDEX event_members_event ON event_members (event_id)")
    db.execute(
        """CREATE TABLE event_redirects (
             old_id TEXT PRIMARY KEY,
             new_id TEXT NOT NULL,
             merged_at TEXT NOT NULL)"""
    )
    db.execute(
        """CREATE TABLE storylines (
             event_id TEXT PRIMARY KEY,
             storyline_id TEXT NOT NULL)"""
    )


def create_analyses(db: sqlite3.Connection) -> None:
    """What the analysis stage derives from each event: claims, disagreements, quotes and
    statements, as one JSON document per event (the analysis package reads and writes it; the
    store keeps it whole). `articles_key` is a hash of the event's article ids and copy groups
    when it was analysed, so an event whose articles have not changed is not analysed again."""
    db.execute(
        """CREATE TABLE event_analyses (
             event_id TEXT PRIMARY KEY,
             articles_key TEXT NOT NULL,
             analysis TEXT NOT NULL,
             analysed_at TEXT NOT NULL)"""
    )


def create_briefs(db: sqlite3.Connection) -> None:
    """Every version of every event's brief, as one JSON document each (the briefs package
    reads and writes it). Versions are numbered from 1 per event and never rewritten; the
    `articles_key` is the one of the analysis the version was written from, so a brief is
    written again only when its event's articles changed."""
    db.execute(
        """CREATE TABLE briefs (
             event_id TEXT NOT NULL,
             version INTEGER NOT NULL,
             articles_key TEXT NOT NULL,
             brief TEXT NOT NULL,
             written_at TEXT NOT NULL,
             PRIMARY KEY (event_id, version))"""
    )


# The searchable words of each brief: its headline and its sentences' prose (a brief document
# is sections of paragraphs of sentences, each with the `frame` newsweave puts before the
# sources' `text`; see briefs.model). Selects (event_id, headline, prose) from `briefs` rows.
BRIEF_SEARCH_ROWS = """
    SELECT b.event_id, json_extract(b.brief, '$.headline'),
           group_concat(json_extract(s.value, '$.frame') || json_extract(s.value, '$.text'), ' ')
    FROM briefs b, json_each(b.brief, '$.sections') AS section,
         json_each(section.value, '$.paragraphs') AS paragraph, json_each(paragraph.value) AS s"""


def create_search(db: sqlite3.Connection) -> None:
    """Full-text indexes (FTS5) over the current revision of every article and the latest
    version of every brief; the store keeps them in step as it writes both."""
    db.execute(
        "CREATE VIRTUAL TABLE article_search USING fts5("
        "article_id UNINDEXED, title, text, tokenize = 'porter unicode61')"
    )
    db.execute(
        "CREATE VIRTUAL TABLE brief_search USING fts5("
        "event_id UNINDEXED, headline, prose, tokenize = 'porter unicode61')"
    )
    db.execute(
        "INSERT INTO article_search (article_id, title, text) "
        "SELECT article_id, title, text FROM articles WHERE is_current = 1"
    )
    db.execute(
        f"""INSERT INTO brief_search (event_id, headline, prose) {BRIEF_SEARCH_ROWS}
            WHERE b.version = (SELECT max(version) FROM briefs WHERE event_id = b.event_id)
            GROUP BY b.event_id"""
    )


def index_articles_by_source(db: sqlite3.Connection) -> None:
    """An outlet's articles, newest first, for its page."""
    db.execute("CREATE INDEX articles_source ON articles (source_name, is_current, published_at)")


def create_change_counter(db: sqlite3.Connection) -> None:
    """One number that every committed write transaction increments, so a reader (the web
    server) can tell whether anything changed since it last looked."""
    db.execute(
        "CREATE TABLE store_changes (id INTEGER PRIMARY KEY CHECK (id = 1), count INTEGER NOT NULL)"
    )
    db.execute("INSERT INTO store_changes (id, count) VALUES (1, 0)")


def create_stage_state(db: sqlite3.Connection) -> None:
    """What a stage keeps between runs so that it need not rebuild it from every article (the
    clusterer's state, the copy index), with the key of what it was built from."""
    db.execute(
        """CREATE TABLE stage_state (
             name TEXT PRIMARY KEY,
             key TEXT NOT NULL,
             data BLOB NOT NULL)"""
    )


def index_rejections_by_input(db: sqlite3.Connection) -> None:
    """An input's earlier rejections, which a new one for the same reason replaces."""
    db.execute("CREATE INDEX rejections_input ON rejections (input, reason)")


def create_event_failures(db: sqlite3.Connection) -> None:
    """Why a stage could not finish an event (its analysis or its brief), one row per event and
    stage: shown with the event until a later run, which tries it again, gets through."""
    db.execute(
        """CREATE TABLE event_failures (
             event_id TEXT NOT NULL,
             stage TEXT NOT NULL,
             reason TEXT NOT NULL,
             failed_at TEXT NOT NULL,
             PRIMARY KEY (event_id, stage))"""
    )


def create_feeds(db: sqlite3.Connection) -> None:
    """The feeds a user follows (`newsweave feeds`), which `watch` polls, and how that went."""
    db.execute(
        """CREATE TABLE feeds (
             url TEXT PRIMARY KEY,
             added_at TEXT NOT NULL,
             last_fetched_at TEXT,
             failures INTEGER NOT NULL DEFAULT 0,
             last_error TEXT,
             last_failed_at TEXT)"""
    )


def add_feed_backoff(db: sqlite3.Connection) -> None:
    """What `watch` needs to back off a failing feed and what `feeds list` and the outlets page
    show of a feed: when it is next polled, when it last brought something new, how many new
    articles it brought, and the outlet they are stored under."""
    for column in FEED_BACKOFF_COLUMNS:
        db.execute(f"ALTER TABLE feeds ADD COLUMN {column}")


FEED_BACKOFF_COLUMNS = (
    "next_poll_at TEXT",
    "last_new_at TEXT",
    "items INTEGER NOT NULL DEFAULT 0",
    "outlet TEXT",
)

MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    create_articles,
    create_stories,
    create_analyses,
    create_briefs,
    create_search,
    index_articles_by_source,
    create_change_counter,
    create_stage_state,
    index_rejections_by_input,
    create_event_failures,
    create_feeds,
    add_feed_backoff,
]
