"""The briefs stage: a verified brief per analysed event, a new version when its articles change.

`write_briefs(store, settings)` runs after the analysis stage. An event is written when its
stored analysis was made from other articles than its latest brief (the brief is stored under
the analysis' articles key, with this stage's FORMAT), so a run writes briefs only for events
that gained, lost or revised articles. Each brief is drafted by the writer the settings name
(the embedded writer stands in for the rest of the run when the LLM writer fails),
verified (`verify.verify_brief`), compared with the previous version (`changes`) and stored as
a new version; old versions are kept. An error while writing one event's brief is recorded
against the event (`Store.put_failure`) and the other events go on; the next run tries it again.

The drafting and the verification of a brief run where the engine says (`newsweave.engine`):
in this process, or, with Ray, one task per brief on a worker that keeps the writer's and the
support checker's models loaded; the material is read from the store, and what changed since
the previous version is found and stored, here. Under Ray a worker's brief falls back to the
embedded writer when the LLM writer fails on it, and the briefs sent after that failure is
known are written by the embedded writer, as in process.

Several workers on one store share the events as the analysis stage's do: a worker writes
the briefs whose locks it claims (`store.claimed_batches`), and `Store.put_brief` numbers the
versions under a lock of its own, so no brief is written twice or numbered twice.

Background: an event's earlier storyline events (those first seen before it) go into its brief,
read from their stored analyses. A brief is not rewritten when only an earlier event changed;
its next version picks that up.

What changed since the previous version (`changes`): sources whose article the previous
version did not list; sentences whose content words no previous sentence shares at NEW_OVERLAP
or more (they are marked `new`); what it no longer says: the previous headline and lead when
they were replaced, and each previous sentence that no sentence of the new version shares
NEW_OVERLAP of its words with (dropped); and changed figures: what both versions count (the
analysis' count reader, so "nine people were killed" and "Eleven people died" both count the
dead) with other values ("the number of dead: 9 → 9 or 11"), and a sentence close to a previous
one (SAME_OVERLAP or more) that states other numbers than no count above names.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from typing import Protocol

from newsweave.analysis.nli import NliModel, load_nli
from newsweave.analysis.nlp import Sentence, load_nlp
from newsweave.analysis.values.counts import NOT, read_counts
from newsweave.analysis.words import jaccard
from newsweave.briefs.assembly import DISPUTED_COUNTS, trim
from newsweave.briefs.edits import edit_pattern
from newsweave.briefs.embedded import write_brief
from newsweave.briefs.llm import LlmError, LlmWriter
from newsweave.briefs.material import Material, material_for, material_from_articles
from newsweave.briefs.model import (
    Brief,
    BriefSentence,
    Changes,
    Section,
    from_document,
    to_document,
)
from newsweave.briefs.verify import verify_brief
from newsweave.engine import Engine, LocalEngine, engine_for
from newsweave.errors import StoreError
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

__all__ = [
    "BriefsReport",
    "Writer",
    "brief_from_articles",
    "brief_of_material",
    "changes",
    "load_brief",
    "write_briefs",
    "writer_for",
]

FORMAT = 6  # bumped when the writer's or the verifier's rules change: every brief rewritten
NEW_OVERLAP = 0.5
SAME_OVERLAP = 0.4
_WORD = re.compile(r"[^\W_]+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

Progress = Callable[[str, int, int], None]


class Writer(Protocol):
    """Drafts a brief from an event's material; `max_words` bounds its prose."""

    def __call__(self, material: Material, *, max_words: int | None = None) -> Brief: ...


@dataclass
class BriefsReport:
    events: int = 0  # analysed events
    written: int = 0  # new versions written in this run
    unchanged: int = 0
    sentences_removed: int = 0  # by verification, over the briefs written
    llm_error: str | None = None  # why the LLM writer failed; the embedded one wrote the rest
    failed: dict[str, str] = field(default_factory=dict)  # why, by the id of each failed event
    no_news: list[str] = field(default_factory=list)  # events with no sentence of news: no brief


