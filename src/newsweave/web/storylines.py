"""What a storyline page shows: the events that continue one another, on a dated timeline,
each with its lead and its sources, as a JSON-ready dict (the page and the API render the same
dict, as in `web.views`).

An event's sources are its brief's numbered sources (outlet, title, link to the original);
an event without a brief yet lists its articles instead, so no event of the storyline is
shown without where it came from.
"""

from __future__ import annotations

from typing import Any

from newsweave.briefs.model import Brief, SourceEntry
from newsweave.model import Event
from newsweave.outward import safe_data, safe_link
from newsweave.store import Store
from newsweave.web.views import NotFound, StoryIndex, iso, latest_brief, story_summary

__all__ = ["source_ref", "storyline_detail"]


def storyline_detail(store: Store, storyline_id: str, index: StoryIndex) -> dict[str, Any]:
    """A storyline: its title and span, and its events in date order (the earliest first),
    each a story summary with its sources."""
    events = [e for e in index.ranked if e.storyline_id == storyline_id]
    if not events:
        raise NotFound(f"no storyline has the id {storyline_id!r}; a story page links to its own")
    events.sort(key=lambda e: (e.first_seen is None, e.first_seen, e.event_id))
    entries = []
    for event in events:
        brief = latest_brief(store, event.event_id)
        summary = story_summary(event, brief, index.storyline_titles, index.newest)
        entries.append({**summary, "sources": _sources(store, event, brief)})
    seen = [e.first_seen for e in events if e.first_seen]
    updated = [e.last_seen for e in events if e.last_seen]
    return safe_data(
        {
            "storyline": {
                "storyline_id": storyline_id,
                "title": index.storyline_titles.get(storyline_id, events[0].title),
                "events": len(events),
                "first_seen": iso(min(seen, default=None)),
                "updated_at": iso(max(updated, default=None)),
            },
            "events": entries,
        }
    )


def source_ref(entry: SourceEntry) -> dict[str, Any]:
    """One of a brief's numbered sources, as the storyline and version pages list it."""
    return {
        "number": entry.number,
        "article_id": entry.article_id,
        "outlet": entry.outlet,
        "title": entry.title,
        "url": safe_link(entry.url),
    }


def _sources(store: Store, event: Event, brief: Brief | None) -> list[dict[str, Any]]:
    if brief is not None:
        return [source_ref(entry) for entry in brief.sources]
    articles = (store.get_article(article_id) for article_id in event.article_ids)
    return [
        {
            "number": None,
            "article_id": article.article_id,
            "outlet": article.source.name,
            "title": article.title,
            "url": safe_link(article.url),
        }
        for article in articles
        if article is not None
    ]
