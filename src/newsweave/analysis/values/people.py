"""People: who said something, and who led something, read from the parse.

A speaker is a named person who is the subject of a verb of saying (rule `person.saying`:
"Korda said", "said Chief Justice John Roberts", "Lee told reporters", "Barr wrote in a
letter") or the person "according to" whom something is told. The remark is what the speaker
is a value of: its `what` is {say}, and two speakers are of one remark when their sentences tell
the same thing (the core's same-happening test). A leader is who led, represented or chaired
something with a name, or by whom it was headed (rule `person.roles`: "Korvania's delegation
was led by Vesna Korda", "Korvania was represented by Matej Orlov"; an active "headed" is a
header as often as a post): the `what` is {lead} and the names in what was led, each name whole.
What has no name ("a team led by Dr. Hendren") is not read: one story can tell of several
teams. Plans and denials are not read ("will be led by", "did not say").

The value is the person's surname (the side shows the fullest name): spaCy's PERSON entity, or
a proper noun of two or more capitalised words that is no place, nationality or body (rule
`person.institutions`: "the Foreign Ministry" is no person). A title is never the name (rule
`person.titles`: "Former Vice President Joe Biden said" is Biden, not "President"; nor is a
title the small model takes into the name: "Sgt. Ilse Varga" is Varga), and a proper name after
a title is a person's whatever type the small model gives it ("said Harbour Watch Founder Ilse
Varga", typed a body).

Two names are one person's (`same_person`) when their surnames are one, when one name is a
single word that is the other's first or last ("Ilse" and "Ilse Varga": a first name on second
mention), or when two surnames differ by a letter or two of a long enough name ("Wolfe" and
"Wolff": one outlet's spelling, no dispute over who spoke; rule `person.spelling`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from difflib import SequenceMatcher
from typing import TYPE_CHECKING

from newsweave.analysis.nlp import Sentence
from newsweave.analysis.values.grammar import CONTENT, is_negated, is_plan
from newsweave.analysis.values.mention import Mention
from newsweave.analysis.values.rules import number, words

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")
ROLE = "lead"  # the word a leader's `what` holds beside what was led
SAY = "say"  # the word a speaker's `what` holds
NON_PERSON_LABELS = ("GPE", "LOC", "FAC", "NORP", "ORG")


def read_people(span: Span, article: int, sentence: Sentence) -> Iterable[Mention]:
    """The speakers and leaders of one sentence (see the module doc)."""
    for token in span:
        if token.pos_ != "VERB" or is_plan(token) or is_negated(token):
            continue
        lemma = token.lemma_.lower()
        if lemma in words("person.saying"):
            yield from _speakers(token, article, sentence, span)
        if lemma in words("person.roles"):
            yield from _role(token, article, sentence)
    for token in span:  # "according to Korda"
        if token.lower_ == "according" and token.i + 1 < len(token.doc):
            to = token.doc[token.i + 1]
            for noun in (c for c in to.children if c.dep_ == "pobj"):
                yield from _speaker(noun, article, sentence, span)


def _speakers(verb: Token, article: int, sentence: Sentence, span: Span) -> Iterable[Mention]:
    subjects = [c for c in verb.children if c.dep_ == "nsubj"]
    if len(subjects) == 1 and not subjects[0].conjuncts:
        yield from _speaker(subjects[0], article, sentence, span, remark(verb, span))


def _speaker(
    noun: Token, article: int, sentence: Sentence, span: Span, said: str = ""
) -> Iterable[Mention]:
    name = _untitled(person(noun, named=True) or _says_i(noun, said))
    if name is None:
        return
    own = {w.i for w in name}
    content = frozenset(
        t.lemma_.lower() for t in span if t.i not in own and t.pos_ in CONTENT and not t.is_stop
    )
    surname = name[-1].lower_
    yield Mention(
        "person",
        surname,
        frozenset({SAY}),
        article,
        sentence,
        content,
        name.text,
        role="said",
        clause=said or _without(span, own),
    )


def _says_i(noun: Token, said: str) -> Span | None:
    """A one-word name the small model took for a body, when the words quoted from it say "I"
    (rule `person.first-person`: "“I'm honoured,” Bloomberg said")."""
    quoted = QUOTED.search(noun.sent.text) is not None
    first_person = words("person.first-person")
    says_i = quoted and any(w.lower() in first_person for w in re.findall(r"[A-Za-z]+", said))
    if says_i and noun.pos_ == "PROPN" and noun.ent_type_ == "ORG" and noun.is_title:
        return noun.doc[noun.i : noun.i + 1]
    return None


def remark(verb: Token, span: Span) -> str:
    """What a speaker said, as the sentence prints it: the words in quotation marks, else the
    clause the verb of saying governs ("Korda said [the talks had failed]"), else its object
    ("announced [his candidacy]")."""
    quoted = QUOTED.findall(span.text)
    if quoted:
        return " ".join(quoted)
    said = [c for c in verb.children if c.dep_ in ("ccomp", "dobj", "xcomp")]
    if not said:
        return ""
    tokens = sorted((t for c in said for t in c.subtree), key=lambda t: t.i)
    return " ".join(t.text for t in tokens)


def _without(span: Span, skip: set[int]) -> str:
    return " ".join(t.text for t in span if t.i not in skip)


def _role(verb: Token, article: int, sentence: Sentence) -> Iterable[Mention]:
    """Who led (represented, chaired, or in "headed by", headed) what: "Korvania's delegation
    was led by Deputy Foreign Minister Vesna Korda" is the value "korda" (shown "Vesna Korda")
    for the holder {korvania}. One person for one holder, or nothing: co-leaders ("led by Korda
    and Orlov") and pronouns are not read."""
    agents = [w for c in verb.children if c.dep_ == "agent" for w in c.children if w.dep_ == "pobj"]
    if agents:
        people = agents
        holders = [c for c in verb.children if c.dep_ == "nsubjpass"]
        if not holders and verb.dep_ == "acl":
            holders = [verb.head]  # "the inquiry, led by retired judge Dame Helen Carrow"
    elif verb.lemma_ == "head":
        return  # "Verhallen headed the first goal" is a header: only "headed by" is read
    else:
        people = [c for c in verb.children if c.dep_ == "nsubj"]
        if verb.dep_ == "relcl" and [p.tag_ for p in people] == ["WP"]:
            people = [verb.head]  # "Korda, who led the team"
        holders = [c for c in verb.children if c.dep_ == "dobj"]
    if len(people) != 1 or len(holders) != 1 or people[0].conjuncts:
        return
    name = _untitled(person(people[0]))
    holder = _holder(holders[0])
    if name is not None and holder:
        what = frozenset({ROLE, *holder})
        surname = name[-1].lower_
        yield Mention("person", surname, what, article, sentence, shown=name.text, role="led")


def person(noun: Token, *, named: bool = False) -> Span | None:
    """The name a noun is, or is in apposition to ("a retired High Court judge, Dame Helen
    Carrow"): spaCy's PERSON entity, or (unless `named`, as a speaker must be: "the White
    House said" is a body's word) a proper noun of two or more capitalised words that is no
    place, nationality or body (the small model takes some people for organisations: "Matej
    Orlov"; "the Foreign Ministry" is no person)."""
    for word in (noun, *(c for c in noun.children if c.dep_ == "appos")):
        doc, start, end = word.doc, word.i, word.i + 1
        if word.ent_type_ == "PERSON" and word.text[:1].isupper():
            while doc[start].ent_iob_ == "I":
                start -= 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            name = doc[start:end]
            if all(w.is_alpha or w.text in (".", "-", "'") for w in name):
                return name
            return None
        if word.lower_.rstrip(".") in words("person.titles"):
            continue  # "Former Vice President Joe Biden said": a title, not the name
        titled = _after_title(word) if named else None
        if titled is not None:  # "Enough Project Co-Founder Noah Greenwald said": a body's title
            return titled
        if named and word.tag_ == "NNP" and not word.ent_type_ and word.is_title:
            # "Brooks said": a surname the small model left untyped (not the capital of a
            # sentence's first word, "Anthropologists said")
            return None if word.is_sent_start else doc[start:end]
        if not named and word.pos_ == "PROPN" and word.ent_type_ not in NON_PERSON_LABELS[:4]:
            while start > 0 and (doc[start - 1].dep_, doc[start - 1].pos_) == ("compound", "PROPN"):
                start -= 1
            name = doc[start:end]  # a first and a last name, capitalised, not a body's
            capitalised = all(w.text[:1].isupper() for w in name)
            institution = name[-1].lower_ in words("person.institutions")
            if len(name) > 1 and capitalised and not institution:
                return name
    return None


def _after_title(word: Token) -> Span | None:
    """The name after the last title among a proper noun's compounds, two capitalised words
    or more, whatever type the small model gives it ("Harbour Council Chairman Ilse Varga
    said" is Ilse Varga, typed a body or not; rule `person.titles`)."""
    if word.pos_ != "PROPN" or word.ent_type_ == "PERSON":
        return None
    titles = words("person.titles")
    before = [c for c in word.children if c.dep_ == "compound" and c.i < word.i]
    marks = [c.i for c in before if c.lower_.rstrip(".") in titles]
    if not marks:
        return None
    name = word.doc[max(marks) + 1 : word.i + 1]
    named = len(name) >= 2 and all(w.pos_ == "PROPN" and w.is_title for w in name)
    return name if named else None


def _untitled(name: Span | None) -> Span | None:
    """The name without the titles the small model took into it ("Sgt. Ilse Varga" is "Ilse
    Varga", rule `person.titles`); None when nothing but titles is left."""
    if name is None:
        return None
    titles = words("person.titles")
    start = name.start
    while start < name.end and name.doc[start].lower_.rstrip(".") in titles | {"."}:
        start += 1
    return name.doc[start : name.end] if start < name.end else None


def same_person(a: Mention, b: Mention) -> bool:
    """Whether two people's names are one person's (see the module doc)."""
    x, y = _name_words(a), _name_words(b)
    if x[-1:] == y[-1:] or (len(x) == 1 and x[0] in (y[0], y[-1])):
        return True
    if len(y) == 1 and y[0] in (x[0], x[-1]):
        return True
    least, likeness = number("person.spelling"), _spelled_alike(x[-1], y[-1])
    return min(len(x[-1]), len(y[-1])) >= least and likeness


def _name_words(mention: Mention) -> list[str]:
    return re.findall(r"[a-z]+(?:['-][a-z]+)*", mention.shown.lower()) or [mention.value]


def _spelled_alike(x: str, y: str) -> bool:
    """Two surnames of one first letter that differ by one letter changed, added or left out
    ("wolfe" / "wolff", "clark" / "clarke")."""
    return x[:1] == y[:1] and SequenceMatcher(None, x, y).ratio() >= 1 - 2 / (len(x) + len(y))


def _holder(noun: Token) -> set[str]:
    """What was led, as the names before and in it, each name whole: "Korvania's delegation",
    "the Korvanian team" and "Korvania" are {korvania} or {korvanian}; "North Korea's
    delegation" is {north korea}. A holder with no name ("a team led by Dr. Hendren") is none:
    one story can tell of several teams."""
    names: list[list[str]] = []
    last = -2
    for word in noun.subtree:
        if word.i > noun.i:
            break
        named = word.pos_ == "PROPN" or word.ent_type_ in ("NORP", "GPE", "ORG")
        if named and word.is_alpha and not word.is_stop:
            if word.i == last + 1:
                names[-1].append(word.lower_)
            else:
                names.append([word.lower_])
            last = word.i
    return {" ".join(name) for name in names}


def same_holder(a: Mention, b: Mention) -> bool:
    """Whether two leaders' holders share a name, a name and its adjective counting as one
    ("korvanian" / "korvania"; "south korea" and "south africa" are two)."""
    return any(
        x == y or (min(len(x), len(y)) >= 5 and (x.startswith(y) or y.startswith(x)))
        for x in a.what - {ROLE}
        for y in b.what - {ROLE}
    )
