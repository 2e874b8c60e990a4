"""What the web pages and the JSON API show, as plain JSON-ready dicts built from the store.

Every page renders one of these dicts and the API returns the same dict, so the two cannot
drift apart: `story_list` (the front page), `story_detail` (a story page), `article_detail`
and `search`; the outlets', storylines' and versions' pages are in `web.outlets`,
`web.storylines` and `web.versions`. A missing thing raises `NotFound`, which the app turns
into a 404 of the one error shape.

Whatever the store holds, a dict leaves here safe (`newsweave.outward`): every string without
control characters or credentials, and every URL (`url`, `canonical_url`, a brief's sources)
an http(s) link or None, so a page may put it in an href and an API consumer may too.

The front page ranks stories by significance, the one figure every answer gives a story:

    (log2(1 + independent sources) + log2(1 + growth)) × 0.5 ^ (age / HALF_LIFE)

Growth is the articles that followed the first, per day of the story's life (from its first
article to its last, at least MIN_LIFE_HOURS, so two reports a minute apart are not a surge):
a single-article story has none, and its rank rests on its one source alone, below a
well-sourced story of the same age, however recent. Age is the time from the story's last
article to the newest article in the store. Independent sources count wire copies once, so one
publisher's several feeds cannot lift a story. Measuring age from the store's newest article
rather than the wall clock ranks an archive the same as a live store (the factor is the same
for every story, so the order only depends on the gaps).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newsweave.briefs.model import Brief, from_document
from newsweave.briefs.render import safe_document
from newsweave.errors import NewsweaveError
from newsweave.model import Article, Event
from newsweave.outward import safe_data, safe_link, safe_text
from newsweave.store import SearchKind, Store
from newsweave.store.base import MATCH_END, MATCH_START
from newsweave.stories import list_events, load_event

__all__ = [
    "HALF_LIFE_HOURS",
    "MIN_LIFE_HOURS",
    "NotFound",
    "StoryIndex",
    "article_detail",
    "article_summary",
    "index_stories",
    "iso",
    "latest_brief",
    "paging",
    "search",
    "significance",
    "story_detail",
    "story_list",
    "story_summary",
    "version_of",
]

HALF_LIFE_HOURS = 24.0
MIN_LIFE_HOURS = 6.0


class NotFound(NewsweaveError):
    """No story, article or source by that id or name."""


def significance(event: Event, newest: datetime | None) -> float:
    """The front page's rank of an event (see the module doc)."""
    if event.last_seen is None or event.first_seen is None or newest is None:
        return 0.0
    life_hours = (event.last_seen - event.first_seen).total_seconds() / 3600
    growth = (len(event.article_ids) - 1) / (max(life_hours, MIN_LIFE_HOURS) / 24)
    age_hours = max((newest - event.last_seen).total_seconds(), 0.0) / 3600
    weight = math.log2(1 + event.independent_sources) + math.log2(1 + growth)
    return weight * 0.5 ** (age_hours / HALF_LIFE_HOURS)


@dataclass(frozen=True)
class StoryIndex:
    """Every event ranked for the front page, with what its entries need of the others; it
    depends on the events alone, so a server keeps it until the store changes."""

    ranked: tuple[Event, ...]  # the most significant first
    newest: datetime | None  # the last article of the store
    storyline_titles: Mapping[str | None, str]  # the title of each storyline's first event


def index_stories(events: Sequence[Event]) -> StoryIndex:
    newest = max((e.last_seen for e in events if e.last_seen), default=None)
    ranked = sorted(events, key=lambda e: significance(e, newest), reverse=True)
    return StoryIndex(tuple(ranked), newest, _storyline_titles(events))


def story_list(
    store: Store, *, page: int = 1, per_page: int = 20, index: StoryIndex | None = None
) -> dict[str, Any]:
    """One page of stories, the most significant first, each with its latest brief's lead.
    `index` is `index_stories(list_events(store))` when the caller keeps one."""
    index = index_stories(list_events(store)) if index is None else index
    start = (page - 1) * per_page
    stories = [
        story_summary(
            event, latest_brief(store, event.event_id), index.storyline_titles, index.newest
        )
        for event in index.ranked[start : start + per_page]
    ]
    return safe_data({**paging(page, per_page, len(index.ranked)), "stories": stories})


