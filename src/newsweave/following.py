"""The feeds a user follows: which are due for a poll, and what a poll changes of each.

`newsweave watch` with no argument polls the followed feeds (`Store.list_feeds`) each cycle. A
feed that fails is never dropped: it stays followed, is shown failing (`feeds list`, the outlets
page), and backs off. A single failure is tried again on the next cycle; after its n-th failure
in a row (n ≥ 2) it is not polled again for interval × 2^(n−1), at most a day (BACKOFF_CAP), so
a passing outage costs a cycle or two, a dead feed is tried once a day rather than on every
cycle, and it comes back as soon as one poll reads it. The next poll's time is stored with the
feed, so a restarted watch keeps the back-off. A poll that reads a feed records when, how many
new articles it brought (for its items per day) and the outlet they are stored under (for the
outlets page).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from newsweave.model import IngestReport
from newsweave.store import Store, StoredFeed

__all__ = ["BACKOFF_CAP", "backoff", "due_feeds", "record_polls"]

BACKOFF_CAP = timedelta(days=1)
MAX_DOUBLINGS = 30  # past this the cap has long been reached; keeps 2^n a small number


def backoff(failures: int, interval: float) -> timedelta | None:
    """How long a feed that failed `failures` polls in a row waits before the next one, with
    polls every `interval` seconds: None (the next cycle, as usual) after a single failure,
    then twice the interval after the second and twice as long again after each further
    one, at most BACKOFF_CAP (or one interval, when that is longer)."""
    if failures <= 1:
        return None
    wait = timedelta(seconds=interval * 2 ** min(failures - 1, MAX_DOUBLINGS))
    return min(wait, max(BACKOFF_CAP, timedelta(seconds=interval)))


def due_feeds(feeds: Sequence[StoredFeed], now: datetime, interval: float) -> list[StoredFeed]:
    """The feeds to poll in a cycle starting `now`: all but those backing off. A feed due
    within a tenth of an interval is due now, so a cycle that starts a moment early (the wall
    clock is not the timer the cycles keep) does not skip it."""
    soon = now + timedelta(seconds=interval / 10)
    return [feed for feed in feeds if not feed.backing_off(soon)]


def record_polls(
    store: Store,
    polled: Sequence[StoredFeed],
    polled_at: datetime,
    report: IngestReport,
    interval: float,
) -> None:
    """Record how each feed of `polled` fared in the ingest `report` of a cycle that started
    at `polled_at`: read (with its new articles) or failed (and backing off)."""
    failed = {rejection.input: rejection for rejection in report.rejected}
    new = set(report.ingested)
    read_from: dict[str, list[str]] = {}
    for origin, given in report.given_as.items():
        if origin in report.article_of:
            read_from.setdefault(given, []).append(report.article_of[origin])
    for feed in polled:
        rejection = failed.get(feed.url)
        if rejection is not None:
            failures = feed.failures + 1
            wait = backoff(failures, interval)
            store.put_feed(
                replace(
                    feed,
                    failures=failures,
                    last_error=rejection.message,
                    last_failed_at=polled_at,
                    next_poll_at=None if wait is None else polled_at + wait,
                )
            )
            continue
        articles = read_from.get(feed.url, [])
        fresh = sum(1 for article_id in articles if article_id in new)
        store.put_feed(
            replace(
                feed,
                last_fetched_at=polled_at,
                failures=0,
                next_poll_at=None,
                last_new_at=polled_at if fresh else feed.last_new_at,
                items=feed.items + fresh,
                outlet=_outlet(store, articles) or feed.outlet,
            )
        )


def _outlet(store: Store, article_ids: Sequence[str]) -> str | None:
    """The outlet the feed's latest article is stored under."""
    article = store.get_article(article_ids[-1]) if article_ids else None
    return article.source.name if article else None
