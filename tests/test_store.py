"""The store, SQLite's and PostgreSQL's alike: idempotent writes, revisions, migrations,
transactions, search, locks. Every test taking `store` or `store_location` runs on both
(tests/conftest.py); those on one store's own mechanism say which."""

from __future__ import annotations

import itertools
import multiprocessing
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import STORES, new_store
from newsweave.errors import AmbiguousId, StoreError
from newsweave.model import Article, QualityFlag, Rejection, Source, article_id
from newsweave.store import holding, open_store
from newsweave.store.migrations import MIGRATIONS
from newsweave.store.postgres_schema import MIGRATIONS as POSTGRES_MIGRATIONS


def make_article(key: str = "https://a.example/1", text: str = "Body text.", **changes) -> Article:
    title = changes.pop("title", "A title")
    article = Article(
        article_id=article_id(key, title, text),
        key=key,
        source=Source("Harbour Herald", "harbourherald.example"),
        title=title,
        text=text,
        raw_text=text,
        url=key,
        published_at=datetime(2026, 3, 5, 9, 30, tzinfo=UTC),
        flags=(QualityFlag("truncated", "ends mid-sentence"),),
    )
    return replace(article, **changes)


@pytest.fixture
def store(store_location):
    with open_store(store_location) as store:
        yield store


def test_round_trip_keeps_every_field(store):
    article = make_article()
    outcome, stored = store.put_article(article)
    assert outcome == "ingested"
    assert stored == replace(article, revision=1)
    assert store.get_article(article.article_id[:6]) == stored


def test_same_article_twice_is_a_no_op(store):
    store.put_article(make_article())
    outcome, _ = store.put_article(make_article())
    assert outcome == "unchanged"
    assert store.count_articles() == 1
    assert len(list(store.iter_articles(all_revisions=True))) == 1


def test_changed_text_at_same_key_is_a_new_revision_and_keeps_the_old(store):
    first = make_article(text="First version.")
    second = make_article(text="Second version, corrected.")
    store.put_article(first)
    outcome, stored = store.put_article(second)
    assert outcome == "revised" and stored.revision == 2
    assert [a.text for a in store.revisions(first.key)] == ["First version.", stored.text]
    assert [a.article_id for a in store.iter_articles()] == [second.article_id]
    assert store.get_article(first.article_id).text == "First version."


def test_source_fields_are_filled_in_not_overwritten(store):
    store.put_source(Source("Harbour Herald", family="Meridian Media Group", country="XA"))
    store.put_article(make_article())
    source = store.get_source("Harbour Herald")
    assert source == Source(
        "Harbour Herald", "harbourherald.example", "Meridian Media Group", "XA", None
    )
    assert store.get_article(make_article().article_id).source.family == "Meridian Media Group"


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError), store.transaction():
        store.put_article(make_article())
        raise RuntimeError("crash in the middle of a batch")
    assert store.count_articles() == 0


def test_the_sqlite_schema_is_versioned(tmp_path):
    path = tmp_path / "store.db"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer than this newsweave knows"):
        open_store(path)


def test_rejections_are_kept(store):
    store.add_rejection(Rejection("feed.xml", "bad-feed", "feed.xml: malformed feed"))
    assert store.list_rejections() == [
        Rejection("feed.xml", "bad-feed", "feed.xml: malformed feed")
    ]


def test_followed_feeds_are_kept_with_how_their_polls_went(store):
    added = datetime(2026, 3, 3, 9, tzinfo=UTC)
    assert store.add_feed("https://a.example/feed.xml", added)
    assert store.add_feed("https://b.example/rss", added.replace(hour=10))
    assert not store.add_feed("https://a.example/feed.xml", added)  # followed once
    first, second = store.list_feeds()
    assert (first.url, first.added_at, first.failures) == ("https://a.example/feed.xml", added, 0)
    failed = added.replace(hour=11)
    failing = replace(
        second,
        failures=2,
        last_error="HTTP 503",
        last_failed_at=failed,
        next_poll_at=failed.replace(hour=13),
    )
    store.put_feed(failing)
    assert store.list_feeds()[1] == failing
    read = replace(
        first,
        last_fetched_at=failed,
        last_new_at=failed,
        items=12,
        outlet="Harbour Herald",
    )
    store.put_feed(read)
    assert store.list_feeds() == [read, failing]
    assert store.remove_feed("https://a.example/feed.xml")
    assert not store.remove_feed("https://a.example/feed.xml")
    assert [feed.url for feed in store.list_feeds()] == ["https://b.example/rss"]