def story_detail(
    store: Store, event_id: str, *, version: int | None = None, index: StoryIndex | None = None
) -> dict[str, Any]:
    """A story: its event, one version of its brief with every citation's evidence, every
    version's changes, its storyline's timeline, its articles with their quality flags, and
    why a stage could not finish it, when one could not (the next run tries again). Its
    significance and storyline title are the front page's (`index`, as for `story_list`)."""
    resolved = store.resolve_event(event_id)
    found = load_event(store, resolved) if resolved else None
    if found is None:
        raise NotFound(f"no story has the id {event_id!r}; /api/stories lists them")
    event, articles = found
    documents = store.brief_history(event.event_id)
    history = [from_document(d) for d in documents]
    brief = version_of(history, version, event.event_id)
    timeline = _timeline(store, event)
    index = index_stories(list_events(store)) if index is None else index
    by_id = {a.article_id: a for a in articles}
    document = next(d for d in documents if d["version"] == brief.version) if brief else None
    story = safe_data(
        {
            "story": story_summary(
                event, history[-1] if history else None, index.storyline_titles, index.newest
            ),
            "citations": _citations(brief, store, by_id) if brief else [],
            "versions": [_version_summary(b) for b in reversed(history)],
            "timeline": timeline,
            "articles": [article_summary(a) for a in articles],
            "failures": [
                {"stage": f.stage, "reason": f.reason, "failed_at": iso(f.failed_at)}
                for f in store.list_failures()
                if f.event_id == event.event_id
            ],
        }
    )
    brief_document = safe_document(document) if document else None
    return {"story": story.pop("story"), "brief": brief_document, **story}


def article_detail(store: Store, article_id: str) -> dict[str, Any]:
    """An article: its clean text, metadata, quality flags, revisions and event."""
    article = store.get_article(article_id)
    if article is None:
        raise NotFound(f"no article has the id {article_id!r}; search finds articles by words")
    event = store.get_event_members().get(article.article_id)
    revisions = store.revisions(article.key)
    return safe_data(
        {
            **article_summary(article),
            "text": article.text,
            "author": article.author,
            "canonical_url": safe_link(article.canonical_url),
            "source": _source(article),
            "event_id": event[0] if event else None,
            "revisions": [
                {"article_id": r.article_id, "revision": r.revision, "title": r.title}
                for r in revisions
            ],
        }
    )


def search(
    store: Store, query: str, *, kind: SearchKind, page: int = 1, per_page: int = 20
) -> dict[str, Any]:
    """Full-text search of articles or briefs; each hit's snippet is plain text, and its
    `matches` the [start, end) offsets of the words found in it (the query's control
    characters are ignored)."""
    query = safe_text(query)
    total, hits = store.search(query, kind=kind, limit=per_page, offset=(page - 1) * per_page)
    return {
        **paging(page, per_page, total),
        "query": query,
        "kind": kind,
        "hits": [
            {"id": safe_text(h.id), "title": safe_text(h.title), **_snippet(h.snippet)}
            for h in hits
        ],
    }


# -- pieces ---------------------------------------------------------------------------------


def _snippet(snippet: str) -> dict[str, Any]:
    """A store's search snippet, its matches between MATCH_START and MATCH_END, as safe text
    and the [start, end) offsets of its matches."""
    text, matches, start = "", [], None
    for part in re.split(f"([{MATCH_START}{MATCH_END}])", snippet):
        if part == MATCH_START:
            start = len(text)
        elif part == MATCH_END:
            if start is not None and start < len(text):
                matches.append([start, len(text)])
            start = None
        else:
            text += safe_text(part)
    return {"snippet": text, "matches": matches}


