"""The analysis stage: each event's claims, disagreements, quotes and statements, stored.

`analyse_events(store, settings)` runs after the stories stage. For every event whose articles
changed since its stored analysis, it parses the articles once (`claims.read_event`, with the
copy groups the stories stage stored, so sources are counted as an event's are) and reads from
that one parse. The parse is the costliest part after the embeddings, so with many articles to
read, worker processes parse the next events' articles while this one analyses the last ones
(`nlp.parse`). From each event's parse:

1. claims: the event's sentences aligned across its articles (`claims.align_claims`);
2. disagreements: counts, dates and yes/no facts stated two ways (`disagreements`);
3. quotes: who said what, per article (`quotes.extract_quotes`), and each article's people by
   their full names (`quotes.full_names`), for a writer to name them in full;
4. statements: one remark as several articles render it (`statements.group_statements`).

One event's failure is its own: an error while analysing it (a bug, or an article no check
foresaw) is recorded against the event (`Store.put_failure`: the stage, one line, when) and the
stage goes on with the next event; the event keeps no new analysis, so the next run tries it
again, and a success clears the failure. When the worker processes' parse fails, the events
left are parsed in this process, event by event, so that a text the parser fails on fails its
own event alone.

The result is an `EventAnalysis`, stored as one JSON document per event (`asdict` of it, with
the document's `format`); `load_analysis` reads it back into the same dataclasses, so callers
always get typed objects.

What "changed" means: an analysis is stored under its *articles key*, a hash of the event's
article ids (content hashes: a revised text is a new id) with each one's copy group (a new wire
copy elsewhere can join two groups, which changes how sources are counted) and `FORMAT`, the
version of the document's layout and of the rules that made it. An event whose key is the
stored one is skipped. A merge drops the retired id's analysis in the merge's own transaction
(`Store.merge_event`), and the event it joined gets a new key; any other analysis whose event
no longer exists (its articles all revised into other events, say) is deleted here.

MiniLM is the embedder here whatever the `embedder` setting says: the thresholds of claims and
statements were measured with it. No setting steers this stage yet; it takes `settings` as
every stage does.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import asdict, dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from newsweave.analysis.claims import Claim, ClaimSentence, align_claims, read_event
from newsweave.analysis.disagreements import Disagreement, Side, find_disagreements
from newsweave.analysis.nlp import minilm, parse
from newsweave.analysis.quotes import Quote, extract_quotes, full_names
from newsweave.analysis.statements import Statement, Variant, group_statements
from newsweave.model import Article, Event
from newsweave.settings import Settings
from newsweave.store import EventFailure, Store
from newsweave.stories import list_events
from newsweave.stories.embed import Embedder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "AnalysisReport",
    "EventAnalysis",
    "analyse_event",
    "analyse_events",
    "articles_key",
    "list_analyses",
    "load_analysis",
]

FORMAT = 10  # bumped when the stored layout or the analysis rules change: every event re-analysed
STEPS = ("parse", "claims", "disagreements", "quotes", "statements")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class EventAnalysis:
    """What the analysis read from one event's articles."""

    event_id: str
    title: str  # the event's title when it was analysed
    outlets: Mapping[str, str]  # the outlet of each article, by article id, in event order
    claims: tuple[Claim, ...]  # the most widely backed first
    disagreements: tuple[Disagreement, ...]
    quotes: Mapping[str, tuple[Quote, ...]]  # each article's quotes in text order, by article id
    statements: tuple[Statement, ...]
    # each article's people, surname key -> full name (`quotes.full_names`), by article id
    people: Mapping[str, Mapping[str, str]]

    def outlets_of(self, article_ids: Sequence[str]) -> tuple[str, ...]:
        """The outlets of these articles, first seen first."""
        return tuple(dict.fromkeys(self.outlets[article_id] for article_id in article_ids))


