"""The values an event's articles state, one reader per kind over a shared grammar.

`read_values(event)` reads every sentence of every article for counts (`counts`), dates
(`days`), places (`places`), people (`people`) and yes/no facts (`yes_no`), each a `Mention`
with what it is a value of. Which mentions are about the same happening, and which of them
disagree, is `analysis.disagreements`' part. The words and patterns behind the reading are
rule files (`analysis/rules/*.toml`, read by `rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from newsweave.analysis.claims import EventText
from newsweave.analysis.nlp import Sentence
from newsweave.analysis.values.counts import read_counts
from newsweave.analysis.values.days import days_of, read_days
from newsweave.analysis.values.grammar import sentence_words
from newsweave.analysis.values.mention import Kind, Mention
from newsweave.analysis.values.people import read_people
from newsweave.analysis.values.places import read_places
from newsweave.analysis.values.yes_no import read_yes_no

if TYPE_CHECKING:
    from datetime import datetime

    from spacy.tokens import Doc

__all__ = ["Kind", "Mention", "read_article", "read_values"]


def read_values(event: EventText) -> list[Mention]:
    """Every value every article of the event states, in article and sentence order."""
    out: list[Mention] = []
    for position, (article, doc) in enumerate(zip(event.articles, event.docs, strict=True)):
        out += read_article(
            article.text, doc, event.sentences[position], position, article.published_at
        )
    return out


def read_article(
    text: str,
    doc: Doc,
    sentences: Sequence[Sentence],
    position: int = 0,
    published_at: datetime | None = None,
) -> list[Mention]:
    """The values one article states (`doc` its parse, `sentences` those read), the
    `position`-th of its event."""
    out: list[Mention] = []
    days = days_of(text, doc, published_at)
    for sentence in sentences:
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None:
            continue
        dates = list(read_days(doc, days, position, sentence))
        on = frozenset(value for date in dates for _, value in date.forms)
        dated = frozenset(date.value for date in dates)  # the days its dates give
        dates = [replace(date, days=dated) for date in dates]
        found = [*read_counts(span, position, sentence, on, published_at), *dates]
        found += read_yes_no(span, position, sentence)
        found += read_people(span, position, sentence)
        found += read_places(span, position, sentence)
        if found:
            context = sentence_words(span)
            out += [replace(mention, context=context) for mention in found]
    return out
