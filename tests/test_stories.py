"""The stories stage on the sample corpus, against its gold events, copies and storylines."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter

import pytest

from conftest import GOLD, SAMPLE
from newsweave.errors import WorkerLost
from newsweave.evaluate.clustering import bcubed
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories import list_events, list_storylines
from newsweave.stories.stage import CLUSTERER_STATE, COPY_STATE, STORYLINE_STATE, build_stories

pytestmark = pytest.mark.slow  # every test clusters, with MiniLM or the static word embedder

# Independent sources per gold event, counted by hand: wire copies count once, and so do
# outlets of one publisher family reporting together.
GOLD_INDEPENDENT = {
    "E01": 4, "E02": 5, "E03": 6, "E04": 3, "E05": 3, "E06": 2,
    "E07": 4, "E08": 3, "E09": 2, "E10": 3, "E11": 3, "E12": 1,
}  # fmt: skip


def gold_event(article) -> str:
    return GOLD["articles"][article.url or article.canonical_url]["event"]


@pytest.fixture(scope="module")
def built(tmp_path_factory, sample_stories):
    path = sample_stories.copy_to(tmp_path_factory.mktemp("stories"))
    settings = Settings(db=path)
    with open_store(path) as store:
        articles = {article.article_id: article for article in store.iter_articles()}
        yield store, settings, sample_stories.report, list_events(store), articles


def test_events_match_the_gold_events(built):
    _, _, report, events, articles = built
    found, gold = [], []
    for event in events:
        for article_id in event.article_ids:
            found.append(event.event_id)
            gold.append(gold_event(articles[article_id]))
    assert report.articles == len(articles) == len(found)
    precision, recall, f1 = bcubed(found, gold)
    assert precision >= 0.95 and f1 >= 0.9, (precision, recall, f1)


def test_confusable_events_are_never_one_event(built):
    _, _, _, events, articles = built
    for event in events:
        golds = {gold_event(articles[article_id]) for article_id in event.article_ids}
        for confusable in GOLD["confusable_events"]:
            assert len(golds & set(confusable)) <= 1, (event.title, golds)


def test_wire_copies_share_an_event_and_count_once(built):
    store, _, _, events, articles = built
    by_url = {a.url or a.canonical_url: a.article_id for a in articles.values()}
    groups = store.get_copy_groups()
    for wire in GOLD["wire_copies"]:
        ids = [by_url[url] for url in wire["articles"]]
        assert len({groups[i] for i in ids}) == 1, wire["agency"]
        (event,) = [e for e in events if set(ids) <= set(e.article_ids)]
        assert event.independent_sources < len(event.outlets)


def test_events_found_whole_have_the_gold_independent_source_counts(built):
    _, _, _, events, articles = built
    gold_sizes = Counter(entry["event"] for entry in GOLD["articles"].values())
    checked = 0
    for event in events:
        golds = {gold_event(articles[article_id]) for article_id in event.article_ids}
        if len(golds) == 1 and gold_sizes[next(iter(golds))] == len(event.article_ids):
            assert event.independent_sources == GOLD_INDEPENDENT[golds.pop()], event.title
            checked += 1
    assert checked >= 8


def test_storylines_link_the_gold_storylines_and_nothing_else(built):
    store, _, _, events, articles = built
    majority = {
        event.event_id: Counter(gold_event(articles[a]) for a in event.article_ids).most_common(1)[
            0
        ][0]
        for event in events
    }
    found = {
        frozenset(majority[entry.event_id] for entry in storyline.timeline)
        for storyline in list_storylines(store)
    }
    gold = {frozenset(storyline["events"]) for storyline in GOLD["storylines"].values()}
    assert found == gold
    for storyline in list_storylines(store):
        dates = [entry.date for entry in storyline.timeline]
        assert dates == sorted(dates)


def test_a_second_run_embeds_clusters_and_links_nothing_and_keeps_every_id(built, monkeypatch):
    store, settings, first, events, _ = built

    def no_relink(*args, **kwargs):
        raise AssertionError("an idle run relinked the storylines")

    monkeypatch.setattr("newsweave.stories.stage.StorylineLinker.link", no_relink)
    again = build_stories(store, settings)
    assert (again.new_articles, again.embedded, again.new_events) == (0, 0, 0)
    assert (again.events, again.storylines) == (first.events, first.storylines)
    assert [(e.event_id, e.article_ids, e.storyline_id) for e in list_events(store)] == [
        (e.event_id, e.article_ids, e.storyline_id) for e in events
    ]


def build_then_add_the_trial_report(tmp_path, tamper=None):
    """Stories of the sample corpus less one report of the trial, then of that report: the
    second run's report and the events before and after it. `tamper(store)` runs between."""
    folder = tmp_path / "articles"
    shutil.copytree(SAMPLE / "articles", folder)
    late_name = "2026-03-16-northerndispatch-plant-boss-crown-court.txt"
    late = folder / late_name
    held_back = late.read_text(encoding="utf-8")
    late.unlink()
    settings = Settings(db=tmp_path / "store.db")
    with open_store(settings.db) as store:
        ingest([str(folder)], store, settings)
        build_stories(store, settings)
        before = {e.event_id: set(e.article_ids) for e in list_events(store)}
        if tamper:
            tamper(store)
        (tmp_path / late_name).write_text(held_back, encoding="utf-8")
        ingest([str(tmp_path / late_name)], store, settings)
        report = build_stories(store, settings)
        after = {e.event_id: (set(e.article_ids), e.storyline_id) for e in list_events(store)}
        groups = store.get_copy_groups()
    return report, before, (after, groups)


