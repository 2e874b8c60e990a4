"""The analysis stage: each event's claims, disagreements, quotes and statements, stored.

`analyse_events(store, settings)` runs after the stories stage. For every event whose articles
changed since its stored analysis, it parses the articles once (`claims.read_event`, with the
copy groups the stories stage stored, so sources are counted as an event's are) and reads from
that one parse. The parse is the costliest part after the embeddings, so with many articles to
read, worker processes parse the next events' articles while this one analyses the last ones
(`nlp.parse`). From each event's parse:

1. claims: the event's sentences aligned across its articles (`claims.align_claims`);
2. disagreements: counts, dates and yes/no facts stated two ways (`disagreements`);
3. quotes: who said what, per article (`quotes.extract_quotes`; none whose reporting cue is in
   page furniture, a caption's remark), and each article's people by their full names
   (`people.full_names`), for a writer to name them in full;
4. statements: one remark as several articles render it (`statements.group_statements`).

One event's failure is its own: an error while analysing it (a bug, or an article no check
foresaw) is recorded against the event (`Store.put_failure`: the stage, one line, when) and the
stage goes on with the next event; the event keeps no new analysis, so the next run tries it
again, and a success clears the failure. When the worker processes' parse fails, the events
left are parsed in this process, event by event, so that a text the parser fails on fails its
own event alone.

The result is an `EventAnalysis` (`analysis.model`), stored as one JSON document per event
(`model.to_document`, with the document's `format`); `load_analysis` reads it back into the same
dataclasses (`model.from_document`), so callers always get typed objects.

What "changed" means: an analysis is stored under its *articles key*, a hash of the event's
article ids (content hashes: a revised text is a new id) with each one's copy group (a new wire
copy elsewhere can join two groups, which changes how sources are counted) and `FORMAT`, the
version of the document's layout and of the rules that made it. An event whose key is the
stored one is skipped. A merge drops the retired id's analysis in the merge's own transaction
(`Store.merge_event`), and the event it joined gets a new key; any other analysis whose event
no longer exists (its articles all revised into other events, say) is deleted here.

Where the parse and the analysis run is the engine's (`newsweave.engine`, the `engine`
setting): in this process as above, or, with Ray, one task per event on a worker that parses
its articles and analyses them with the models it keeps loaded (`_analyse_job`); the results
come back in order and are stored here, as in process.

Several workers on one store share the events: a worker analyses the events whose locks it
claims (`store.claimed_batches`), skips those another worker holds, and before it ends waits for
them to be stored, so each analysis is made once and a run ends with every changed event done.

MiniLM is the embedder here whatever the `embedder` setting says: the thresholds of claims and
statements were measured with it. No setting steers this stage yet; it takes `settings` as
every stage does.
"""

from __future__ import annotations

import hashlib
import time
from bisect import bisect_right
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any

from newsweave.analysis.claims import align_claims, read_event
from newsweave.analysis.disagreements import find_disagreements
from newsweave.analysis.model import EventAnalysis, from_document, to_document
from newsweave.analysis.nlp import Sentence, minilm, parse
from newsweave.analysis.people import full_names
from newsweave.analysis.quotes import Quote, extract_quotes
from newsweave.analysis.statements import group_statements
from newsweave.engine import Engine, engine_for
from newsweave.model import Article, Event
from newsweave.settings import Settings
from newsweave.store import (
    CurrentArticles,
    EventFailure,
    Store,
    claimed_batches,
    progress_counter,
)
from newsweave.stories import list_events
from newsweave.stories.embed import Embedder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "AnalysisReport",
    "analyse_event",
    "analyse_events",
    "articles_key",
    "list_analyses",
    "load_analysis",
]

FORMAT = 13  # bumped when the stored layout or the analysis rules change: every event re-analysed
STEPS = ("parse", "claims", "disagreements", "quotes", "statements")

Progress = Callable[[str, int, int], None]


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
    engine: Engine | None = None,
) -> AnalysisReport:
    """Analyse every event whose articles changed since its stored analysis; store the results.

    `embedder` is MiniLM, loaded here unless given (see the module doc). `event_ids`, when
    given, limits the analysis to those events (a benchmark's sample of a large store).
    `engine` (the settings' unless given) runs each event's parse and analysis; in this
    process, the parse runs ahead in worker processes (`nlp.parse`)."""
    engine = engine or engine_for(settings)
    report = AnalysisReport()
    keys: dict[str, str] = {}
    groups: dict[str, str] = {}

    def pending() -> list[Event]:
        stored = store.get_analysis_keys()  # first: each of these was of an event there then
        events = list_events(store)
        gone = stored.keys() - {event.event_id for event in events}
        if gone:
            store.delete_analyses(gone)
        groups.update(store.get_copy_groups())
        keys.update({event.event_id: articles_key(event.article_ids, groups) for event in events})
        todo = [
            event
            for event in events
            if stored.get(event.event_id) != keys[event.event_id]
            and (event_ids is None or event.event_id in event_ids)
        ]
        if not report.events:
            report.events, report.unchanged = len(events), len(events) - len(todo)
        report.removed += len(gone)
        return todo

    def still_pending(events: list[Event]) -> list[Event]:
        stored = store.get_analysis_keys()
        return [event for event in events if stored.get(event.event_id) != keys[event.event_id]]

    articles = CurrentArticles(store)
    tick = progress_counter(progress, "analysing", lambda: report.events - report.unchanged)

    for todo in claimed_batches(store, pending, _lock_name, still_pending):
        if todo:
            members = _members(todo, articles)
            if engine.in_process:
                embedder = embedder or minilm()
                analysed = _analysed_here(todo, members, groups, embedder, report.seconds)
            else:
                analysed = _analysed_on(engine, todo, members, groups, report.seconds)
            _store(store, todo, members, analysed, keys, report, tick)
    return report


