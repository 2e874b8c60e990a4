"""What the writers read of one event, gathered, and the numbers its sources are cited by.

`Material` is an event with its articles, its stored analysis, its copy groups and, as
`Background`, the earlier events of its storyline. `material_for` gathers it from the store;
`material_from_articles` from articles given as one event, outside any store (the evaluation).
`headline_text` is the event's title as a brief heads it, whole.
`source_list` numbers the brief's sources, one per independent report (wire copies together,
crediting every outlet that ran them), and `source_numbers` and `cite` turn article ids into
those numbers: every writer cites by them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from newsweave.analysis.claims import copy_groups_of
from newsweave.analysis.model import EventAnalysis
from newsweave.analysis.stage import analyse_event, load_analysis
from newsweave.briefs.model import SourceEntry
from newsweave.ingest.titles import derive_title
from newsweave.model import Article, Event, publication_order
from newsweave.store import Store
from newsweave.stories import event_of

__all__ = [
    "HEADLINE_WORDS",
    "Background",
    "Material",
    "cite",
    "headline_text",
    "material_for",
    "material_from_articles",
    "source_list",
    "source_numbers",
]

HEADLINE_WORDS = 25  # a brief's headline at the longest (the evaluation counts longer ones)


@dataclass(frozen=True)
class Background:
    """An earlier event of the same storyline, as the brief's background reads it."""

    event: Event
    articles: tuple[Article, ...]
    analysis: EventAnalysis
    copy_groups: Mapping[str, str]


@dataclass(frozen=True)
class Material:
    """Everything the writers read for one event."""

    event: Event
    articles: tuple[Article, ...]  # the event's, in event order
    analysis: EventAnalysis
    copy_groups: Mapping[str, str]  # article id -> copy group id
    background: tuple[Background, ...] = ()  # earlier events of the storyline, oldest first

    @property
    def article_by_id(self) -> dict[str, Article]:
        return {a.article_id: a for a in self.articles}


def headline_text(material: Material) -> str:
    """The event's title as the brief's headline: the title its report came with, else, when
    ingest made it of the report's first sentence of news and cut it short for a listing ("...
    rejected a request from Ukrainian President Volodymyr Zelenskyy", before "for an in-person
    meeting"), that sentence whole when it has HEADLINE_WORDS words or fewer, else cut where a
    clause or phrase ends within them (`ingest.titles.derive_title`)."""
    title = material.event.title
    for article in material.articles:
        if article.title == title and derive_title(article.text) == title:
            return derive_title(article.text, HEADLINE_WORDS)
    return title


def source_list(material: Material) -> tuple[SourceEntry, ...]:
    """One entry per independent report of the event (wire copies together, crediting every
    outlet that ran them), in event order, then the background events' reports."""
    entries: list[SourceEntry] = []
    for event_id, articles, groups in [
        (None, material.articles, material.copy_groups),
        *((b.event.event_id, b.articles, b.copy_groups) for b in material.background),
    ]:
        by_group: dict[str, list[Article]] = {}
        for article in articles:
            by_group.setdefault(groups.get(article.article_id, article.article_id), []).append(
                article
            )
        for copies in by_group.values():
            first = min(copies, key=publication_order)
            entries.append(
                SourceEntry(
                    number=len(entries) + 1,
                    article_id=first.article_id,
                    outlet=first.source.name,
                    title=first.title,
                    url=first.canonical_url or first.url,
                    published_at=first.published_at.isoformat() if first.published_at else None,
                    also_ran=tuple(
                        dict.fromkeys(
                            a.source.name for a in copies if a.source.name != first.source.name
                        )
                    ),
                    event_id=event_id,
                )
            )
    return tuple(entries)


def source_numbers(material: Material, sources: Sequence[SourceEntry]) -> dict[str, int]:
    """The source number of every article: its copy group's entry."""
    entry_of_group = {}
    groups = dict(material.copy_groups)
    for background in material.background:
        groups.update(background.copy_groups)
    articles = [*material.articles, *(a for b in material.background for a in b.articles)]
    by_id = {entry.article_id: entry.number for entry in sources}
    for article in articles:
        if article.article_id in by_id:
            entry_of_group[groups.get(article.article_id, article.article_id)] = by_id[
                article.article_id
            ]
    return {a.article_id: entry_of_group[groups.get(a.article_id, a.article_id)] for a in articles}


def cite(article_ids: Sequence[str], number: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(sorted({number[a] for a in article_ids if a in number}))


def material_for(
    store: Store,
    event: Event,
    events: Sequence[Event],
    articles: Mapping[str, Article],
    copy_groups: Mapping[str, str],
) -> Material | None:
    """What the writers read for `event`, or None when it has no stored analysis."""
    analysis = load_analysis(store, event.event_id)
    if analysis is None:
        return None
    background = []
    if event.storyline_id and event.first_seen:
        earlier = [
            e
            for e in events
            if e.storyline_id == event.storyline_id
            and e.event_id != event.event_id
            and e.first_seen is not None
            and e.first_seen < event.first_seen
        ]
        for other in sorted(earlier, key=lambda e: (e.first_seen is None, e.first_seen or "")):
            other_analysis = load_analysis(store, other.event_id)
            if other_analysis is not None:
                members = tuple(articles[a] for a in other.article_ids if a in articles)
                background.append(Background(other, members, other_analysis, copy_groups))
    return Material(
        event=event,
        articles=tuple(articles[a] for a in event.article_ids if a in articles),
        analysis=analysis,
        copy_groups=copy_groups,
        background=tuple(background),
    )


def material_from_articles(articles: Sequence[Article], event_id: str = "ev_given") -> Material:
    """What the writers read of articles given as one event, outside any store: their copy
    groups among themselves and the event's analysis."""
    articles = sorted(articles, key=publication_order)
    groups = copy_groups_of(articles)
    event = event_of(event_id, articles, groups)
    return Material(event, tuple(articles), analyse_event(event, articles, groups), groups)
