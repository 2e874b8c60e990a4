"""Events as the other stages and the web read them: the stories stage's public read API.

The stories stage (`stories.stage.build_stories`) stores which event each article belongs to,
its copy group and its storyline; these functions read that back as `Event` and `Storyline`
values. Reading events back (`list_events`, `list_storylines`) joins the stored memberships with
the current revision of each article, so a revised article is shown once, in its latest text.
`event_of` counts an event's sources from its articles and their copy groups, the same way for
a stored event as for one a run has just made.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from newsweave.model import Article, Event, Storyline, publication_order
from newsweave.store import Store
from newsweave.stories.dedupe import independent_sources
from newsweave.stories.storylines import EventSummary, build_storylines

__all__ = ["event_of", "event_summary", "list_events", "list_storylines", "load_event"]

# An event is titled after its first full report, not a stub or a cut-off text, and not a
# report with no title (one of nothing but page furniture: `ingest.titles.derive_title`).
_PARTIAL_TEXT = ("too_short", "paywall", "truncated", "non_english")


def list_events(store: Store) -> list[Event]:
    """Every event, the most recently updated first."""
    events = [event for event, _ in _events_with_articles(store)]
    return sorted(events, key=_recency, reverse=True)


def load_event(store: Store, event_id: str) -> tuple[Event, list[Article]] | None:
    """One event (by its exact id) with its articles in publication order, or None."""
    ids = store.event_article_ids(event_id)
    articles = [article for a in ids if (article := store.get_article(a)) is not None]
    if not articles:
        return None
    articles.sort(key=publication_order)
    storyline = store.get_storylines().get(event_id)
    groups = store.get_copy_groups(ids)
    return event_of(event_id, articles, groups, storyline), articles


def list_storylines(store: Store) -> list[Storyline]:
    """Every storyline with its dated timeline, the most recently updated first."""
    events = _events_with_articles(store)
    storylines = build_storylines(
        (event_summary(event, articles) for event, articles in events), store.get_storylines()
    )
    return sorted(storylines, key=lambda s: _date_key(s.timeline[-1].date), reverse=True)


def event_of(
    event_id: str,
    articles: Sequence[Article],
    groups: Mapping[str, str],
    storyline_id: str | None = None,
) -> Event:
    """The event these articles (in publication order) make, its sources counted."""
    dated = [article.published_at for article in articles if article.published_at]
    outlets = tuple(dict.fromkeys(article.source.name for article in articles))
    full_reports = [a for a in articles if not any(a.has_flag(k) for k in _PARTIAL_TEXT)]
    return Event(
        event_id=event_id,
        title=next((a.title for a in (*full_reports, *articles) if a.title), ""),
        article_ids=tuple(article.article_id for article in articles),
        outlets=outlets,
        independent_sources=independent_sources(
            (
                article.article_id,
                article.source.name,
                article.source.family,
                groups.get(article.article_id, article.article_id),
            )
            for article in articles
        ),
        first_seen=min(dated) if dated else None,
        last_seen=max(dated) if dated else None,
        storyline_id=storyline_id,
    )


def event_summary(event: Event, articles: Sequence[Article]) -> EventSummary:
    return EventSummary(
        event_id=event.event_id,
        title=event.title,
        first_seen=event.first_seen,
        last_seen=event.last_seen,
        reports=tuple((article.title, article.text) for article in articles),
    )


def _events_with_articles(store: Store) -> list[tuple[Event, list[Article]]]:
    members = store.get_event_members()
    groups = store.get_copy_groups()
    storylines = store.get_storylines()
    by_event: dict[str, list[Article]] = defaultdict(list)
    for article in store.iter_articles():  # publication order
        if article.article_id in members:
            by_event[members[article.article_id][0]].append(article)
    return [
        (event_of(event_id, articles, groups, storylines.get(event_id)), articles)
        for event_id, articles in by_event.items()
    ]


def _recency(event: Event) -> tuple[bool, datetime | str, int]:
    return (event.last_seen is not None, event.last_seen or "", len(event.article_ids))


def _date_key(date: datetime | None) -> tuple[bool, datetime | str]:
    return (date is not None, date or "")
