"""A brief, as the writers draft it, the verifier checks it and the store keeps its versions.

A brief is sections of sentences. Each `BriefSentence` keeps apart the words taken from the
sources (`text`, what verification checks against the cited articles) and the words newsweave
puts around them (`frame`: "March 3, 2026: ", "Other outlets report the same remark as "), so
the checker never reads newsweave's words as a claim. A bare fact that only one of an event's
independent sources supports is marked `single_source` (renderers put † after its citation)
rather than stated as settled. Citations are numbers in the brief's source list; a source is
one independent report (a wire story run by three outlets is one source, crediting all three).

`to_document`/`from_document` turn a brief into the JSON document the store keeps and back.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

__all__ = [
    "SECTION_KINDS",
    "Brief",
    "BriefSentence",
    "Changes",
    "Evidence",
    "PullQuote",
    "Section",
    "SourceEntry",
    "Verification",
    "from_document",
    "to_document",
]

FORMAT = 3  # the layout of the stored document

# In reading order. lead: what happened, one sentence; why: why it matters; body: the rest of
# what happened, statements and reactions; differences: where sources disagree; background:
# earlier events of the storyline, dated; analysis: what it means, in the sources' words.
SECTION_KINDS = ("lead", "why", "body", "differences", "background", "analysis")
SectionKind = Literal["lead", "why", "body", "differences", "background", "analysis"]


@dataclass(frozen=True)
class Evidence:
    """Where a cited article says what a sentence says: `text` is the article's
    `text[start:end]`, found by verification (the sentence the brief took, or the passage the
    support checker matched)."""

    article_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class BriefSentence:
    text: str  # the sources' words, lightly edited; what verification checks
    citations: tuple[int, ...]  # numbers in the source list
    frame: str = ""  # newsweave's words before the text, with their own punctuation
    check: Literal["support", "quotes"] = "support"  # "quotes": only quoted words, each verbatim
    note: bool = False  # a note on the sentence before it, which it goes with when that goes
    attributed: bool = True  # its words say who states it ("X said"); False for a bare fact
    single_source: bool = False  # a bare fact one source alone supports, in a many-source event
    new: bool = False  # says something the previous version did not
    unsupported: bool = False  # verification found no support; kept only when debugging
    evidence: tuple[Evidence, ...] = ()  # per supporting article, set by verification

    @property
    def prose(self) -> str:
        return f"{self.frame}{self.text}"


@dataclass(frozen=True)
class Section:
    kind: SectionKind
    paragraphs: tuple[tuple[BriefSentence, ...], ...]


@dataclass(frozen=True)
class PullQuote:
    text: str  # verbatim from every cited article
    speaker: str
    citations: tuple[int, ...]


@dataclass(frozen=True)
class SourceEntry:
    number: int
    article_id: str  # the article cited (the first of its wire copies to be published)
    outlet: str
    title: str
    url: str | None
    published_at: str | None  # ISO 8601, UTC
    also_ran: tuple[str, ...] = ()  # other outlets that ran the same wire copy
    event_id: str | None = None  # set for background sources: the earlier event they report


@dataclass(frozen=True)
class Verification:
    """What verification did to a draft."""

    sentences_checked: int = 0
    sentences_kept: int = 0
    sentences_removed: tuple[str, ...] = ()  # the removed sentences' prose
    citations_checked: int = 0
    citations_dropped: int = 0
    citations_added: int = 0
    quotes_checked: int = 0
    quotes_verbatim: int = 0


@dataclass(frozen=True)
class Changes:
    """What a version says that the one before it did not, and what it no longer says."""

    previous_version: int
    new_sources: tuple[int, ...]  # source numbers (of this version's list)
    new_sentences: int
    # "9 → 11: <the new sentence>"; "the number of dead: 9 → 9 or 11" across the brief
    changed_figures: tuple[str, ...]
    previous_headline: str = ""  # the previous version's, when this one's differs
    previous_lead: str = ""  # the previous version's lead, when this one leads otherwise
    removed: tuple[str, ...] = ()  # the previous version's sentences this one no longer says


@dataclass(frozen=True)
class Brief:
    event_id: str
    headline: str
    sections: tuple[Section, ...]  # in SECTION_KINDS order, empty ones left out
    pull_quote: PullQuote | None
    sources: tuple[SourceEntry, ...]
    independent_sources: int  # of the event, as the stories stage counts them
    writer: str  # "embedded" or "llm:<model>"
    written_at: str  # ISO 8601, UTC
    verification: Verification = field(default_factory=Verification)
    changes: Changes | None = None  # None for a first version
    version: int = 0  # set by the store

    def sentences(self) -> Iterator[tuple[SectionKind, BriefSentence]]:
        for section in self.sections:
            for paragraph in section.paragraphs:
                for sentence in paragraph:
                    yield section.kind, sentence

    def section(self, kind: SectionKind) -> Section | None:
        return next((s for s in self.sections if s.kind == kind), None)

    def source(self, number: int) -> SourceEntry:
        return self.sources[number - 1]

    def prose(self) -> str:
        """The brief's words as a reader reads them, without citations or the source list."""
        parts = [sentence.prose for _, sentence in self.sentences()]
        if self.pull_quote:
            parts.append(f"“{self.pull_quote.text}”")
        return " ".join(parts)

    def with_sections(self, sections: tuple[Section, ...]) -> Brief:
        return replace(self, sections=tuple(s for s in sections if s.paragraphs))


def to_document(brief: Brief) -> dict[str, Any]:
    return {"format": FORMAT, **asdict(brief)}


def from_document(data: Mapping[str, Any]) -> Brief:
    def sentence(item: Mapping[str, Any]) -> BriefSentence:
        evidence = tuple(Evidence(**span) for span in item.get("evidence", ()))
        return BriefSentence(
            **{**item, "citations": tuple(item["citations"]), "evidence": evidence}
        )

    quote = data["pull_quote"]
    changes = data["changes"]
    verification = data["verification"]
    return Brief(
        event_id=data["event_id"],
        headline=data["headline"],
        sections=tuple(
            Section(
                section["kind"],
                tuple(tuple(sentence(s) for s in para) for para in section["paragraphs"]),
            )
            for section in data["sections"]
        ),
        pull_quote=PullQuote(**{**quote, "citations": tuple(quote["citations"])})
        if quote
        else None,
        sources=tuple(
            SourceEntry(**{**entry, "also_ran": tuple(entry["also_ran"])})
            for entry in data["sources"]
        ),
        independent_sources=data["independent_sources"],
        writer=data["writer"],
        written_at=data["written_at"],
        verification=Verification(
            **{**verification, "sentences_removed": tuple(verification["sentences_removed"])}
        ),
        changes=Changes(
            **{
                **changes,
                "new_sources": tuple(changes["new_sources"]),
                "changed_figures": tuple(changes["changed_figures"]),
                "removed": tuple(changes.get("removed", ())),
            }
        )
        if changes
        else None,
        version=data.get("version", 0),
    )