@pytest.mark.slow
def test_the_postgresql_schema_is_versioned(request):
    location = new_store("postgresql", Path("unused"), request)
    with open_store(location) as store:
        assert store._column("SELECT version FROM schema_version") == [len(POSTGRES_MIGRATIONS)]
        store._db.execute("UPDATE schema_version SET version = version + 1")
    with pytest.raises(StoreError, match="newer than this newsweave knows"):
        open_store(location)


def test_an_unreachable_server_is_a_clear_error_without_the_password(tmp_path):
    url = f"postgresql://someone:secret@/newsweave?host={tmp_path}&connect_timeout=2"
    with pytest.raises(StoreError, match="cannot connect to the store") as raised:
        open_store(url)
    assert "secret" not in str(raised.value)


def test_an_unopenable_path_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(tmp_path / "file" / "store.db")


_EXAMPLES = itertools.count()


# Each example stores its own article (a key and a word of its own) in the one store.
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.sampled_from(["one", "two", "three"]), min_size=1, max_size=12))
def test_any_sequence_of_puts_keeps_one_current_revision_per_key(store, texts):
    n = next(_EXAMPLES)
    key, marker = f"https://a.example/{n}", f"marker{n}"
    for text in texts:
        store.put_article(make_article(key, text=f"{text} {marker}"))
    current = [article for article in store.iter_articles() if article.key == key]
    assert len(current) == 1 and current[0].text == f"{texts[-1]} {marker}"
    revisions = store.revisions(key)
    assert len(revisions) == len(set(texts))
    assert [r.revision for r in revisions] == list(range(1, len(revisions) + 1))
    for word in ("one", "two", "three"):  # the search index holds the current text only
        assert store.search(f"{word} {marker} ", kind="articles")[0] == (word == texts[-1])


def test_vectors_round_trip_per_model(store):
    first = make_article()
    store.put_article(first)
    vector = np.arange(4, dtype=np.float32) / 7
    store.put_vectors("minilm", {first.article_id: vector})
    assert np.array_equal(store.get_vectors("minilm")[first.article_id], vector)
    assert store.get_vectors("static") == {}


def test_a_stage_state_is_kept_under_its_name_and_replaced_whole(store):
    assert store.get_state("clusterer") is None
    store.put_state("clusterer", "key 1", b"\x00state one")
    store.put_state("copy index", "key 2", b"")
    store.put_state("clusterer", "key 3", b"state two")
    assert store.get_state("clusterer") == ("key 3", b"state two")
    assert store.get_state("copy index") == ("key 2", b"")


def test_a_merged_event_redirects_and_chained_merges_resolve_to_the_last(store):
    articles = [make_article(f"https://a.example/{n}", f"Text {n}.") for n in range(3)]
    for article in articles:
        store.put_article(article)
    store.put_event_members(
        {
            articles[0].article_id: ("ev_old", 0.0),
            articles[1].article_id: ("ev_middle", 0.0),
            articles[2].article_id: ("ev_new", 0.0),
        }
    )
    store.merge_event("ev_old", "ev_middle")
    store.merge_event("ev_middle", "ev_new")
    assert {event for event, _ in store.get_event_members().values()} == {"ev_new"}
    assert store.resolve_event("ev_old") == "ev_new"
    assert store.resolve_event("ev_middle") == "ev_new"
    assert store.resolve_event("ev_n") == "ev_new"  # a unique prefix
    assert store.resolve_event("ev_nothing") is None


def _open_and_close(path: str) -> None:
    open_store(path).close()