def write_briefs(
    store: Store,
    settings: Settings,
    *,
    writer: Writer | None = None,
    progress: Progress | None = None,
    engine: Engine | None = None,
) -> BriefsReport:
    """Write a new version of every brief whose event's articles changed (see the module doc).
    `writer` drafts a brief from an event's material; the settings' writer unless given. When
    the LLM writer fails, the embedded writer writes that brief and the rest of the run.
    `engine` (the settings' unless given) drafts and verifies each brief; a writer given here
    always runs in this process."""
    engine = engine or engine_for(settings)
    if writer is not None:
        engine = LocalEngine()
    writer = writer or writer_for(settings)
    report = BriefsReport()
    events: list[Event] = []
    analysed: dict[str, str] = {}

    def pending() -> list[Event]:
        events[:] = list_events(store)
        analysed.clear()
        analysed.update(store.get_analysis_keys())
        todo = _unwritten(events, analysed, store.get_brief_keys())
        if not report.events:
            report.events = sum(e.event_id in analysed for e in events)
            report.unchanged = report.events - len(todo)
        return todo

    def still_pending(todo: list[Event]) -> list[Event]:
        return _unwritten(todo, analysed, store.get_brief_keys())

    articles = CurrentArticles(store)
    tick = progress_counter(progress, "writing briefs", lambda: report.events - report.unchanged)

    for todo in claimed_batches(store, pending, _lock_name, still_pending):
        if todo:
            materials = _materials(store, todo, events, articles)
            if engine.in_process:
                task = partial(_draft_and_verify, writer, settings)
            else:
                task = partial(_brief_job, settings)
            jobs = ((material, report.llm_error is not None) for material in materials)
            _store(store, todo, analysed, engine.map(task, jobs), report, tick)
    return report


def _unwritten(
    events: Sequence[Event], analysed: Mapping[str, str], written: Mapping[str, str]
) -> list[Event]:
    """The analysed events of `events` whose latest brief was written from other articles."""
    return [
        event
        for event in events
        if event.event_id in analysed
        and written.get(event.event_id) != _key(analysed[event.event_id])
    ]


def _lock_name(event: Event) -> str:
    """The lock a worker holds while it writes the brief of `event` (`Store.claim`)."""
    return f"brief {event.event_id}"


def _materials(
    store: Store, todo: Sequence[Event], events: Sequence[Event], current: CurrentArticles
) -> Iterator[Material | Exception | None]:
    """What the writer reads of each event of `todo` (None: it has no analysis), or the error
    that stopped reading it; the store's own errors are raised."""
    articles = current.having(article_id for event in events for article_id in event.article_ids)
    groups = store.get_copy_groups()
    for event in todo:
        try:
            yield material_for(store, event, events, articles, groups)
        except StoreError:
            raise  # the store's trouble, not the event's
        except Exception as error:  # any other: the event's own, the other events go on
            yield error


# a verified brief (None: the event has no sentence of news), and why the LLM writer failed on it
_Drafted = tuple[Brief | None, str | None]


def _store(
    store: Store,
    todo: Sequence[Event],
    analysed: Mapping[str, str],
    drafted: Iterator[_Drafted | Exception | None],
    report: BriefsReport,
    tick: Callable[[], None],
) -> None:
    """Store each brief of `todo` (held by this worker), with what changed since the event's
    latest brief, or its failure: an event's error is its own and the other events go on. An
    event with no sentence of news gets no brief (`_has_news`): it is listed in
    `report.no_news`."""
    for event, outcome in zip(todo, drafted, strict=True):
        brief = None
        try:
            if isinstance(outcome, Exception):
                raise outcome
            if outcome is not None:
                verified, llm_error = outcome
                report.llm_error = report.llm_error or llm_error
                if verified is None or not _has_news(verified):
                    report.no_news.append(event.event_id)
                else:
                    previous = load_brief(store, event.event_id)
                    brief = changes(verified, previous) if previous is not None else verified
        except StoreError:
            raise  # the store's trouble, not the event's
        except Exception as error:  # any other: the event's own, the other events go on
            failure = EventFailure.now(event.event_id, "briefs", error)
            store.put_failure(failure)
            report.failed[event.event_id] = failure.reason
        if brief is not None:
            with store.transaction():
                store.put_brief(event.event_id, _key(analysed[event.event_id]), to_document(brief))
                store.delete_failure(event.event_id, "briefs")
            report.written += 1
            report.sentences_removed += len(brief.verification.sentences_removed)
        tick()


