"""Places: where a happening, a person or an institution of the story is, read from the parse.

A place is a city, state or country (spaCy's GPE) attached in any construction to a word of
the sentence, its *governor*: after a preposition of place (rule `place.prepositions`: "a
federal judge in Maryland", "the shooting in Montpelier", "met near Saltmere"), or as a modifier
("a Maryland judge", "his Los Angeles home", "a Minneapolis suburb"). Its `what` is the governor
(the word for a meeting read as one, rule `date.meeting`) and, when the governor is a noun, the
verb above it: "a judge in Maryland ruled" is of {judge, rule}. Not read: a place in a list
("in Tunisia and Egypt") or in apposition ("Kenosha, Wisconsin": the state says where the city
is), a place of saying (rule `date.saying`: "said in Washington"), a place in a plan or under a
negation ("will meet in Geneva", "did not travel to Oslo"), and a place that says what
something is about rather than where ("a top Ukraine expert", "U.S. funding").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from newsweave.analysis.claims import EventText
from newsweave.analysis.nlp import Sentence
from newsweave.analysis.values.grammar import clause_words, is_negated, is_plan, verb_above
from newsweave.analysis.values.mention import Mention
from newsweave.analysis.values.rules import table, words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

MODIFIERS = ("compound", "nmod", "amod")


def read_places(span: Span, article: int, sentence: Sentence) -> Iterable[Mention]:
    """The places of one sentence (see the module doc)."""
    for named in sentence.entities:
        entity = span.doc.char_span(named.start, named.end) if named.label == "GPE" else None
        if entity is None:
            continue
        governor = _governor(entity)
        if governor is None:
            continue
        verb = verb_above(governor)
        if verb is not None and (
            is_plan(verb) or is_negated(verb) or verb.lemma_.lower() in words("date.saying")
        ):
            continue
        meeting = table("date.meeting")
        what = {meeting.get(governor.lemma_.lower(), governor.lemma_.lower())}
        if governor.pos_ == "NOUN" and verb is not None:
            what.add(meeting.get(verb.lemma_.lower(), verb.lemma_.lower()))
        own = {t.lemma_.lower() for t in entity}
        value = place_name(entity.text)
        if entity.root.dep_ in MODIFIERS and level(value) == "country":
            continue  # "a top Ukraine expert", "U.S. funding": what about, not where
        yield Mention(
            "place",
            value,
            frozenset(what - words("grammar.generic")),
            article,
            sentence,
            words=clause_words(verb, span) - own - {t.text for t in entity},
            shown=entity.text.removeprefix("the "),
            kinds=_names(governor, entity),
            role=_relation(entity),
            level=level(value),
        )


def _relation(entity: Span) -> str:
    """ "near" for a place after a preposition of nearness (rule `place.nearby`: "his home
    outside Philadelphia", "a crash near Leeds"), else "": a place near one town is no denial
    of a place in another (the town outside the city), so the two are not compared."""
    root = entity.root
    nearby = root.dep_ == "pobj" and root.head.lower_ in words("place.nearby")
    return "near" if nearby else ""


def place_name(text: str) -> str:
    """A place's name as compared: lower-cased, without "the" and full stops, one name for
    the several ways of writing it (rule `place.aliases`: "U.S." and "US" are one)."""
    name = " ".join(text.lower().removeprefix("the ").replace(".", "").split())
    return table("place.aliases").get(name, name)


def level(name: str) -> str:
    """ "country", "region" (a state, a province), "district" (a county, rule
    `place.districts`) or "city" (anything else), or all of them for a name that is two (rule
    `place.both-levels`: "washington"): places are compared with places of their own level, as
    one may lie in the other."""
    if name in words("place.both-levels"):
        return "country region city"
    if name.split()[-1] in words("place.districts"):
        return "district"  # "Fulton County": neither the city in it nor its state
    if name in words("place.countries"):
        return "country"
    return "region" if name in words("place.regions") else "city"


def same_level(a: Mention, b: Mention) -> bool:
    return bool(set(a.level.split()) & set(b.level.split()))


def same_place(a: Mention, b: Mention) -> bool:
    """Whether two places are one, one name inside the other ("New York City" and "New York",
    "Gaza City" and "Gaza", "Northwest Washington" and "Washington"): a part of a place or
    its longer name is no other place."""
    x, y = a.value.split(), b.value.split()
    shorter, longer = sorted((x, y), key=len)
    return any(longer[n : n + len(shorter)] == shorter for n in range(len(longer)))


def _names(governor: Token, entity: Span) -> frozenset[str]:
    """The name of what a place is attached to, when it has one ("the University of Pavia in
    Italy" is {pavia}): two places of two named institutions are of two things."""
    if governor.pos_ != "PROPN":
        return frozenset()
    inside = {t.i for t in entity}
    return frozenset(
        t.lower_
        for t in governor.subtree
        if t.pos_ == "PROPN" and t.i not in inside and t.i != governor.i and t.is_alpha
    )


def _governor(entity: Span) -> Token | None:
    """The word a place is attached to, or None when it is in a list, in apposition, or names
    no place of the story."""
    root = entity.root
    if root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
        return None  # "in Tunisia and Egypt"
    head = root.head
    if root.dep_ == "pobj" and head.lower_ in words("place.prepositions"):
        return head.head
    if root.dep_ in MODIFIERS and head.pos_ == "NOUN":
        after = head.doc[entity.end : entity.end + 1]
        if after and after[0].text in (",", "'s", "’s"):
            return None
        return head  # "a Maryland judge"
    return None


def named_together(
    event: EventText, sides: Sequence[Sequence[Mention]], name: Callable[[Mention], str]
) -> bool:
    """Whether every side's articles name another side's place or person somewhere (`name`:
    how a mention is written: a place whole, a person by surname): each writer knew of the
    other place, so naming one is no denial of it (one may lie in the other: "Kenosha,
    Wisconsin"), and knew of the other person, so giving a remark to one is no denial that the
    other spoke (two officials of one story say alike things). An outlet's error is named by no
    other outlet (the erring outlet may well name the right one elsewhere: every side, not one)."""
    patterns = [
        re.compile("|".join(rf"\b{re.escape(name(m))}(?!\w)" for m in side), re.IGNORECASE)
        for side in sides
    ]
    texts = [[event.articles[n].text for n in sorted({m.article for m in side})] for side in sides]
    return all(
        any(p.search(text) for text in texts[i] for j, p in enumerate(patterns) if j != i)
        for i in range(len(sides))
    )
