"""The words of a text as the support checker aligns them: lemma, kind, and stated numbers.

Each word keeps its lower-cased surface form and lemma (spaCy's packaged pipeline), a coarse
kind (number, name, noun, verb, adjective, other) and whether it carries meaning of its own.
Numbers are read as values, so "$5bn", "5 billion" and "five billion" agree and "fourth" is 4:
spaCy marks number-like tokens but gives no values, and the scales and number words of news
("bn", "mn", "dozen", ordinals) are a short table. The small vocabularies the checker compares
(negations, modals, quantifiers, common opposites), and those tables, are rules of
`vocabulary/words.toml`, each with its examples; months and weekdays are the storylines'.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from newsweave.analysis.vocabularies import vocabulary
from newsweave.stories.storylines import DATE_WORDS, MONTHS, WEEKDAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

__all__ = [
    "DATE_WORDS",
    "MODALS",
    "MONTHS",
    "NEGATIONS",
    "OPPOSITES",
    "ORDINAL_SUFFIXES",
    "QUANTIFIERS",
    "WEEKDAYS",
    "Word",
    "amounts_in",
    "content_pairs",
    "jaccard",
    "number_value",
    "numbers_in",
    "words_in",
]

NEGATIONS = vocabulary("words.negations").words
MODALS = vocabulary("words.modals").words
QUANTIFIERS = vocabulary("words.quantifiers").words


def _symmetric(table: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Each word of a table of opposites ("rise" = "fall drop ...") to all its opposites."""
    symmetric: dict[str, set[str]] = {}
    for word, others in table.items():
        for other in others.split():
            symmetric.setdefault(word, set()).add(other)
            symmetric.setdefault(other, set()).add(word)
    return {word: frozenset(opposites) for word, opposites in symmetric.items()}


OPPOSITES = _symmetric(vocabulary("words.opposites").table or {})
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW"}
)
_NUMBER_WORDS = {
    word: int(value) for word, value in (vocabulary("words.number-words").table or {}).items()
}
_SCALES = {word: float(value) for word, value in (vocabulary("words.scales").table or {}).items()}
ORDINAL_SUFFIXES = vocabulary("words.ordinal-suffixes").words
PERCENT_WORDS = vocabulary("words.percent").words  # "percent", "per cent", "percentage points"
_NUMBER = re.compile(r"^[$€£]?(\d+(?:[.,]\d+)*)([a-z]*)$")


@dataclass(frozen=True)
class Word:
    text: str  # lower-cased surface form
    lemma: str  # lower-cased lemma
    kind: str  # number, name, noun, verb, adjective, other
    is_content: bool  # carries meaning of its own (not a stop word or punctuation)
    entity: str  # spaCy's entity label, "" outside entities

    @property
    def keys(self) -> set[str]:
        return {self.text, self.lemma}


def words_in(doc: Doc, start: int, end: int) -> tuple[Word, ...]:
    """The words of doc.text[start:end], punctuation and spaces left out."""
    span = doc.char_span(start, end, alignment_mode="expand") or ()
    return tuple(_word(token) for token in span if not (token.is_punct or token.is_space))


def _word(token: Token) -> Word:
    text, lemma = token.text.lower(), token.lemma_.lower()
    if token.like_num or any(char.isdigit() for char in text):
        kind = "number"
    elif token.pos_ == "PROPN" or token.ent_type_ in NAME_LABELS:
        kind = "name"
    else:
        kind = {"NOUN": "noun", "VERB": "verb", "ADJ": "adjective", "ADV": "adjective"}.get(
            token.pos_, "other"
        )
    is_content = kind != "other" and not token.is_stop and any(char.isalnum() for char in text)
    return Word(text, lemma, kind, is_content, token.ent_type_)


def jaccard(a: Set[str], b: Set[str]) -> float:
    """|a ∩ b| / |a ∪ b|, 0 when both are empty."""
    return len(a & b) / len(a | b) if a or b else 0.0


def content_pairs(words: Sequence[Word]) -> list[tuple[str, str]]:
    """Adjacent content lemmas: what was said of what ("fraud charges", "profit drop")."""
    content = [word.lemma for word in words if word.is_content]
    return list(pairwise(content))


def numbers_in(doc: Doc) -> set[float]:
    """The values a text states: digits, number words, with a scale ("$5bn", "3 million")."""
    return {value for _, value in amounts_in(doc)}


def amounts_in(doc: Doc) -> set[tuple[str, float]]:
    """The values a text states (`numbers_in`), each with its unit: a currency's sign ("$",
    "£", "€"), "%" for a share ("59%", "59 per cent"), or "" for a count."""
    values = set()
    for token in doc:
        value = number_value(token.text.lower())
        if value is None:
            continue
        following = doc[token.i + 1].text.lower() if token.i + 1 < len(doc) else ""
        values.add((_unit(token), value * _SCALES.get(following, 1.0)))
    return values


def _unit(token: Token) -> str:
    """The currency sign before a number, or "%" after it, else ""."""
    doc = token.doc
    before = doc[token.i - 1].text if token.i > 0 else ""
    after = [t.text.lower() for t in doc[token.i + 1 : token.i + 4]]
    sign = token.text[:1] if token.text[:1] in _CURRENCIES else before[-1:]
    if sign in _CURRENCIES:
        return sign
    if token.text.endswith("%") or after[:1] == ["%"]:
        return "%"
    if " ".join(after[:1]) in PERCENT_WORDS or " ".join(after[:2]) in PERCENT_WORDS:
        return "%"
    return ""


_CURRENCIES = frozenset("$£€¥")


def number_value(text: str) -> float | None:
    if text in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[text])
    match = _NUMBER.match(text)
    if not match:
        return None
    digits, suffix = match.groups()
    if suffix and suffix not in _SCALES and suffix not in ORDINAL_SUFFIXES and suffix != "s":
        return None
    try:
        value = float(digits.replace(",", ""))
    except ValueError:
        return None
    return value * _SCALES.get(suffix, 1.0)
