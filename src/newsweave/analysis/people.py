"""An article's people: who its names are, and whom a pronoun or a title stands for.

`People(doc, inside)` reads the named people of one parsed article: each PERSON entity, and each
proper noun that is the surname of one, with the words describing them where they are named
("Foreign Minister", "a spokeswoman") and whether they are a main clause's subject. Quotes ask it
who a source mention stands for (`People.resolve`): a surname is resolved to the fullest form of
that name the article uses, `he`/`she` to the latest named person the article made a subject
before the cue, and a title (`the minister said`) to the latest named person described by that
title; a role noun the article has used for more than one person (`the student said`, after "a
student" and "one student") resolves to no one, since a reader could not tell which. A surname
counts as its person's wherever it stands alone, whatever entity type the tagger gives it.

The same reading of an article's people serves the briefs' writer twice: `opening_referents`
says whom a sentence's opening "He" or "Her" stands for, where the sentence before leaves no
doubt, and `full_names` gives each person's full name by surname, so a brief can name in full a
person it first mentions by surname alone. `name_key` is a person's identity across outlets.
"""

from __future__ import annotations

from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations, pairwise
from typing import TYPE_CHECKING

from newsweave.analysis.vocabularies import value_words, vocabulary

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from newsweave.analysis.nlp import Sentence

__all__ = [
    "POSSESSIVES",
    "PRONOUNS",
    "Mention",
    "People",
    "full_names",
    "name_key",
    "opening_referents",
]


# Words that stand for a person in a subject: resolved to a named person of the article.
PRONOUNS = vocabulary("people.pronouns").words
POSSESSIVES = vocabulary("people.possessives").words
# Words for an unnamed person whom an opening pronoun of that gender might stand for, by lemma.
GENDERED = {
    "female": vocabulary("people.female-nouns").words,
    "male": vocabulary("people.male-nouns").words,
}
FEMALE = vocabulary("people.female-titles").words
TITLES = value_words("person.titles")  # "Chief", "Executive": printed before a name, not in it
MALE = vocabulary("people.male-titles").words
GENDER_OF = dict(vocabulary("people.pronoun-genders").table or {})  # "she": "female"
POINTING = vocabulary("people.pointing").words  # "the student said": one the article has met
NO_ONE = vocabulary("people.no-one").words  # a source that names no one: "they said"
INTRODUCING = vocabulary("people.introducing").words  # "a student": one more of them


def opening_referents(doc: Doc, sentences: Sequence[Sentence]) -> dict[int, str]:
    """The person a sentence's opening "He", "She", "His" or "Her" stands for, by the sentence's
    start offset, where no reader could doubt it: the sentence just before, in the same
    paragraph, names one person and no other, as the subject of its main clause ("Kyle
    Rittenhouse was charged on Thursday. He is held in Antioch."), and nothing the article says
    of that person's gender contradicts the pronoun. A sentence moved into a brief cannot take
    its antecedent with it; the name it stands for can replace the pronoun."""
    openers = [
        (previous, sentence, word)
        for previous, sentence in pairwise(sentences)
        if (word := sentence.text.split(" ", 1)[0].lower()) in PRONOUNS | POSSESSIVES
    ]
    if not openers:
        return {}
    people = People(doc, [None] * len(doc))
    found: dict[int, str] = {}
    for previous, sentence, pronoun in openers:
        if "\n" in doc.text[previous.start : sentence.start]:
            continue  # a new paragraph may be about someone else
        named = people.mentions_in(previous.start, previous.end)
        names = {mention.name for mention in named}
        subject = any(mention.is_subject for mention in named)
        if previous.start in found:  # "He is held in Antioch. His lawyer ...": the same person
            names.add(found[previous.start])
            subject = True
        if len(names) != 1 or not subject:
            continue
        (name,) = names
        gender = GENDER_OF.get(pronoun, "male")
        if people.is_shared(name) or people.gender_of(name, gender) != gender:
            continue
        words = doc.char_span(previous.start, previous.end, alignment_mode="expand") or ()
        if GENDERED[gender] & {word.lemma_.lower() for word in words}:
            continue  # "... a tip from a young woman. She was found ...": maybe not the named one
        found[sentence.start] = name
    return found


