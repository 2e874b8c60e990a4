"""The PostgreSQL store's schema, as numbered migrations, and its full-text search.

The tables and columns are the SQLite store's (`store/migrations.py`), so both read and write
rows alike (`store/rows.py`); what differs is PostgreSQL's own: full-text search is a `tsvector`
column (English stemming, title weighted above text) with a GIN index, where SQLite has FTS5
tables; text that is sorted or compared (ids, names, ISO timestamps) has the "C" collation, so
it sorts by code point as in SQLite, whatever the server's locale. The schema's version is a
row of `schema_version`; the store runs the migrations a database has not seen, under an
advisory lock, so workers starting together migrate once.

The first migration is the whole schema of the SQLite store's ten: PostgreSQL had no released
schema before it. A migration, once released, never changes: a new need is a new migration,
here and in `store/migrations.py` alike.

Vectors are stored as float32 bytes (`bytea`), as in SQLite, and clustered in process: Debian 12
packages no pgvector for its PostgreSQL, and the stories stage's online clustering reads every
vector of the run's window in order, a scan an index would not shorten.
"""

from __future__ import annotations

import re

from psycopg import Connection

# Articles longer than this are searched by their first this many characters: a tsvector holds
# at most 1 MB, which an article of a few hundred thousand words would pass.
SEARCHED_CHARACTERS = 200_000

SCHEMA_1 = f"""
CREATE TABLE sources (
  name TEXT COLLATE "C" PRIMARY KEY,
  domain TEXT, family TEXT, country TEXT, language TEXT);
CREATE TABLE articles (
  article_id TEXT COLLATE "C" PRIMARY KEY,
  key TEXT COLLATE "C" NOT NULL,
  revision INTEGER NOT NULL,
  is_current BOOLEAN NOT NULL,
  source_name TEXT COLLATE "C" NOT NULL REFERENCES sources (name),
  title TEXT NOT NULL,
  text TEXT NOT NULL,
  raw_text TEXT NOT NULL,
  url TEXT, canonical_url TEXT, author TEXT,
  published_at TEXT COLLATE "C",
  fetched_at TEXT COLLATE "C",
  language TEXT,
  flags TEXT NOT NULL,
  stored_at TEXT COLLATE "C" NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', left(text, {SEARCHED_CHARACTERS})), 'B')) STORED,
  UNIQUE (key, revision));
CREATE INDEX articles_current ON articles (is_current, published_at);
CREATE INDEX articles_source ON articles (source_name, is_current, published_at);
CREATE INDEX articles_search ON articles USING gin (search) WHERE is_current;
CREATE TABLE rejections (
  id BIGSERIAL PRIMARY KEY,
  input TEXT NOT NULL, reason TEXT NOT NULL, message TEXT NOT NULL,
  rejected_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX rejections_input ON rejections (input, reason);
CREATE TABLE embeddings (
  article_id TEXT COLLATE "C" NOT NULL REFERENCES articles (article_id),
  model TEXT NOT NULL,
  vector BYTEA NOT NULL,
  PRIMARY KEY (model, article_id));
CREATE TABLE copy_groups (
  article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (article_id),
  group_id TEXT COLLATE "C" NOT NULL);
CREATE TABLE event_members (
  article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles (article_id),
  event_id TEXT COLLATE "C" NOT NULL,
  score DOUBLE PRECISION NOT NULL,
  joined_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX event_members_event ON event_members (event_id);
CREATE TABLE event_redirects (
  old_id TEXT COLLATE "C" PRIMARY KEY,
  new_id TEXT COLLATE "C" NOT NULL,
  merged_at TEXT COLLATE "C" NOT NULL);
CREATE TABLE storylines (
  event_id TEXT COLLATE "C" PRIMARY KEY,
  storyline_id TEXT COLLATE "C" NOT NULL);
CREATE TABLE event_analyses (
  event_id TEXT COLLATE "C" PRIMARY KEY,
  articles_key TEXT NOT NULL,
  analysis TEXT NOT NULL,
  analysed_at TEXT COLLATE "C" NOT NULL);
CREATE TABLE briefs (
  event_id TEXT COLLATE "C" NOT NULL,
  version INTEGER NOT NULL,
  articles_key TEXT NOT NULL,
  brief TEXT NOT NULL,
  written_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (event_id, version));
CREATE TABLE brief_search (
  event_id TEXT COLLATE "C" PRIMARY KEY,
  headline TEXT NOT NULL,
  prose TEXT NOT NULL,
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', headline), 'A')
    || setweight(to_tsvector('english', left(prose, {SEARCHED_CHARACTERS})), 'B')) STORED);
CREATE INDEX brief_search_search ON brief_search USING gin (search);
CREATE TABLE store_changes (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  count BIGINT NOT NULL);
INSERT INTO store_changes (id, count) VALUES (1, 0);
CREATE TABLE stage_state (
  name TEXT COLLATE "C" PRIMARY KEY,
  key TEXT NOT NULL,
  data BYTEA NOT NULL);
CREATE TABLE event_failures (
  event_id TEXT COLLATE "C" NOT NULL,
  stage TEXT COLLATE "C" NOT NULL,
  reason TEXT NOT NULL,
  failed_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (event_id, stage));
"""

