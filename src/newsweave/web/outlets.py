"""What the outlets pages show: every outlet with its articles, its stories and the health of
the feeds that bring its articles, as JSON-ready dicts (the pages and the API render the same
dict, as in `web.views`).

A followed feed belongs to the outlet its articles are stored under (`StoredFeed.outlet`, set by
the first poll that reads it). A feed no poll has read yet, one failing since it was followed
included, belongs to no outlet: the outlets list shows it apart rather than leave it out, so a
feed that never worked is as visible as one that stopped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from newsweave.model import Source
from newsweave.outward import safe_data, safe_link, safe_text
from newsweave.store import Store, StoredFeed
from newsweave.web.views import (
    NotFound,
    StoryIndex,
    article_summary,
    iso,
    latest_brief,
    paging,
    story_summary,
)

__all__ = ["MAX_OUTLET_STORIES", "find_outlet", "outlet_detail", "outlet_list"]

MAX_OUTLET_STORIES = 20  # an outlet page's stories, the most significant first


def find_outlet(store: Store, name: str) -> Source:
    """An outlet by its name as stored or as shown (`safe_text` of it: an older store's name
    with a control character or credentials in it is linked by its safe form)."""
    source = store.get_source(name)
    if source is None:
        shown = [n for n in store.source_names() if safe_text(n) == name]
        source = store.get_source(shown[0]) if shown else None
    if source is None:
        raise NotFound(f"no outlet is named {name!r}; /outlets lists them")
    return source


def outlet_list(store: Store, index: StoryIndex, *, now: datetime | None = None) -> dict[str, Any]:
    """Every outlet, by name: what is known of it, how many articles and stories it has, and
    its feeds' health; and the followed feeds no poll has read yet."""
    now = now or datetime.now(UTC)
    stories = Counter(outlet for event in index.ranked for outlet in set(event.outlets))
    feeds = store.list_feeds()
    outlets = []
    for name in sorted(store.source_names(), key=str.casefold):
        source = store.get_source(name)
        if source is None:
            continue
        outlets.append(
            {
                **asdict(source),
                "articles": store.count_articles(source=name),
                "stories": stories[name],
                "feeds": [feed_health(f, now) for f in feeds if f.outlet == name],
            }
        )
    unread = [feed_health(f, now) for f in feeds if f.outlet is None]
    return safe_data({"outlets": outlets, "unread_feeds": unread})


def outlet_detail(
    store: Store,
    name: str,
    index: StoryIndex,
    *,
    page: int = 1,
    per_page: int = 20,
    now: datetime | None = None,
) -> dict[str, Any]:
    """An outlet (`find_outlet`): what is known of it, one page of its articles (the newest
    first), its most significant stories and the health of its feeds."""
    source = find_outlet(store, name)
    total = store.count_articles(source=source.name)
    articles = store.list_articles(source=source.name, limit=per_page, offset=(page - 1) * per_page)
    events = [e for e in index.ranked if source.name in e.outlets]
    now = now or datetime.now(UTC)
    return safe_data(
        {
            **paging(page, per_page, total),
            "source": asdict(source),
            "articles": [article_summary(a) for a in articles],
            "stories": [
                story_summary(
                    event,
                    latest_brief(store, event.event_id),
                    index.storyline_titles,
                    index.newest,
                )
                for event in events[:MAX_OUTLET_STORIES]
            ],
            "story_count": len(events),
            "feeds": [feed_health(f, now) for f in store.list_feeds() if f.outlet == source.name],
        }
    )


def feed_health(feed: StoredFeed, now: datetime) -> dict[str, Any]:
    """How polling a followed feed goes, as the outlets pages show it."""
    return {
        "url": safe_link(feed.url),
        "status": feed.status(now),
        "failing": feed.failures > 0,
        "backing_off": feed.backing_off(now),
        "failures": feed.failures,
        "last_error": feed.last_error,
        "last_failed_at": iso(feed.last_failed_at),
        "next_poll_at": iso(feed.next_poll_at),
        "last_fetched_at": iso(feed.last_fetched_at),
        "last_new_at": iso(feed.last_new_at),
        "items_per_day": round(feed.items_per_day(now), 2),
        "followed_since": iso(feed.added_at),
    }