def full_names(doc: Doc) -> dict[str, str]:
    """Each person's full name in a parsed article, by surname key ("vilk" → "Bohdan Vilk"),
    for a writer to name a person in full where a brief first mentions them. Only what reads as
    a name (two to four capitalised words) and what can be only one person: a surname that two
    people of the article bear, or that the article also uses as a lower-case word ("rice"),
    is left out."""
    names = [_clean_name(ent.text) for ent in doc.ents if ent.label_ == "PERSON"]
    names = [name for name in names if _reads_as_name(name)]
    shared = _shared_surnames(names)
    lower = {token.lower_ for token in doc if token.is_lower}
    return {
        key: name
        for key, name in _fullest_names(names).items()
        if key not in shared and key not in lower
    }


def _reads_as_name(name: str) -> bool:
    """Two to four capitalised words of letters ("Dame Helen Carrow", "J. K. Rowling"), none of
    them in capitals ("Milan Dorosz BRASK": a dateline run into a name)."""
    words = name.split()
    return 2 <= len(words) <= 4 and all(
        word[0].isupper()
        and not (word.isupper() and len(word) > 2)
        and all(char.isalpha() or char in ".-'’" for char in word)
        for word in words
    )


def name_key(name: str) -> str:
    """A speaker's identity across outlets: "President Tomas Rellik" and "Rellik" → "rellik"."""
    words = [_strip_possessive(word) for word in name.split()]
    words = [word for word in words if word]
    if not words:
        return ""
    return words[-1].lower() if words[-1][:1].isupper() else " ".join(words).lower()


def _strip_possessive(word: str) -> str:
    for suffix in ("'s", "’s", "'", "’"):
        if word.endswith(suffix):
            return word[: -len(suffix)]
    return word.strip(",.;:")


@dataclass(frozen=True)
class Mention:
    at: int  # character offset
    paragraph: int  # character offset of its paragraph's start
    name: str  # the fullest form of the name in the article
    titles: frozenset[str]  # lower-cased words describing the person ("minister", "president")
    is_subject: bool  # the subject of a main clause


