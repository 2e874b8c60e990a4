"""Whether two sentences state one fact, in any wording: the decision a brief's † and its
"each fact once" rest on.

`same_fact(a, b)` is True when the sentences say one thing, in other words or with a detail
more or less ("goes on sale to the general public Tuesday" / "goes on sale Tuesday"), and their
numbers and dates agree. Verification uses it to find every source that states a sentence's
fact (so a fact other outlets report in their own words is cited to them and never marked
single-source), and the embedded writer uses it to leave out a sentence that says again what
the brief has said (`briefs.selection.repeats`).

How. The score is a logistic function of two things (FEATURES), fitted on labelled pairs of
sentences from different outlets of one event (bench/same_fact_eval.py):

    p = σ(cosine · MiniLM cosine + overlap · Jaccard of content lemmas + bias)

and the pair is one fact when p reaches `threshold`, unless a value disagrees:

- numbers: among years, or among the other amounts of one unit (a currency, a share, a count
  from `smallest`: "£14m" and "59%" are never compared, nor "£14m" and "$20m"),
  each sentence states a value the other does not (a year exactly, an amount within
  `tolerance`: "17,000 signatures" / "11,000 signatures" and "61 per cent" / "58%" disagree,
  "nearly $500 billion" and "$484 billion" agree); ordinals, "once" and the like, clock
  times and a month's day are no amounts ("the second time", "the 20th anniversary", "9 p.m.",
  "Nov. 9");
- dates: both name a weekday, or both a month, and not the same one.

Looking for a fact in an article (`stated_in`, what verification cites by and marks † by) takes
the best of its twenty to sixty sentences, so a sentence merely on the same topic clears a pair's
bar by chance far more often than in one comparison; the search asks `search_threshold`, where
the labelled pairs put the precision of "same" near 0.91 (read on briefs: at p = 0.3, 8 of 12
citations added to two dev briefs were to another fact of the event; at 0.6 the seeds' lead was
cited to reports of an earlier story). The writer's repeat test compares two sentences, and
keeps the pair's bar.

Tried and left out, measured on the labelled pairs with folds by event (BENCHMARKS.md, issue
24): shared names, a shared amount (in a brief it made "killed two people" one fact with "the
quake that killed two people caused no injuries among our citizens"), the support checker's
probability, wordfreq-weighted overlap, the cosine less the mean of the event's sentences, and
whether the two tell one happening (`same_happening`). The last found more same facts on a
held-out set at the citation's precision, but cited the seeds' lead ("Putin rejected a request
... for a meeting") to a report of "his readiness for direct talks ... but firmly rejected" a
ceasefire: a shared verb and actor are not a shared fact. A lower bar for the writer's repeat
test (0.3 to 0.45) dropped the sample's Rellik remark about the letter, a fact of its own, as a
repeat of the lead. The support checker, asked whether one sentence supports the other, finds
fewer same facts at any precision than the score (issue 24, sixth session).

The † asks another question than a citation: whether any other source tells the fact in any
wording, without that source being cited for it. `told_in` asks it at a lower bar
(`single_threshold`), which alone withheld, in dev briefs, 10 † of which 7 were facts no other
source states: the best of an article's sentences at that bar is often another fact of the
event. So a sentence of the other report counts only when it matches back: no other sentence
of the cited report is closer to it (reports agree on which of their sentences tell one fact;
a sentence that tells a neighbouring fact of the cited report is that fact's). The writer asks
the same search, at `retell_threshold`, before telling a fact another report's sentence
already told (`briefs.selection.retells`).

`same_happening` is looser than `same_fact` and for the writer alone: two sentences sharing a
main predicate (`Fact.heads`: the root verb and the verbs joined to it, or those of the clause
a reporting verb reports, never a light verb: "the plant closed" and "police said the plant
closed on Friday" share "close") and a participant tell one happening, whatever details each
adds, and a brief tells it once.

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
    amounts_in,
    jaccard,
    number_value,
    words_in,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

__all__ = [
    "FEATURES",
    "Fact",
    "FactRules",
    "fact_of",
    "facts_of",
    "load_fact_rules",
    "pair_features",
    "pair_score",
    "same_fact",
    "same_happening",
    "stated_in",
    "told_in",
    "value_conflict",
]

RULES_FILE = Path(__file__).with_name("facts.toml")
# what the score reads off a pair: MiniLM cosine, Jaccard of content lemmas
FEATURES = ("cosine", "overlap")


@dataclass(frozen=True)
class FactRules:
    """facts.toml, read (see the module doc)."""

    weights: dict[str, float]  # by feature name (FEATURES)
    bias: float
    threshold: float  # two sentences compared
    search_threshold: float  # the best of an article's sentences (`stated_in`): a citation
    single_threshold: float  # another source tells the fact, for the † alone (`told_in`)
    retell_threshold: float  # the same, for the writer's repeat test (`selection.retells`)
    tolerance: float
    smallest: float
    years: tuple[int, int]
    not_amounts: frozenset[str]  # number words that count no amount ("second", "once")
    clock: frozenset[str]  # words after a clock time ("p.m.")
    ordinal_endings: frozenset[str]  # what turns digits into an ordinal ("20th")
    months: frozenset[str]  # what names a month before its day ("November 3", "Nov. 9")
    reporting: frozenset[str]  # verbs whose clause holds the happening ("say", "announce")
    light: frozenset[str]  # verbs that name no happening of their own ("be", "have")


@dataclass(frozen=True)
class Fact:
    """What the decision reads off one sentence."""

    text: str
    lemmas: frozenset[str]  # content lemmas
    numbers: frozenset[tuple[str, float]]  # (unit, value): `words.amounts_in`
    dates: frozenset[str]  # weekday and month names, lower case
    vector: np.ndarray  # MiniLM
    heads: frozenset[str]  # lemmas of its main predicates (`_heads`)


@lru_cache(maxsize=1)
def load_fact_rules(path: Path = RULES_FILE) -> FactRules:
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    score, numbers, heads = data["score"], data["numbers"], data["heads"]
    low, high = numbers["years"]
    weights = {name: float(score["weights"][name]) for name in FEATURES}
    return FactRules(
        weights=weights,
        bias=float(score["bias"]),
        threshold=float(score["threshold"]),
        search_threshold=float(score["search_threshold"]),
        single_threshold=float(score["single_threshold"]),
        retell_threshold=float(score["retell_threshold"]),
        tolerance=float(numbers["tolerance"]),
        smallest=float(numbers["smallest"]),
        years=(int(low), int(high)),
        not_amounts=frozenset(numbers["not_amounts"]),
        clock=frozenset(numbers["clock"]),
        ordinal_endings=frozenset(numbers["ordinal_endings"]),
        months=frozenset(numbers["months"]),
        reporting=frozenset(heads["reporting"]),
        light=frozenset(heads["light"]),
    )


def same_fact(a: str | Fact, b: str | Fact, rules: FactRules | None = None) -> bool:
    """Whether the sentences state one fact (see the module doc)."""
    rules = rules or load_fact_rules()
    first, second = _fact(a), _fact(b)
    if pair_score(first, second, rules) < rules.threshold:
        return False
    return value_conflict(first, second, rules) is None


def same_happening(a: str | Fact, b: str | Fact, rules: FactRules | None = None) -> bool:
    """Whether the sentences tell one happening, whatever else they add: they share a main
    predicate (`Fact.heads`: "shareholders rejected the pay package" / "59% of investors
    rejected Dudley's 20% rise") and a participant (another content lemma, "pay"), and their
    values agree. Looser than `same_fact` (one may carry details the other lacks), it is what
    the writer asks before telling a happening again, never what a citation rests on."""
    rules = rules or load_fact_rules()
    first, second = _fact(a), _fact(b)
    shared = first.heads & second.heads
    if not shared or not (first.lemmas & second.lemmas) - shared:
        return False
    return value_conflict(first, second, rules) is None


def pair_score(a: Fact, b: Fact, rules: FactRules | None = None) -> float:
    """The probability that the sentences state one fact, values aside."""
    rules = rules or load_fact_rules()
    found = pair_features(a, b, rules)
    z = sum(rules.weights[name] * found[name] for name in FEATURES) + rules.bias
    return 1.0 / (1.0 + math.exp(-z))


def pair_features(a: Fact, b: Fact, rules: FactRules | None = None) -> dict[str, float]:
    """What the score reads off a pair (FEATURES)."""
    rules = rules or load_fact_rules()
    return {"cosine": float(a.vector @ b.vector), "overlap": jaccard(a.lemmas, b.lemmas)}


def value_conflict(a: Fact, b: Fact, rules: FactRules | None = None) -> str | None:
    """The value the sentences disagree on, in words, or None."""
    rules = rules or load_fact_rules()
    for mine, theirs in zip(_kinds(a.numbers, rules), _kinds(b.numbers, rules), strict=True):
        only_a = sorted(v for v in mine if not _near(v, theirs, rules))
        only_b = sorted(v for v in theirs if not _near(v, mine, rules))
        if mine and theirs and only_a and only_b:
            return f"{_said(only_a[0])} against {_said(only_b[0])}"
    for names in (WEEKDAYS, MONTHS):
        when_a, when_b = a.dates & set(names), b.dates & set(names)
        if when_a and when_b and not when_a & when_b:
            return f"{min(when_a)} against {min(when_b)}"
    return None


Amount = tuple[str, float]  # (unit, value): "$", "£", "€", "%", or "" for a count or a year


def _said(amount: Amount) -> str:
    unit, value = amount
    return f"{value:,.10g}%" if unit == "%" else f"{unit}{value:,.10g}"


def _is_year(amount: Amount, rules: FactRules) -> bool:
    low, high = rules.years
    unit, value = amount
    return not unit and value.is_integer() and low <= value <= high


def _kinds(values: frozenset[Amount], rules: FactRules) -> list[set[Amount]]:
    """Years, then the other amounts, one set per unit: a share and a sum of money, or two
    currencies, are never compared; a count only from `smallest` ("one of them"), a share or a
    sum of any size ("1.1 per cent")."""
    years = {v for v in values if _is_year(v, rules)}
    amounts = {v for v in values if not _is_year(v, rules) and (v[0] or v[1] >= rules.smallest)}
    return [years, *({v for v in amounts if v[0] == unit} for unit in _UNITS)]


_UNITS = ("", "%", "$", "£", "€", "¥")


def _near(amount: Amount, others: set[Amount], rules: FactRules) -> bool:
    """A year found exactly among `others`, an amount of one unit within `tolerance`."""
    if _is_year(amount, rules):
        return amount in others
    unit, value = amount
    return any(
        u == unit and abs(value - o) <= rules.tolerance * max(abs(value), abs(o)) for u, o in others
    )


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


def told_in(sentence: str | Fact, text: str, own: str, bar: float | None = None) -> Sentence | None:
    """The sentence of `text` (another source's article) that tells the fact of `sentence`, a
    sentence of `own` (the one article that states it), in any wording, or None. What the †
    asks ("no other source states it"), never what a citation rests on: the bar is
    `single_threshold`, far under a citation's, so a paraphrase sharing few words counts; and
    since the best of an article's sentences at that bar is often another fact of the event, a
    sentence counts only when no other sentence of `own` is closer to it: the reports agree on
    which of their sentences tell one fact (a match both ways), and a sentence of `text` that
    tells a neighbouring fact of `own` is that fact's. `bar` replaces the threshold (the
    writer's repeat test asks `retell_threshold`)."""
    fact = _fact(sentence)
    rules = load_fact_rules()
    mine = [other for _, other in facts_of(own)]
    if mine:  # the sentence's own rendering in `own` is the sentence: leave it out
        rendering = max(mine, key=lambda other: pair_score(fact, other, rules))
        mine = [other for other in mine if other is not rendering]
    found = [(pair_score(fact, other, rules), s, other) for s, other in facts_of(text)]
    found.sort(key=lambda item: -item[0])
    for score, where, other in found:
        if score < (rules.single_threshold if bar is None else bar):
            break
        if value_conflict(fact, other, rules) is not None:
            continue
        if all(pair_score(other, neighbour, rules) < score for neighbour in mine):
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
        heads=_heads(span) if span is not None else frozenset(),
    )


def _heads(span: Span) -> frozenset[str]:
    """The lemmas of the sentence's main predicates: its root verb and the verbs joined to it
    ("resigned and left"); for a reporting verb ("police said ..."), the verbs of the clause
    it reports instead; never a light verb ("be", "have"), which names no happening."""
    rules = load_fact_rules()
    found: set[str] = set()
    todo = [span.root]
    while todo:
        token = todo.pop()
        lemma = token.lemma_.lower()
        todo += [c for c in token.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
        if lemma in rules.reporting:
            todo += [c for c in token.children if c.dep_ in ("ccomp", "xcomp")]
        elif token.pos_ == "VERB" and lemma not in rules.light:
            found.add(lemma)
    return frozenset(found)


_DATE_NAMES = frozenset(MONTHS) | frozenset(WEEKDAYS)


def _amounts(doc: Doc) -> set[Amount]:
    """The amounts a sentence states with their units (`words.amounts_in`), less ordinals
    ("second", "20th"), "once" and the like, clock times, and a month's day ("November 3")."""
    rules = load_fact_rules()
    ignored = set()
    for token in doc:
        text = token.text.lower()
        following = doc[token.i + 1].text.lower() if token.i + 1 < len(doc) else ""
        before = doc[token.i - 1].text.lower() if token.i > 0 else ""
        if (
            text in rules.not_amounts
            or following in rules.clock
            or before in rules.months
            or (text[:1].isdigit() and text[-2:] in rules.ordinal_endings)
        ):
            value = number_value(text)
            if value is not None:
                ignored.add(value)
    return {(unit, value) for unit, value in amounts_in(doc) if unit or value not in ignored}


def _is_date(word: Word) -> bool:
    """A weekday or a month; "may" only as a name (the month, not the verb)."""
    return word.lemma in _DATE_NAMES and (word.lemma != "may" or word.kind == "name")