@pytest.mark.parametrize("kind", STORES)
def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path, request, kind):
    """`serve` and `watch` started together on a new (or upgraded) store both open it."""
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        location = new_store(kind, tmp_path / str(trial), request)
        with context.Pool(4) as pool:
            pool.map(_open_and_close, [location] * 4, chunksize=1)
        with open_store(location) as store:
            assert store.count_articles() == 0
            store.put_article(make_article())
            assert store.changes() == 1  # the migrations are no change; the article is one
        if kind == "sqlite":
            version = sqlite3.connect(location).execute("PRAGMA user_version").fetchone()[0]
            assert version == len(MIGRATIONS)


def test_the_change_counter_counts_each_committed_transaction_once(store):
    before = store.changes()
    with store.transaction():
        store.put_article(make_article())
        store.put_source(Source("Quay Post"))
    assert store.changes() == before + 1
    with pytest.raises(RuntimeError), store.transaction():
        store.put_source(Source("Never Stored"))
        raise RuntimeError("rolled back")
    assert store.changes() == before + 1
    store.add_rejection(Rejection("feed.xml", "bad-feed", "malformed"))
    assert store.changes() == before + 2


def test_briefs_are_versioned_and_searchable_by_their_prose(store):
    def brief(headline: str, text: str) -> dict:
        sentence = {"frame": "Officials said ", "text": text}
        return {"headline": headline, "sections": [{"kind": "body", "paragraphs": [[sentence]]}]}

    assert store.put_brief("ev_1", "key 1", brief("Crane falls", "a crane fell.")) == 1
    assert store.put_brief("ev_1", "key 2", brief("Crane inquiry", "inspectors met.")) == 2
    assert store.brief_versions("ev_1") == [1, 2]
    assert store.get_brief("ev_1", 1)["headline"] == "Crane falls"
    assert store.get_brief("ev_1")["version"] == 2
    assert store.get_brief_keys() == {"ev_1": "key 2"}
    assert [b["version"] for b in store.brief_history("ev_1")] == [1, 2]
    total, hits = store.search("inspect", kind="briefs")  # the latest version, by a prefix
    assert total == 1 and hits[0].id == "ev_1" and hits[0].title == "Crane inquiry"
    assert "\x02" in hits[0].snippet and "Officials said" in hits[0].snippet
    assert store.search("fell", kind="briefs") == (0, [])  # an earlier version is not searched


def test_search_reads_any_query_as_words(store):
    store.put_article(make_article(text="The harbour fire closed the north quay."))
    for query in ('"', "AND OR NOT", "harb*) (", "'; DROP TABLE articles; --", "¿?", ""):
        total, hits = store.search(query, kind="articles")
        assert total == len(hits)
    assert store.search("harbour quay", kind="articles")[0] == 1
    assert store.search("harb", kind="articles")[0] == 1  # the last word as a prefix
    assert store.search("harb ", kind="articles")[0] == 0  # not when a space ends the query


def test_an_ambiguous_prefix_names_how_many_match(store):
    articles = [make_article(f"https://a.example/{n}", f"Text {n}.") for n in range(3)]
    for article in articles:
        store.put_article(article)
    store.put_event_members({a.article_id: (f"ev_a{n}", 0.5) for n, a in enumerate(articles)})
    with pytest.raises(AmbiguousId) as raised:
        store.resolve_event("ev_a")
    assert raised.value.count == 3 and raised.value.candidates == ["ev_a0", "ev_a1", "ev_a2"]
    assert store.resolve_event("ev_a1") == "ev_a1"
    assert store.get_article("no such id") is None


def test_a_claimed_lock_is_held_until_its_block_ends(store_location):
    with open_store(store_location) as one, open_store(store_location) as other:
        with one.claim(["event a", "event b"]) as held:
            assert held == {"event a", "event b"}
            with other.claim(["event b", "event c"]) as also:
                assert also == {"event c"}
        with other.claim(["event a"]) as held, holding(one, "stories"):
            assert held == {"event a"}