class People:
    """The named people of one article, to resolve a pronoun or a title to a name.

    A mention is a PERSON entity, or a proper noun that is the surname of one. Resolving a
    source in text order adds the person it resolved to as a mention, so a later `he said`
    finds the `the president said` before it.
    """

    def __init__(self, doc: Doc, inside: list[int | None]) -> None:
        self._text = doc.text
        self._inside = inside
        names = [_clean_name(ent.text) for ent in doc.ents if ent.label_ == "PERSON"]
        self._full = _fullest_names(names)
        self._shared = _shared_surnames(names)
        self._gender: dict[str, str] = {}
        self._mentions: list[Mention] = []
        for token in doc:
            if inside[token.i] is not None or not self._is_name_head(token):
                continue
            name = self.full_name(_proper_name(token))
            titles = _titles(token)
            plain = {title.rstrip(".") for title in titles}  # "Ms." as "ms"
            if plain & FEMALE:
                self._gender.setdefault(name, "female")
            elif plain & MALE:
                self._gender.setdefault(name, "male")
            self._add(token.idx, name, titles, _is_main_subject(token))

    def _is_name_head(self, token: Token) -> bool:
        """The last word of a person's name (where the parse hangs the name's other words)."""
        if token.pos_ != "PROPN" or token.dep_ == "compound":
            return False
        if token.ent_type_ == "PERSON":
            return token.ent_iob_ == "B" or token.nbor(-1).ent_type_ == "PERSON"
        return self._is_surname(token)

    def _is_surname(self, token: Token) -> bool:
        """A proper noun that is the surname of a person the article names, standing alone:
        untagged, or a one-word entity of another type (the tagger reads "Key was forced to
        correct himself" as an organisation's, with Prime Minister John Key named before)."""
        if token.pos_ != "PROPN" or name_key(token.text) not in self._full:
            return False
        if not token.ent_type_:
            return True
        after = token.i + 1
        return token.ent_iob_ == "B" and (
            after >= len(token.doc) or token.doc[after].ent_iob_ != "I"
        )

    def _add(self, at: int, name: str, titles: frozenset[str], is_subject: bool) -> None:
        paragraph = self._text.rfind("\n", 0, at) + 1
        insort(
            self._mentions,
            Mention(at, paragraph, name, titles, is_subject),
            key=lambda mention: mention.at,
        )

    def full_name(self, text: str) -> str:
        name = _clean_name(text)
        return self._full.get(name_key(name), name)

    def resolve(self, source: Span, at: int) -> str | None:
        """The person or body a source mention stands for, or its own words when unnamed."""
        head = source.root
        word = head.lower_
        if word in PRONOUNS:
            person = self._latest(at, gender=GENDER_OF.get(word, "male"))
        elif word in NO_ONE:
            return None
        elif head.pos_ == "NOUN" and any(c.lower_ in POINTING for c in head.children):
            person = self._titled(at, source)
            if person is None and self._introduced(head) > 1:
                return None  # "the student": which of the students the article has met?
        else:
            return self._named(source) or _phrase_text(source)
        if person is not None:
            self._add(at, person.name, person.titles, True)
            return person.name
        return None if word in PRONOUNS else _phrase_text(source)

    def _introduced(self, head: Token) -> int:
        """How many people the article has brought in by a definite source's noun before it:
        each "a", "an", "one" or "another" student outside quotation marks, and a student first
        met as "the student". Where it is more than one, "the student said" does not say which
        (the one thrown from her desk, or the classmate who spoke without giving his name)."""
        lemma = head.lemma_.lower()
        count = 0
        for token in head.doc[: head.i]:
            if (
                token.pos_ != "NOUN"
                or token.lemma_.lower() != lemma
                or token.tag_ in ("NNS", "NNPS")
                or self._inside[token.i] is not None
            ):
                continue
            fresh = any(
                child.dep_ in ("det", "nummod") and child.lower_ in INTRODUCING
                for child in token.children
            )
            count += fresh or count == 0
        return count

    def _named(self, source: Span) -> str | None:
        """The name a source gives: its head's or an apposition's (`Brennick's chief, X`)."""
        head = source.root
        named = [head, *(child for child in head.children if child.dep_ == "appos")]
        for token in named:
            if (
                token.ent_type_ == "PERSON"
                or (token.pos_ == "PROPN" and not token.ent_type_)
                or self._is_surname(token)
            ):
                return self.full_name(_proper_name(token))
        for token in named:
            if token.ent_type_ in ("ORG", "NORP", "GPE"):
                return _proper_name(token)
        return None

    def mentions_in(self, start: int, end: int) -> list[Mention]:
        """The mentions of people between two character offsets, in text order."""
        return [m for m in self._mentions if start <= m.at < end]

    def is_shared(self, name: str) -> bool:
        """Whether two people of the article bear this name's surname (Jeff and Vikki Joseph)."""
        return name_key(name) in self._shared

    def gender_of(self, name: str, default: str) -> str:
        """The gender the article's titles give a person ("Mr", "spokeswoman"), else `default`."""
        return self._gender.get(name, default)

    def _latest(self, at: int, *, gender: str) -> Mention | None:
        """The latest main-clause subject of the paragraph, else its latest mention, else the
        same over the whole article before `at`, among people of a compatible gender."""
        candidates = [
            m for m in self._mentions if m.at < at and self.gender_of(m.name, gender) == gender
        ]
        paragraph = self._text.rfind("\n", 0, at) + 1
        local = [m for m in candidates if m.paragraph == paragraph]
        for group in (local, candidates):
            subjects = [m for m in group if m.is_subject]
            if subjects or group:
                return (subjects or group)[-1]
        return None

    def _titled(self, at: int, source: Span) -> Mention | None:
        """The latest person described by most of the title's words and fewest others (`the
        foreign minister` is the foreign minister, not the deputy foreign minister)."""
        words = {t.lemma_.lower() for t in source if t.pos_ in ("NOUN", "PROPN", "ADJ")}
        best: tuple[tuple[int, int], Mention] | None = None
        for mention in self._mentions:
            if mention.at >= at:
                break
            score = (len(words & mention.titles), -len(mention.titles - words))
            if score[0] and (best is None or score >= best[0]):
                best = (score, mention)
        return best[1] if best else None


