"""The SQLite store: idempotent writes, revisions, migrations, transactions."""

from __future__ import annotations

import multiprocessing
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsweave.errors import StoreError
from newsweave.model import Article, QualityFlag, Rejection, Source, article_id
from newsweave.store import open_store
from newsweave.store.migrations import MIGRATIONS


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
def store(tmp_path):
    with open_store(tmp_path / "store.db") as store:
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


def test_schema_is_versioned(tmp_path):
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


def test_an_unopenable_path_is_a_clear_error(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(StoreError, match="cannot open the store"):
        open_store(tmp_path / "file" / "store.db")


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(["one", "two", "three"]), min_size=1, max_size=12))
def test_any_sequence_of_puts_keeps_one_current_revision_per_key(tmp_path_factory, texts):
    path = tmp_path_factory.mktemp("prop") / "store.db"
    with open_store(path) as store:
        for text in texts:
            store.put_article(make_article(text=text))
        current = list(store.iter_articles())
        assert len(current) == 1 and current[0].text == texts[-1]
        revisions = store.revisions(current[0].key)
        assert len(revisions) == len(set(texts))
        assert [r.revision for r in revisions] == list(range(1, len(revisions) + 1))
        for word in ("one", "two", "three"):  # the search index holds the current text only
            assert store.search(word, kind="articles")[0] == (word == texts[-1])


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


def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path):
    """`serve` and `watch` started together on a new (or upgraded) store both open it."""
    context = multiprocessing.get_context("fork")
    for trial in range(10):
        path = str(tmp_path / f"store-{trial}.db")
        with context.Pool(4) as pool:
            pool.map(_open_and_close, [path] * 4, chunksize=1)
        with open_store(path) as store:
            assert store.count_articles() == 0
        version = sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0]
        assert version == len(MIGRATIONS)