# The feeds a user follows (`newsweave feeds`), which `watch` polls, and how that went.
FEEDS = """
CREATE TABLE feeds (
  id BIGSERIAL,
  url TEXT COLLATE "C" PRIMARY KEY,
  added_at TEXT COLLATE "C" NOT NULL,
  last_fetched_at TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  last_failed_at TEXT);
"""

# What `watch` needs to back off a failing feed, and what `feeds list` and the outlets page
# show of a feed: when it is next polled, when it last brought something new, how many new
# articles it brought, and the outlet they are stored under.
FEED_BACKOFF = """
ALTER TABLE feeds ADD COLUMN next_poll_at TEXT;
ALTER TABLE feeds ADD COLUMN last_new_at TEXT;
ALTER TABLE feeds ADD COLUMN items INTEGER NOT NULL DEFAULT 0;
ALTER TABLE feeds ADD COLUMN outlet TEXT;
"""

MIGRATIONS: list[str] = [SCHEMA_1, FEEDS, FEED_BACKOFF]

# The searchable words of one version of a brief (%(event_id)s, %(version)s): its headline and
# its sentences' prose in order, as the SQLite store's BRIEF_SEARCH_ROWS makes them.
INDEX_BRIEF = """
INSERT INTO brief_search (event_id, headline, prose)
SELECT b.event_id, b.brief::jsonb ->> 'headline',
       string_agg((s.value ->> 'frame') || (s.value ->> 'text'), ' '
                  ORDER BY section.n, paragraph.n, s.n)
FROM briefs b,
     jsonb_array_elements(b.brief::jsonb -> 'sections') WITH ORDINALITY AS section (value, n),
     jsonb_array_elements(section.value -> 'paragraphs') WITH ORDINALITY AS paragraph (value, n),
     jsonb_array_elements(paragraph.value) WITH ORDINALITY AS s (value, n)
WHERE b.event_id = %(event_id)s AND b.version = %(version)s
GROUP BY b.event_id, b.brief
"""

# The search of articles or briefs: (id, title, snippet) of one page of matches, best first.
SEARCH = {
    "articles": """SELECT article_id, title, ts_headline('english', text, q, %(options)s)
        FROM articles, to_tsquery('english', %(query)s) AS q
        WHERE is_current AND search @@ q
        ORDER BY ts_rank(search, q) DESC, article_id LIMIT %(limit)s OFFSET %(offset)s""",
    "briefs": """SELECT event_id, headline, ts_headline('english', prose, q, %(options)s)
        FROM brief_search, to_tsquery('english', %(query)s) AS q
        WHERE search @@ q
        ORDER BY ts_rank(search, q) DESC, event_id LIMIT %(limit)s OFFSET %(offset)s""",
}
COUNT = {
    "articles": """SELECT count(*) FROM articles, to_tsquery('english', %(query)s) AS q
        WHERE is_current AND search @@ q""",
    "briefs": """SELECT count(*) FROM brief_search, to_tsquery('english', %(query)s) AS q
        WHERE search @@ q""",
}


def tsquery(words: list[str], prefix: bool) -> str:
    """A user's words as a tsquery that cannot be malformed: each run of letters and digits
    quoted (so the query language's operators are read as text), all of them required, the
    last also as a prefix when `prefix`."""
    tokens = [token for word in words for token in re.findall(r"\w+", word)]
    if not tokens:
        return ""
    quoted = [f"'{token}'" for token in tokens]
    if prefix:
        quoted[-1] += ":*"
    return " & ".join(quoted)


def migrate(db: Connection, version: int) -> int:
    """Run the migrations after `version` in the open transaction of `db`; the new version."""
    for script in MIGRATIONS[version:]:
        db.execute(script)  # a constant, several statements
        version += 1
    return version