def _clean_name(text: str) -> str:
    return " ".join(_strip_possessive(word) for word in text.split())


def _fullest_names(names: Iterable[str]) -> dict[str, str]:
    """Surname → the longest name of the article with that surname."""
    fullest: dict[str, str] = {}
    for name in names:
        key = name_key(name)
        if len(name) > len(fullest.get(key, "")):
            fullest[key] = name
    return fullest


def _shared_surnames(names: Iterable[str]) -> set[str]:
    """The surnames that two different people of an article bear: two names with the same
    surname of which neither holds all the other's words ("Jeff Joseph", "Vikki Joseph"; not
    "Joe Biden", "Biden")."""
    words: dict[str, list[set[str]]] = {}
    for name in names:
        words.setdefault(name_key(name), []).append(set(name.split()))
    return {
        key
        for key, forms in words.items()
        if any(not (a <= b or b <= a) for a, b in combinations(forms, 2))
    }


def _titles(root: Token) -> frozenset[str]:
    """Words that describe a named person where they are named: `Foreign Minister X`,
    `X, Dravenko's spokeswoman`, `Halvenmark's foreign minister, X`."""
    words = list(root.doc[root.left_edge.i : root.i])
    for child in root.children:
        if child.dep_ == "appos":
            words.extend(child.subtree)
    if root.dep_ == "appos":
        words.extend(t for t in root.head.subtree if t.i <= root.head.i)
    owners = {t.i for word in words if word.dep_ == "poss" for t in word.subtree}
    return frozenset(
        t.lemma_.lower()
        for t in words
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and t.i not in owners and not t.ent_type_
    )


def _is_main_subject(token: Token) -> bool:
    while token.dep_ in ("appos", "compound", "conj") and token.head != token:
        token = token.head
    return token.dep_ in ("nsubj", "nsubjpass") and token.head.dep_ in ("ROOT", "conj")


def _proper_name(token: Token) -> str:
    """The name a token is part of: its entity, else its run of proper nouns hanging on it
    as compounds, without the titles before it (two words left at least)."""
    if token.ent_type_:  # the entity's tokens, by their IOB tags (`Doc.ents` rebuilds them all)
        doc, start, end = token.doc, token.i, token.i + 1
        while start > 0 and doc[start].ent_iob_ == "I":
            start -= 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        return _clean_name(doc[start:end].text)
    words = [token]
    while (before := words[0].i - 1) >= 0 and _compound_of(token.doc[before], token):
        words.insert(0, token.doc[before])
    while len(words) > 2 and words[0].lower_.rstrip(".") in TITLES:
        words.pop(0)  # "Chief Executive Claudia Reinholt said": titles, not her name
    return _clean_name(" ".join(t.text for t in words))


def _compound_of(word: Token, head: Token) -> bool:
    """Whether the word is a proper noun of the name `head` ends, through compounds ("Chief
    Executive Claudia Reinholt": "Executive" hangs on "Claudia", "Claudia" on "Reinholt")."""
    while word.dep_ == "compound" and word.pos_ == "PROPN" and word.head.i != word.i:
        if word.head.i == head.i:
            return True
        word = word.head
    return False


def _phrase_text(source: Span) -> str:
    """A source's words up to its first comma (`A spokeswoman for Dravenko`)."""
    text = source.text.split(",")[0].strip()
    return text