def _has_news(brief: Brief) -> bool:
    """Whether a brief states anything: a sentence in a section or a pull quote. An event's
    articles of nothing but page furniture (a web archive's landing page, a share form: no
    sentence the analysis reads as a claim) leave a headline alone, which is no brief."""
    return brief.pull_quote is not None or any(
        sentence
        for section in brief.sections
        for paragraph in section.paragraphs
        for sentence in paragraph
    )


def _draft_and_verify(
    writer: Writer,
    settings: Settings,
    job: tuple[Material | Exception | None, bool],
) -> _Drafted | Exception | None:
    """The verified brief of the job's material, drafted by `writer` (by the embedded writer
    when the LLM writer failed earlier in the run: the job's flag), and why the LLM writer
    failed on it; the material as it is when it is none. The support checker is loaded only
    when there is a draft to verify, so a run with no news never loads it."""
    material, llm_failed = job
    if not isinstance(material, Material):
        return material
    if not material.analysis.claims:
        return None, None
    llm_error = None
    draft = None
    if not llm_failed:
        try:
            draft = writer(material)
        except LlmError as error:
            llm_error = str(error)
    if draft is None:
        draft = write_brief(material)
    nli = _nli(settings.support_nli)
    brief = verify_brief(
        draft, _cited(material), nli=nli, keep_unsupported=settings.keep_unsupported
    )
    return brief, llm_error


def _brief_job(
    settings: Settings, job: tuple[Material | Exception | None, bool]
) -> _Drafted | Exception | None:
    """A worker's task: `_draft_and_verify` with the settings' writer and support checker,
    each loaded once per process."""
    return _draft_and_verify(writer_for(settings), settings, job)


@lru_cache(maxsize=2)
def _nli(setting: str) -> NliModel | None:
    """The NLI model the `support_nli` setting names, loaded once per process."""
    return load_nli(setting)


def _cited(material: Material) -> dict[str, Article]:
    """Every article a brief of `material` may cite (its event's and its background's), by id."""
    background = (a for entry in material.background for a in entry.articles)
    return {a.article_id: a for a in (*material.articles, *background)}


def brief_from_articles(
    articles: Sequence[Article],
    *,
    max_words: int | None = None,
    writer: Writer | None = None,
    nli: NliModel | None = None,
    event_id: str = "ev_given",
) -> Brief:
    """The verified brief of articles given as one event, outside any store (the evaluation
    reads gold events this way). With `max_words`, the writer drafts half as much again, so
    verification has sentences to spare, and the verified brief is cut to `max_words`."""
    material = material_from_articles(articles, event_id)
    return brief_of_material(material, max_words=max_words, writer=writer, nli=nli)


def brief_of_material(
    material: Material,
    *,
    max_words: int | None = None,
    writer: Writer | None = None,
    nli: NliModel | None = None,
) -> Brief:
    """The verified brief of an event's material, not stored and with no earlier version to
    compare with (how the evaluation writes); `max_words` as in `brief_from_articles`."""
    draft = (writer or write_brief)(
        material, max_words=round(max_words * 1.5) + 10 if max_words else None
    )
    brief = verify_brief(draft, _cited(material), nli=nli)
    return trim(brief, max_words) if max_words else brief


def writer_for(settings: Settings) -> Writer:
    """The writer the settings name: the embedded one, or the LLM writer."""
    return LlmWriter(settings) if settings.writer == "llm" else write_brief


def load_brief(store: Store, event_id: str, version: int | None = None) -> Brief | None:
    document = store.get_brief(event_id, version)
    return from_document(document) if document is not None else None