def _lock_name(event: Event) -> str:
    """The lock a worker holds while it analyses `event` (`Store.claim`)."""
    return f"analysis {event.event_id}"


def _members(todo: Sequence[Event], current: CurrentArticles) -> dict[str, list[Article]]:
    """The articles of each event of `todo`, by event id."""
    articles = current.having(article_id for event in todo for article_id in event.article_ids)
    return {
        event.event_id: [articles[article_id] for article_id in event.article_ids] for event in todo
    }


def _store(
    store: Store,
    todo: Sequence[Event],
    members: Mapping[str, Sequence[Article]],
    analysed: Iterator[EventAnalysis | Exception],
    keys: Mapping[str, str],
    report: AnalysisReport,
    tick: Callable[[], None],
) -> None:
    """Store the analysis of each event of `todo` (held by this worker), or its failure: an
    error while analysing an event is the event's own, and the other events go on."""
    for event, analysis in zip(todo, analysed, strict=True):
        if isinstance(analysis, Exception):
            failure = EventFailure.now(event.event_id, "analysis", analysis)
            store.put_failure(failure)
            report.failed[event.event_id] = failure.reason
        else:
            with store.transaction():
                store.put_analysis(event.event_id, keys[event.event_id], _document(analysis))
                store.delete_failure(event.event_id, "analysis")
            report.analysed += 1
            report.articles += len(members[event.event_id])
        tick()


def _analysed_here(
    todo: Sequence[Event],
    members: Mapping[str, Sequence[Article]],
    groups: Mapping[str, str],
    embedder: Embedder,
    seconds: dict[str, float],
) -> Iterator[EventAnalysis | Exception]:
    """Each event's analysis, or the error that stopped it, in this process; worker processes
    parse the next events' articles meanwhile."""
    texts = (article.text for event in todo for article in members[event.event_id])
    with closing(parse(texts, workers=True)) as docs:
        workers: Iterator[Doc] | None = docs
        for event in todo:
            lap = _Stopwatch(seconds)
            workers, parsed = _next_docs(workers, len(members[event.event_id]))
            lap("parse")
            try:
                yield analyse_event(
                    event,
                    members[event.event_id],
                    groups,
                    docs=parsed,
                    embedder=embedder,
                    seconds=seconds,
                )
            except Exception as error:  # any error: the event's own, the other events go on
                yield error


def _analysed_on(
    engine: Engine,
    todo: Sequence[Event],
    members: Mapping[str, Sequence[Article]],
    groups: Mapping[str, str],
    seconds: dict[str, float],
) -> Iterator[EventAnalysis | Exception]:
    """Each event's analysis, or the error that stopped it, parsed and analysed on the
    engine's workers, each sent the event, its articles and their copy groups."""
    jobs = (
        (
            event,
            members[event.event_id],
            {
                a.article_id: groups[a.article_id]
                for a in members[event.event_id]
                if a.article_id in groups
            },
        )
        for event in todo
    )
    for outcome in engine.map(_analyse_job, jobs):
        if isinstance(outcome, Exception):
            yield outcome
        else:
            analysis, spent = outcome
            for step, took in spent.items():
                seconds[step] = seconds.get(step, 0.0) + took
            yield analysis


def _analyse_job(
    job: tuple[Event, Sequence[Article], Mapping[str, str]],
) -> tuple[EventAnalysis, dict[str, float]]:
    """A worker's task: one event's analysis (its articles parsed here, MiniLM loaded once per
    process), with the time of each step."""
    event, articles, groups = job
    seconds: dict[str, float] = {}
    analysis = analyse_event(event, articles, groups, embedder=minilm(), seconds=seconds)
    return analysis, seconds


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
        article.article_id: _outside_furniture(extract_quotes(article.text, doc), kept)
        for article, doc, kept in zip(text.articles, text.docs, text.sentences, strict=True)
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
    return from_document(document)


def list_analyses(store: Store) -> list[EventAnalysis]:
    """The stored analysis of every analysed event, the most recently updated event first."""
    analyses = (load_analysis(store, event.event_id) for event in list_events(store))
    return [analysis for analysis in analyses if analysis is not None]


def _document(analysis: EventAnalysis) -> dict[str, Any]:
    return {"format": FORMAT, **to_document(analysis)}


def _outside_furniture(quotes: Sequence[Quote], kept: Sequence[Sentence]) -> tuple[Quote, ...]:
    """The quotes whose reporting cue is in a sentence the event's reading kept (`read_event`
    drops page furniture): a remark quoted in a photo's caption or a gallery's slide is no
    statement of the event and no pull quote."""
    starts = [sentence.start for sentence in kept]

    def in_kept(at: int) -> bool:
        index = bisect_right(starts, at) - 1
        return index >= 0 and at < kept[index].end

    return tuple(quote for quote in quotes if in_kept(quote.cue_span[0]))


class _Stopwatch:
    """Called with a step's name, adds the time since the previous call to that step's total."""

    def __init__(self, seconds: dict[str, float]) -> None:
        self.seconds = seconds
        self.last = time.perf_counter()

    def __call__(self, step: str) -> None:
        now = time.perf_counter()
        self.seconds[step] = self.seconds.get(step, 0.0) + now - self.last
        self.last = now
