"""What the analysis stage reads from an event, and the JSON document it is stored as.

`EventAnalysis` gathers one event's claims, disagreements, quotes, statements and people; the
analysis stage (`analysis.stage`) makes and stores it, and the briefs' writers read it.
`to_document` and `from_document` turn it into the stored JSON document and back into the same
typed values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from newsweave.analysis.claims import Claim, ClaimSentence
from newsweave.analysis.disagreements import Disagreement, Side
from newsweave.analysis.quotes import Quote
from newsweave.analysis.statements import Statement, Variant

__all__ = ["EventAnalysis", "from_document", "to_document"]


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
    # each article's people, surname key -> full name (`people.full_names`), by article id
    people: Mapping[str, Mapping[str, str]]

    def outlets_of(self, article_ids: Sequence[str]) -> tuple[str, ...]:
        """The outlets of these articles, first seen first."""
        return tuple(dict.fromkeys(self.outlets[article_id] for article_id in article_ids))


def to_document(analysis: EventAnalysis) -> dict[str, Any]:
    """The analysis as the JSON document the store keeps (without its `format`, which the
    stage adds)."""
    return asdict(analysis)


def from_document(data: Mapping[str, Any]) -> EventAnalysis:
    """The analysis a stored document holds (`to_document`'s output, of the current format)."""
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