def paging(page: int, per_page: int, total: int) -> dict[str, int]:
    return {"page": page, "per_page": per_page, "total": total, "pages": -(-total // per_page)}


def latest_brief(store: Store, event_id: str) -> Brief | None:
    document = store.get_brief(event_id)
    return from_document(document) if document else None


def version_of(history: Sequence[Brief], version: int | None, event_id: str) -> Brief | None:
    if version is None:
        return history[-1] if history else None
    for brief in history:
        if brief.version == version:
            return brief
    have = ", ".join(str(b.version) for b in history) or "none yet"
    raise NotFound(f"story {event_id} has no brief version {version}; its versions: {have}")


def story_summary(
    event: Event,
    brief: Brief | None,
    storyline_titles: Mapping[str | None, str],
    newest: datetime | None,
) -> dict[str, Any]:
    lead = brief.section("lead") if brief else None
    lead_sentence = lead.paragraphs[0][0] if lead and lead.paragraphs else None
    storyline = None
    if event.storyline_id:
        title = storyline_titles.get(event.storyline_id, event.title)
        storyline = {"storyline_id": event.storyline_id, "title": title}
    return {
        "event_id": event.event_id,
        "headline": brief.headline if brief else event.title,
        "lead": lead_sentence.prose if lead_sentence else None,
        "independent_sources": event.independent_sources,
        "single_source": event.independent_sources <= 1,
        "articles": len(event.article_ids),
        "outlets": list(event.outlets),
        "first_seen": iso(event.first_seen),
        "updated_at": iso(event.last_seen),
        "brief_version": brief.version if brief else None,
        "storyline": storyline,
        "significance": round(significance(event, newest), 4),
    }


def _storyline_titles(events: Sequence[Event]) -> dict[str | None, str]:
    """Each storyline's title: the title of its earliest event."""
    first: dict[str, Event] = {}
    for event in events:
        if event.storyline_id is None:
            continue
        known = first.get(event.storyline_id)
        if known is None or _earlier(event, known):
            first[event.storyline_id] = event
    return {storyline: event.title for storyline, event in first.items()}


def _earlier(a: Event, b: Event) -> bool:
    if a.first_seen is None or b.first_seen is None:
        return b.first_seen is None and a.first_seen is not None
    return a.first_seen < b.first_seen


def _timeline(store: Store, event: Event) -> list[dict[str, Any]]:
    """The events of the story's storyline in date order, this one marked."""
    if event.storyline_id is None:
        return []
    storylines = store.get_storylines()
    members = [e for e, s in storylines.items() if s == event.storyline_id]
    entries = []
    for event_id in members:
        found = load_event(store, event_id)
        if found is None:
            continue
        other, _ = found
        brief = latest_brief(store, event_id)
        entries.append(
            {
                "event_id": event_id,
                "date": iso(other.first_seen),
                "title": brief.headline if brief else other.title,
                "is_current": event_id == event.event_id,
            }
        )
    return sorted(entries, key=lambda e: (e["date"] is None, e["date"] or ""))


def _citations(brief: Brief, store: Store, articles: Mapping[str, Article]) -> list[dict]:
    """Each numbered source with the sentences of the brief it supports and, for each, the
    passage of the source article that supports it."""
    supported: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for kind, sentence in brief.sentences():
        for evidence in sentence.evidence:
            supported[evidence.article_id].append(
                {
                    "section": kind,
                    "sentence": sentence.prose,
                    "evidence": evidence.text,
                    "start": evidence.start,
                    "end": evidence.end,
                }
            )
    out = []
    for entry in brief.sources:
        article = articles.get(entry.article_id) or store.get_article(entry.article_id)
        out.append(
            {
                "number": entry.number,
                "article_id": entry.article_id,
                "outlet": entry.outlet,
                "title": entry.title,
                "url": safe_link(entry.url),
                "published_at": entry.published_at,
                "also_ran": list(entry.also_ran),
                "event_id": entry.event_id,
                "flags": _flags(article) if article else [],
                "supports": supported.get(entry.article_id, []),
            }
        )
    return out


def _version_summary(brief: Brief) -> dict[str, Any]:
    changes = brief.changes
    return {
        "version": brief.version,
        "written_at": brief.written_at,
        "writer": brief.writer,
        "headline": brief.headline,
        "changes": None
        if changes is None
        else {
            "previous_version": changes.previous_version,
            "new_sources": list(changes.new_sources),
            "new_sentences": changes.new_sentences,
            "changed_figures": list(changes.changed_figures),
            "previous_headline": changes.previous_headline or None,
            "previous_lead": changes.previous_lead or None,
            "removed": list(changes.removed),
        },
    }


def article_summary(article: Article) -> dict[str, Any]:
    return {
        "article_id": article.article_id,
        "title": article.title,
        "outlet": article.source.name,
        "url": safe_link(article.url),
        "published_at": iso(article.published_at),
        "language": article.language,
        "revision": article.revision,
        "words": len(article.text.split()),
        "flags": _flags(article),
    }


def _flags(article: Article) -> list[dict[str, Any]]:
    return [{"kind": f.kind, "detail": f.detail, "repair": f.repair} for f in article.flags]


def _source(article: Article) -> dict[str, Any]:
    source = article.source
    return {"name": source.name, "domain": source.domain, "family": source.family}


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