def test_a_late_article_joins_its_event_and_older_ids_stay(tmp_path):
    report, before, (after, _) = build_then_add_the_trial_report(tmp_path)
    after = {event_id: article_ids for event_id, (article_ids, _) in after.items()}
    assert report.new_articles == 1 and report.embedded == 1
    assert report.states == dict.fromkeys((CLUSTERER_STATE, COPY_STATE, STORYLINE_STATE), "loaded")
    assert report.new_events == 0, "the trial report joins the trial event"
    grown = [event_id for event_id in before if after[event_id] != before[event_id]]
    assert len(grown) == 1 and len(after[grown[0]] - before[grown[0]]) == 1
    assert set(before) == set(after)


@pytest.mark.parametrize(
    "saved",
    [
        pytest.param(lambda key, data: (key, b"not a state"), id="unreadable"),
        pytest.param(lambda key, data: ("another key", data), id="of other articles"),
    ],
)
def test_saved_states_that_cannot_be_used_are_rebuilt_from_the_articles(tmp_path, saved):
    def tamper(store):
        for name in (CLUSTERER_STATE, COPY_STATE, STORYLINE_STATE):
            store.put_state(name, *saved(*store.get_state(name)))

    report, _, after = build_then_add_the_trial_report(tmp_path / "tampered", tamper)
    assert report.states == dict.fromkeys(
        (CLUSTERER_STATE, COPY_STATE, STORYLINE_STATE), "restored"
    )
    _, _, loaded = build_then_add_the_trial_report(tmp_path / "loaded")
    assert after == loaded  # the same events, storylines and copy groups


