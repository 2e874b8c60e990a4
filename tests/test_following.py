"""Following feeds (`newsweave.following`): a failing feed backs off, doubling its wait up to a
cap, is never dropped, and comes back on the first poll that reads it; a poll that reads a feed
counts its new articles and names its outlet. On both stores."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from newsweave.following import BACKOFF_CAP, backoff, due_feeds, record_polls
from newsweave.model import IngestReport, Rejection
from newsweave.store import open_store
from test_store import make_article

FEED = "https://a.example/feed.xml"
START = datetime(2026, 3, 3, 9, tzinfo=UTC)
INTERVAL = 300.0


def test_the_wait_doubles_from_the_second_failure_up_to_a_day():
    waits = [backoff(n, INTERVAL) for n in range(1, 12)]
    assert waits[:4] == [None, timedelta(minutes=10), timedelta(minutes=20), timedelta(minutes=40)]
    assert waits[-1] == BACKOFF_CAP == timedelta(days=1)
    assert backoff(10**9, INTERVAL) == BACKOFF_CAP  # no overflow, however long it failed
    assert backoff(5, 3 * 86400) == timedelta(days=3)  # never sooner than the next cycle


def failed(at: datetime) -> IngestReport:
    return IngestReport(rejected=[Rejection(FEED, "http-error", f"{FEED}: HTTP 503")])


def poll(store, at: datetime, report: IngestReport) -> list:
    due = due_feeds(store.list_feeds(), at, INTERVAL)
    record_polls(store, due, at, report, INTERVAL)
    return due


def test_a_failing_feed_backs_off_is_never_dropped_and_comes_back(store_location):
    with open_store(store_location) as store:
        store.add_feed(FEED, START)
        polls, at = [], START
        while at < START + timedelta(days=10):  # a dead feed, a cycle every five minutes
            if poll(store, at, failed(at)):
                polls.append(at)
            at += timedelta(seconds=INTERVAL)
        (feed,) = store.list_feeds()  # still followed
        assert feed.failures == len(polls) and feed.backing_off(at)
        assert feed.status(at).startswith(f"failing ({len(polls)} polls in a row), backing off")
        gaps = [(b - a) // timedelta(minutes=1) for a, b in itertools.pairwise(polls)]
        doubling = [5, 10, 20, 40, 80, 160, 320, 640, 1280]
        assert gaps == doubling + [24 * 60] * (len(gaps) - len(doubling))  # then daily
        # back: the first poll that reads it clears the failures and the back-off
        at = feed.next_poll_at
        article = make_article()
        store.put_article(article)
        report = IngestReport(
            ingested=[article.article_id],
            article_of={"https://a.example/1": article.article_id},
            given_as={"https://a.example/1": FEED},
        )
        assert poll(store, at, report)
        (feed,) = store.list_feeds()
        assert (feed.failures, feed.next_poll_at, feed.last_fetched_at) == (0, None, at)
        assert (feed.items, feed.last_new_at, feed.outlet) == (1, at, article.source.name)
        assert feed.status(at) == "ok"
        # the same article again is nothing new
        later = at + timedelta(minutes=5)
        unchanged = IngestReport(
            unchanged=[article.article_id],
            article_of={"https://a.example/1": article.article_id},
            given_as={"https://a.example/1": FEED},
        )
        poll(store, later, unchanged)
        (feed,) = store.list_feeds()
        assert (feed.items, feed.last_new_at, feed.last_fetched_at) == (1, at, later)


def test_a_single_failure_is_tried_again_on_the_next_cycle(store_location):
    with open_store(store_location) as store:
        store.add_feed(FEED, START)
        poll(store, START, failed(START))
        (feed,) = store.list_feeds()
        assert feed.failures == 1 and feed.next_poll_at is None
        assert feed.status(START) == "failing (1 poll in a row)"
        next_cycle = START + timedelta(seconds=INTERVAL - 1)  # a wall clock a moment behind
        assert poll(store, next_cycle, failed(next_cycle))
        assert not due_feeds(store.list_feeds(), next_cycle + timedelta(minutes=5), INTERVAL)
