"""Whether two sentences state one fact, in any wording: the decision a brief's † and its
"each fact once" rest on.

`same_fact(a, b)` is True when the sentences say one thing, in other words or with a detail
more or less ("goes on sale to the general public Tuesday" / "goes on sale Tuesday"), and their
numbers and dates agree. Verification uses it to find every source that states a sentence's
fact (so a fact other outlets report in their own words is cited to them and never marked
single-source), and the embedded writer uses it to leave out a sentence that says again what
the brief has said (`briefs.selection.repeats`).

How. The score is a logistic function of two things, fitted on labelled pairs of sentences
from different outlets of one event (bench/same_fact_eval.py):

    p = σ(cosine · MiniLM cosine + overlap · Jaccard of content lemmas + bias)

and the pair is one fact when p reaches `threshold`, unless a value disagrees:

- numbers: among years, or among the other amounts of at least `smallest`, each sentence
  states a value the other does not (a year exactly, an amount within `tolerance`: "17,000
  signatures" / "11,000 signatures" and "61 per cent" / "58 per cent" disagree, "nearly $500
  billion" and "$484 billion" agree); ordinals, "once" and the
  like, and clock times are no amounts ("the second time", "9 p.m.");
- dates: both name a weekday, or both a month, and not the same one.

Looking for a fact in an article (`stated_in`, what verification cites by) takes the best of
its twenty to sixty sentences, so a sentence merely on the same topic clears a pair's bar by
chance far more often than in one comparison; the search asks `search_threshold`, where the
tune pairs put the precision of "same" near 0.89 (read on briefs: at p = 0.3, 8 of 12
citations added to two dev briefs were to another fact of the event, none of those at the
search threshold). The writer's repeat test compares two sentences, and keeps the pair's bar.
Both bars were set on the tune half of the labelled pairs and on two dev briefs read by hand.

Names are left to the score: outlets name one actor in many ways ("the Justice Department",
"the Office of Legal Counsel"), and a rule that two names must match found as many same facts
as different ones on the labelled pairs.

The weights, the threshold and the value rules are data (facts.toml beside this module), with
examples that must and must not pass (tests/test_facts.py).

Why by hand: no NLI model ships on PyPI with its weights (see `analysis.nli`), and the support
checker answers another question (does this article back every word of this sentence), which
is why a fact one outlet words differently went unconfirmed.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from newsweave.analysis.nlp import Sentence, minilm, parse, sentences_of
from newsweave.analysis.words import (
    MONTHS,
    WEEKDAYS,
    Word,
    jaccard,
    number_value,
    numbers_in,
    words_in,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "Fact",
    "FactRules",
    "fact_of",
    "facts_of",
    "load_fact_rules",
    "pair_score",
    "same_fact",
    "stated_in",
    "value_conflict",
]

RULES_FILE = Path(__file__).with_name("facts.toml")


@dataclass(frozen=True)
class FactRules:
    """facts.toml, read (see the module doc)."""

    cosine: float
    overlap: float
    bias: float
    threshold: float  # two sentences compared
    search_threshold: float  # the best of an article's sentences (`stated_in`)
    tolerance: float
    smallest: float
    years: tuple[int, int]
    not_amounts: frozenset[str]  # number words that count no amount ("second", "once")
    clock: frozenset[str]  # words after a clock time ("p.m.")


@dataclass(frozen=True)
class Fact:
    """What the decision reads off one sentence."""

    text: str
    lemmas: frozenset[str]  # content lemmas
    numbers: frozenset[float]
    dates: frozenset[str]  # weekday and month names, lower case
    vector: np.ndarray  # MiniLM


@lru_cache(maxsize=1)
def load_fact_rules(path: Path = RULES_FILE) -> FactRules:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    score, numbers = data["score"], data["numbers"]
    low, high = numbers["years"]
    return FactRules(
        cosine=float(score["cosine"]),
        overlap=float(score["overlap"]),
        bias=float(score["bias"]),
        threshold=float(score["threshold"]),
        search_threshold=float(score["search_threshold"]),
        tolerance=float(numbers["tolerance"]),
        smallest=float(numbers["smallest"]),
        years=(int(low), int(high)),
        not_amounts=frozenset(numbers["not_amounts"]),
        clock=frozenset(numbers["clock"]),
    )


def same_fact(a: str | Fact, b: str | Fact, rules: FactRules | None = None) -> bool:
    """Whether the sentences state one fact (see the module doc)."""
    rules = rules or load_fact_rules()
    first, second = _fact(a), _fact(b)
    if pair_score(first, second, rules) < rules.threshold:
        return False
    return value_conflict(first, second, rules) is None


def pair_score(a: Fact, b: Fact, rules: FactRules | None = None) -> float:
    """The probability that the sentences state one fact, values aside."""
    rules = rules or load_fact_rules()
    cosine = float(a.vector @ b.vector)
    z = rules.cosine * cosine + rules.overlap * jaccard(a.lemmas, b.lemmas) + rules.bias
    return 1.0 / (1.0 + math.exp(-z))


def value_conflict(a: Fact, b: Fact, rules: FactRules | None = None) -> str | None:
    """The value the sentences disagree on, in words, or None."""
    rules = rules or load_fact_rules()
    low, high = rules.years

    def is_year(value: float) -> bool:
        return value.is_integer() and low <= value <= high

    def kinds(values: frozenset[float]) -> tuple[set[float], set[float]]:
        years = {v for v in values if is_year(v)}
        return years, {v for v in values if not is_year(v) and v >= rules.smallest}

    def near(value: float, others: set[float]) -> bool:
        if is_year(value):
            return value in others
        return any(abs(value - o) <= rules.tolerance * max(abs(value), abs(o)) for o in others)

    for mine, theirs in zip(kinds(a.numbers), kinds(b.numbers), strict=True):
        only_a = sorted(v for v in mine if not near(v, theirs))
        only_b = sorted(v for v in theirs if not near(v, mine))
        if mine and theirs and only_a and only_b:
            return f"{only_a[0]:,.10g} against {only_b[0]:,.10g}"
    for names in (WEEKDAYS, MONTHS):
        when_a, when_b = a.dates & set(names), b.dates & set(names)
        if when_a and when_b and not when_a & when_b:
            return f"{min(when_a)} against {min(when_b)}"
    return None


def fact_of(sentence: str) -> Fact:
    """The sentence as the decision reads it (parsed and embedded once per text)."""
    return _fact_of(sentence)


def facts_of(text: str) -> tuple[tuple[Sentence, Fact], ...]:
    """Each sentence of an article's text, with what the decision reads off it."""
    return _facts_of(text)