@dataclass
class AnalysisReport:
    """What one `analyse_events` run did."""

    events: int = 0  # events in the store
    analysed: int = 0  # events analysed in this run
    unchanged: int = 0  # events whose stored analysis still held
    articles: int = 0  # articles of the analysed events
    removed: int = 0  # analyses deleted because their event no longer exists
    failed: dict[str, str] = field(default_factory=dict)  # why, by the id of each failed event
    seconds: dict[str, float] = field(default_factory=dict)  # time spent in each step


def analyse_events(
    store: Store,
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
    event_ids: Collection[str] | None = None,
) -> AnalysisReport:
    """Analyse every event whose articles changed since its stored analysis; store the results.

    `embedder` is MiniLM, loaded here unless given (see the module doc). `event_ids`, when
    given, limits the analysis to those events (a benchmark's sample of a large store)."""
    report = AnalysisReport()
    events = list_events(store)
    stored = store.get_analysis_keys()
    gone = stored.keys() - {event.event_id for event in events}
    if gone:
        store.delete_analyses(gone)
    groups = store.get_copy_groups()
    keys = {event.event_id: articles_key(event.article_ids, groups) for event in events}
    todo = [
        event
        for event in events
        if stored.get(event.event_id) != keys[event.event_id]
        and (event_ids is None or event.event_id in event_ids)
    ]
    report.events, report.unchanged, report.removed = (
        len(events),
        len(events) - len(todo),
        len(gone),
    )
    if not todo:
        return report
    embedder = embedder or minilm()
    wanted = {article_id for event in todo for article_id in event.article_ids}
    articles = {a.article_id: a for a in store.iter_articles() if a.article_id in wanted}
    texts = (articles[article_id].text for event in todo for article_id in event.article_ids)
    with closing(parse(texts, workers=True)) as docs:
        workers: Iterator[Doc] | None = docs
        for done, event in enumerate(todo, start=1):
            members = [articles[article_id] for article_id in event.article_ids]
            lap = _Stopwatch(report.seconds)
            workers, parsed = _next_docs(workers, len(members))
            lap("parse")
            try:
                analysis = analyse_event(
                    event, members, groups, docs=parsed, embedder=embedder, seconds=report.seconds
                )
            except Exception as error:  # any error: the event's own, the other events go on
                failure = EventFailure.now(event.event_id, "analysis", error)
                store.put_failure(failure)
                report.failed[event.event_id] = failure.reason
            else:
                with store.transaction():
                    store.put_analysis(event.event_id, keys[event.event_id], _document(analysis))
                    store.delete_failure(event.event_id, "analysis")
                report.analysed += 1
                report.articles += len(members)
            if progress:
                progress("analysing", done, len(todo))
    return report


def _next_docs(
    workers: Iterator[Doc] | None, count: int
) -> tuple[Iterator[Doc] | None, list[Doc] | None]:
    """The next `count` Docs of the workers' parse, with the parse to read the next ones from;
    (None, None) once that parse has failed, when the event is parsed in this process. Its error
    is not this event's: the workers parse ahead, in batches that span events, and the event
    whose text fails fails again when it is parsed alone."""
    if workers is None:
        return None, None
    try:
        return workers, list(islice(workers, count))
    except Exception:
        return None, None


def analyse_event(
    event: Event,
    articles: Sequence[Article],
    copy_groups: Mapping[str, str],
    *,
    docs: Sequence[Doc] | None = None,
    embedder: Embedder | None = None,
    seconds: dict[str, float] | None = None,
) -> EventAnalysis:
    """One event's analysis (see the module doc), from the articles' spaCy `docs` when given
    (parsed here otherwise); the time of each step is added to `seconds` when given."""
    embedder = embedder or minilm()
    lap = _Stopwatch(seconds if seconds is not None else {})
    text = read_event(articles, docs, copy_groups)
    lap("parse")
    claims = align_claims(text, embedder=embedder)
    lap("claims")
    disagreements = find_disagreements(text, claims)
    lap("disagreements")
    quotes = {
        article.article_id: tuple(extract_quotes(article.text, doc))
        for article, doc in zip(text.articles, text.docs, strict=True)
    }
    people = {
        article.article_id: full_names(doc)
        for article, doc in zip(text.articles, text.docs, strict=True)
    }
    lap("quotes")
    statements = group_statements(quotes, embedder=embedder)
    lap("statements")
    return EventAnalysis(
        event_id=event.event_id,
        title=event.title,
        outlets={article.article_id: article.source.name for article in articles},
        claims=tuple(claims),
        disagreements=tuple(disagreements),
        quotes=quotes,
        statements=tuple(statements),
        people=people,
    )