def test_stories_cli_lists_events_as_json(built):
    _, settings, _, events, _ = built
    done = subprocess.run(
        [sys.executable, "-m", "newsweave", "stories", "--json", "--db", str(settings.db)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert [item["event_id"] for item in listed] == [event.event_id for event in events]
    assert set(listed[0]) >= {
        "title", "articles", "independent_sources", "outlets", "first_seen", "last_seen",
        "storyline_id",
    }  # fmt: skip


# -- the copy check in a process of its own ----------------------------------------------------


def _static_store(path):
    """A store at `path` holding the sample corpus, not yet clustered (static embedder: fast)."""
    settings = Settings(db=path, embedder="static")
    store = open_store(path)
    ingest([str(SAMPLE / "articles")], store, settings)
    return store, settings


def test_the_forked_copy_check_finds_what_the_one_in_process_finds(tmp_path, monkeypatch):
    outcomes = []
    for fork_min in (10**9, 0):
        monkeypatch.setattr("newsweave.stories.stage.COPY_CHECK_FORK_MIN", fork_min)
        store, settings = _static_store(tmp_path / f"{fork_min}.db")
        with store:
            report = build_stories(store, settings)
            groups = store.get_copy_groups()
            events = {event.event_id: event.article_ids for event in list_events(store)}
        outcomes.append((groups, events, report.storylines))
        assert report.seconds["copies"] > 0
    assert outcomes[0] == outcomes[1]
    groups = outcomes[0][0]
    assert len(set(groups.values())) < len(groups)  # the sample corpus has wire copies
    assert not multiprocessing.active_children()


def test_an_error_in_the_forked_copy_check_reaches_the_caller_and_nothing_is_written(
    tmp_path, monkeypatch
):
    def broken(known, new, saved):
        raise ValueError("no shingles today")

    monkeypatch.setattr("newsweave.stories.stage.COPY_CHECK_FORK_MIN", 0)
    monkeypatch.setattr("newsweave.stories.stage._find_copies", broken)  # the fork inherits it
    store, settings = _static_store(tmp_path / "store.db")
    with store:
        with pytest.raises(ValueError, match="no shingles today"):
            build_stories(store, settings)
        assert store.get_event_members() == {} and store.get_copy_groups() == {}
    assert not multiprocessing.active_children()


def test_a_forked_copy_check_that_dies_is_reported_as_lost(tmp_path, monkeypatch):
    monkeypatch.setattr("newsweave.stories.stage.COPY_CHECK_FORK_MIN", 0)
    monkeypatch.setattr(
        "newsweave.stories.stage._find_copies", lambda known, new, saved: os._exit(9)
    )
    store, settings = _static_store(tmp_path / "store.db")
    with store, pytest.raises(WorkerLost, match="exit code 9"):
        build_stories(store, settings)


def test_a_run_that_fails_while_the_copy_check_works_ends_it(tmp_path, monkeypatch):
    def clustering_fails(self, items):
        raise RuntimeError("clustering failed")

    def never_answers(known, new, saved):  # the run must end it rather than wait for it
        threading.Event().wait()

    monkeypatch.setattr("newsweave.stories.stage.COPY_CHECK_FORK_MIN", 0)
    monkeypatch.setattr("newsweave.stories.stage._find_copies", never_answers)
    monkeypatch.setattr("newsweave.stories.stage.OnlineClusterer.add", clustering_fails)
    store, settings = _static_store(tmp_path / "store.db")
    raised: list[BaseException] = []
    ended = threading.Event()

    def run() -> None:
        try:
            build_stories(store, settings)
        except BaseException as error:
            raised.append(error)
        ended.set()

    with store:
        threading.Thread(target=run, daemon=True).start()
        assert ended.wait(timeout=120), "the failed run waited for the copy check for ever"
    assert [str(error) for error in raised] == ["clustering failed"]
    assert not multiprocessing.active_children()


def _stories_of(path) -> int:
    store, settings = _static_store(path)
    with store:
        return build_stories(store, settings).events


def test_a_multiprocessing_daemon_checks_copies_itself(tmp_path, monkeypatch):
    monkeypatch.setattr("newsweave.stories.stage.COPY_CHECK_FORK_MIN", 0)
    with multiprocessing.get_context("fork").Pool(1) as pool:  # its workers are daemons
        events = pool.apply(_stories_of, (tmp_path / "daemon.db",))
    assert events == _stories_of(tmp_path / "here.db")