def stated_in(sentence: str | Fact, text: str) -> Sentence | None:
    """The sentence of `text` (an article) that states the same fact, the closest first, or
    None when none does. The bar is `search_threshold`, higher than a pair's (see the module
    doc)."""
    fact = _fact(sentence)
    rules = load_fact_rules()
    found = [(pair_score(fact, other, rules), s, other) for s, other in facts_of(text)]
    found.sort(key=lambda item: -item[0])
    for score, where, other in found:
        if score < rules.search_threshold:
            break
        if value_conflict(fact, other, rules) is None:
            return where
    return None


def _fact(sentence: str | Fact) -> Fact:
    return sentence if isinstance(sentence, Fact) else _fact_of(sentence)


@lru_cache(maxsize=2048)
def _fact_of(sentence: str) -> Fact:
    doc = next(parse([sentence]))
    vector = minilm().embed([sentence])[0]
    return _read(sentence, doc, 0, len(sentence), vector)


@lru_cache(maxsize=64)
def _facts_of(text: str) -> tuple[tuple[Sentence, Fact], ...]:
    doc = next(parse([text]))
    sentences = sentences_of(doc)
    if not sentences:
        return ()
    vectors = minilm().embed([s.text for s in sentences])
    return tuple(
        (s, _read(s.text, doc, s.start, s.end, vector))
        for s, vector in zip(sentences, vectors, strict=True)
    )


def _read(text: str, doc: Doc, start: int, end: int, vector: np.ndarray) -> Fact:
    words = words_in(doc, start, end)
    span = doc.char_span(start, end, alignment_mode="expand")
    numbers = _amounts(span.as_doc()) if span is not None else set()
    return Fact(
        text=text,
        lemmas=frozenset(word.lemma for word in words if word.is_content),
        numbers=frozenset(numbers),
        dates=frozenset(word.lemma for word in words if _is_date(word)),
        vector=vector,
    )


_DATE_NAMES = frozenset(MONTHS) | frozenset(WEEKDAYS)


def _amounts(doc: Doc) -> set[float]:
    """The amounts a sentence states (`words.numbers_in`), less ordinals, "once" and the
    like, and clock times."""
    rules = load_fact_rules()
    ignored = set()
    for token in doc:
        following = doc[token.i + 1].text.lower() if token.i + 1 < len(doc) else ""
        if token.text.lower() in rules.not_amounts or following in rules.clock:
            value = number_value(token.text.lower())
            if value is not None:
                ignored.add(value)
    return numbers_in(doc) - ignored


def _is_date(word: Word) -> bool:
    """A weekday or a month; "may" only as a name (the month, not the verb)."""
    return word.lemma in _DATE_NAMES and (word.lemma != "may" or word.kind == "name")