def articles_key(article_ids: Sequence[str], copy_groups: Mapping[str, str]) -> str:
    """The key an event's analysis is stored under (see the module doc)."""
    lines = [f"format {FORMAT}"]
    lines += [
        f"{article_id} {copy_groups.get(article_id, article_id)}"
        for article_id in sorted(article_ids)
    ]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def load_analysis(store: Store, event_id: str) -> EventAnalysis | None:
    """The stored analysis of an event (by its exact id), or None when it has none in this
    format (the next run analyses it)."""
    document = store.get_analysis(event_id)
    if document is None or document.get("format") != FORMAT:
        return None
    return _analysis(document)


def list_analyses(store: Store) -> list[EventAnalysis]:
    """The stored analysis of every analysed event, the most recently updated event first."""
    analyses = (load_analysis(store, event.event_id) for event in list_events(store))
    return [analysis for analysis in analyses if analysis is not None]


# -- the stored document ------------------------------------------------------------------


def _document(analysis: EventAnalysis) -> dict[str, Any]:
    return {"format": FORMAT, **asdict(analysis)}


def _analysis(data: Mapping[str, Any]) -> EventAnalysis:
    return EventAnalysis(
        event_id=data["event_id"],
        title=data["title"],
        outlets=dict(data["outlets"]),
        claims=tuple(_claim(claim) for claim in data["claims"]),
        disagreements=tuple(_disagreement(item) for item in data["disagreements"]),
        quotes={
            article_id: tuple(_quote(quote) for quote in quotes)
            for article_id, quotes in data["quotes"].items()
        },
        statements=tuple(_statement(statement) for statement in data["statements"]),
        people={article_id: dict(names) for article_id, names in data["people"].items()},
    )


def _sentences(data: Sequence[Mapping[str, Any]]) -> tuple[ClaimSentence, ...]:
    return tuple(ClaimSentence(**sentence) for sentence in data)


def _claim(data: Mapping[str, Any]) -> Claim:
    return Claim(
        sentences=_sentences(data["sentences"]),
        outlets=tuple(data["outlets"]),
        independent_sources=data["independent_sources"],
        single_source=data["single_source"],
    )


def _disagreement(data: Mapping[str, Any]) -> Disagreement:
    sides = tuple(
        Side(
            value=side["value"],
            article_ids=tuple(side["article_ids"]),
            sentences=_sentences(side["sentences"]),
            independent_sources=side["independent_sources"],
        )
        for side in data["sides"]
    )
    return Disagreement(kind=data["kind"], about=data["about"], sides=sides)


def _quote(data: Mapping[str, Any]) -> Quote:
    speaker_span = data["speaker_span"]
    return Quote(
        kind=data["kind"],
        speaker=data["speaker"],
        speaker_span=tuple(speaker_span) if speaker_span is not None else None,
        cue_span=tuple(data["cue_span"]),
        content_span=tuple(data["content_span"]),
        content=data["content"],
        focus=data["focus"],
        context=data["context"],
    )


def _statement(data: Mapping[str, Any]) -> Statement:
    variants = tuple(
        Variant(variant["article"], _quote(variant["quote"]), variant["is_paraphrase"])
        for variant in data["variants"]
    )
    return Statement(speaker=data["speaker"], variants=variants)


class _Stopwatch:
    """Called with a step's name, adds the time since the previous call to that step's total."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self.last
        self.last = now