def changes(brief: Brief, previous: Brief) -> Brief:
    """The brief with what changed since `previous` recorded (see the module doc) and its new
    sentences marked."""
    known_articles = {entry.article_id for entry in previous.sources}
    old = [(_words(s.text), _numbers(s.text)) for _, s in previous.sentences()]
    new_count = 0
    counted = _changed_counts(previous, brief)
    figures = [f"{name}: {_either(before)} → {_either(after)}" for name, before, after in counted]
    told = {str(value) for _, before, after in counted for value in before | after}

    def mark(sentence: BriefSentence) -> BriefSentence:
        nonlocal new_count
        words, numbers = _words(sentence.text), _numbers(sentence.text)
        overlaps = [(jaccard(words, w), n) for w, n in old]
        best, best_numbers = max(overlaps, default=(0.0, set()))
        if best >= SAME_OVERLAP and numbers and best_numbers and numbers != best_numbers:
            before = ", ".join(sorted(best_numbers - numbers)) or ", ".join(sorted(best_numbers))
            after = ", ".join(sorted(numbers - best_numbers)) or ", ".join(sorted(numbers))
            if not (numbers ^ best_numbers) <= told:  # else a count above says it
                figures.append(f"{before} → {after}: {sentence.prose}")
            new_count += 1
            return replace(sentence, new=True)
        if best < NEW_OVERLAP:
            new_count += 1
            return replace(sentence, new=True)
        return sentence

    sections = tuple(
        Section(section.kind, tuple(tuple(map(mark, p)) for p in section.paragraphs))
        for section in brief.sections
    )
    lead, previous_lead = _lead(brief), _lead(previous)
    now = [_words(s.text) for _, s in brief.sentences()]
    removed = [
        s.prose
        for _, s in previous.sentences()
        if not s.note
        and s.prose != previous_lead
        and all(jaccard(_words(s.text), words) < NEW_OVERLAP for words in now)
    ]
    record = Changes(
        previous_version=previous.version,
        new_sources=tuple(e.number for e in brief.sources if e.article_id not in known_articles),
        new_sentences=new_count,
        changed_figures=tuple(figures),
        previous_headline=previous.headline if previous.headline != brief.headline else "",
        previous_lead=previous_lead if _words(previous_lead) != _words(lead) else "",
        removed=tuple(removed),
    )
    return replace(brief, sections=sections, changes=record)


def _lead(brief: Brief) -> str:
    return next((s.prose for kind, s in brief.sentences() if kind == "lead"), "")


def _changed_counts(previous: Brief, brief: Brief) -> list[tuple[str, set[int], set[int]]]:
    """What each version's sentences count (the analysis' count reader: "nine people were
    killed" counts the dead), where both count it and the counts differ: ("the number of dead",
    {9}, {9, 11})."""
    before, after = _counts(previous), _counts(brief)
    return [
        (DISPUTED_COUNTS.get(what, f"the number of {_plural(what)}"), before[what], after[what])
        for what in sorted(before.keys() & after.keys())
        if before[what] != after[what]
    ]


def _plural(noun: str) -> str:
    """A counted noun's lemma as a count names it: "firefighters", "bodies", "people"."""
    if edit_pattern("edits.plural-unchanged").match(noun):
        return noun
    if edit_pattern("edits.plural-es").match(noun):
        return f"{noun}es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return f"{noun[:-1]}ies"
    return f"{noun}s"


def _counts(brief: Brief) -> dict[str, set[int]]:
    nlp = load_nlp()
    out: dict[str, set[int]] = {}
    texts = [s.text for _, s in brief.sentences() if s.check == "support"]
    for text, doc in zip(texts, nlp.pipe(texts), strict=True):
        sentence = Sentence(0, 0, len(text), text)
        for mention in read_counts(doc[:], 0, sentence, frozenset(), None):
            for what in mention.what - {NOT}:
                out.setdefault(what, set()).add(int(float(mention.value)))
    return out


def _either(values: set[int]) -> str:
    ordered = [f"{value:,}" for value in sorted(values)]
    return ", ".join(ordered[:-1]) + " or " + ordered[-1] if len(ordered) > 1 else ordered[0]


def _key(analysis_key: str) -> str:
    return f"{analysis_key}/{FORMAT}"


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(text))
