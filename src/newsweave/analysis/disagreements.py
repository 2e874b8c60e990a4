"""Where the sources of one event disagree: a count, a date, a place, a person, or a yes/no fact.

`find_disagreements(articles)` reads every sentence of one event's articles for the values it
asserts, decides which values are about the same thing, and reports each thing that the
sources give more than one value for, with each side's sentences and independent-source count
(wire copies and one publisher family count once, as for claims).

What is read, and when two values are "about the same thing":

    count   a number (digits or number words, "twenty-three" included) counting a noun: what it
            counts is the *anchor*: "dead", "injured" or "missing" when the noun or its verb is
            a casualty word ("nine people were killed", "eleven dead", "at least nine people
            had died"; "attacker dead" when attackers are counted; a toll "including the
            shooter" is read less the attackers it names, and agrees with the toll as printed
            too; not the subject of an active "killed", who did it), else the noun, with the
            words that say what kind ("two robbery charges", "charges of contempt"), and its
            verb ("nine bodies were recovered" is "body recover", which never meets "dead").
            The count in "157 of 338 seats" is 157. Two counts are about the same thing when
            the anchors are equal and their sentences do not date what happened on different
            days ("two were wounded in a shooting on Feb. 6" is another occasion than "three
            were killed on Thursday"; dates of saying are not read, see date). Not read:
            durations and ages ("14 days", "54-year-old"), percentages and money, ranges ("9 to
            11", "between 9 and 11"), increments ("two more workers"), counts in a condition
            ("if one animal tests positive"), and counts in a sentence that says the figure
            changed ("rose to", "has risen to", "revised"). That last is the choice on time:
            each report asserts the toll as of its writing, and a toll that differs between an
            early and a later report *is* a disagreement unless the later one says it is an
            update; an update says the earlier figure was true then, and is left to the
            timeline.
    date    a day (dates.py, against each article's publication day) and the event it dates:
            the nouns and verb it hangs from ("talks held on Friday" is {meet, hold},
            "Thursday's talks" is {meet, attend}), with the verb's subject and object nouns
            and the nouns in apposition to them (a dateline that the parser takes for the
            subject is left out: "SALTMERE, March 5 (CPA) — Negotiators ... met" is about
            the negotiators). Dates of saying ("said on Tuesday") are not read: when something
            was said is not the fact in dispute, and every outlet dates its quotes differently;
            nor are plans (a date in a future clause, "due to meet on Wednesday"), as for
            yes/no. The words for a meeting read as one word (MEETING: "talks", "met", "sat at
            a table"). Two days are about the same thing when their anchors share a word that
            says what occurred (not LIGHT: "the funeral was held on Monday" and "a vigil was
            held on Sunday" share only "held"). (Being aligned in one claim is not enough: two
            reports' ledes align, each dating its own reaction, "officials reacted on Tuesday"
            and "Dravenko accused ... on Wednesday".)
    yes_no  whether something happened, for a short table of predicates whose negation news
            disputes (POLAR): attending (attend, travel, lead, head, participate, join) and
            confirming. A predicate is "no" when it is negated ("did not attend", "has not yet
            confirmed"); plans and conditions are not read ("will lead", "whether Korvania would
            accept"). Two are about the same thing when each one's subject is named in the other
            sentence, or their sentences are aligned in one claim.
    place   where something happened: a city or country (spaCy's GPE) after "in" or "at",
            hanging from an occurrence or a meeting (OCCURRENCES: "the talks were held in
            Saltmere", "the quake struck in Teskaria"), plans and denials not read. Its anchor
            is the one a date gets, and two places are about the same thing as two dates are.
            Places that an article names together anywhere, as whole words, are no
            disagreement: one lies in the other ("Kenosha, Wisconsin"), or the writer knew of
            both.
    person  who led, represented or chaired something with a name, or by whom it was headed
            ("Korvania's delegation was led by Vesna Korda", "Korvania was represented by Matej
            Orlov"; an active "headed" is a header as often as a post): the value is the
            person's surname (the side shows the fullest name), the anchor the names in what
            was led, each name whole. Two are about the same thing when they share a name, a
            country and its adjective counting as one ("Korvania", "Korvanian"; "South Korea"
            and "South Africa" are two). What has no name ("a team led by Dr. Hendren") is not
            read: one story can tell of several teams. A person disagreement that splits the
            articles as a yes/no one does, with the same sentences ("led by Korda" against
            "represented by Orlov", and against "Korda did not travel"), is that conflict told
            another way, stated once.

A thing becomes a disagreement when two different values about it come from different
articles that were linked directly (not only through a chain of links), so a value never
spreads by transitivity onto an unrelated statement, and when no article gives two of the values
(one that states both a first and a next court date is about two things). A side may include
several articles of one copy group; its independent-source count says how much that is worth.

Why by hand: no library extracts (quantity, what it counts) or polarity of a predicate; spaCy's
parse gives the heads and dependents these rules read, and the rules are few enough to show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Literal

from newsweave.analysis.claims import (
    Claim,
    ClaimSentence,
    EventText,
    align_claims,
    claim_sentence,
    count_sources,
    read_event,
)
from newsweave.analysis.dates import find_dates
from newsweave.analysis.nlp import Entity, Sentence, named_by
from newsweave.analysis.words import NEGATIONS, number_value
from newsweave.model import Article

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

__all__ = ["Disagreement", "DisagreementKind", "Side", "find_disagreements"]

DisagreementKind = Literal["count", "date", "place", "person", "yes_no"]

CASUALTIES = {
    "kill": "dead", "die": "dead", "dead": "dead", "death": "dead", "fatality": "dead",
    "injure": "injured", "injured": "injured", "wound": "injured", "hurt": "injured",
    "missing": "missing",
}  # fmt: skip
VICTIMS = frozenset(CASUALTIES.values())
AGENT_VERBS = frozenset({"kill", "injure", "wound", "hurt"})  # whose subject did the killing
# Who did it: "five attackers were shot dead" is not a toll of the victims.
PERPETRATORS = frozenset(
    {"attacker", "assailant", "gunman", "shooter", "terrorist", "bomber", "hijacker", "suspect"}
    | {"perpetrator", "militant", "jihadist", "insurgent"}
)
NOT_COUNT_ENTITIES = ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY")
NOT_COUNTS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "time", "percent"}
    | {"cent", "pound", "dollar", "euro", "kilometre", "metre", "mile", "%"}
)
YEAR = re.compile(r"\b(1\d{3}|20\d{2})\b")
INCREMENTS = frozenset({"more", "another", "additional", "further", "other"})
UPDATE_CUES = ("rose to", "risen to", "climbed to", "increased to", "up from", "revised")
REPORTING = frozenset({"say", "tell", "announce", "add", "state", "report", "describe", "ask"})
# Words too general to tell what a date is of: saying, light verbs, and "people" ("two people
# were wounded on Feb. 6" and "three people were injured ... on Thursday" are not one thing).
GENERIC = REPORTING | frozenset(
    {"be", "have", "do", "take", "make", "go", "come", "get", "people", "person"}
)
# Words for one meeting, as a date's anchor reads them: "the talks held on Thursday", "the
# negotiators met on Thursday" and "the two delegations sat ... on Thursday" date one thing.
MEETING = dict.fromkeys(
    ("meet", "meeting", "talk", "negotiation", "summit", "sit", "convene"), "meet"
)
POLAR = {
    **dict.fromkeys(("attend", "travel", "lead", "head", "participate", "join"), "attend"),
    "confirm": "confirm",
}
# Who stood at the head of something: "the delegation was led by Korda", "Korvania was
# represented by Orlov", "the inquiry, chaired by Dame Helen Carrow".
ROLES = frozenset({"lead", "head", "represent", "chair"})
OCCURRENCES = frozenset(
    {"meet", "hold", "happen", "occur", "strike", "hit", "crash", "explode", "erupt", "die"}
    | {"kill", "take", "shoot", "arrest", "detain", "stage", "sign", "break", "land"}
    | {"convene", "gather", "sit"}
)
# Occurrence words that say nothing of what occurred: two dates or places link through another
# word ("the funeral was held on Monday" and "a vigil was held on Sunday" are two things).
LIGHT = frozenset({"hold", "happen", "occur", "place"})
ROLE = "lead"  # the word a person mention's anchor holds beside what was led
NON_PERSON_LABELS = ("GPE", "LOC", "FAC", "NORP")  # entity labels that name no person
# Last words of a name that make it a body, not a person: "represented by the Foreign Ministry".
INSTITUTIONS = frozenset(
    {"ministry", "department", "office", "government", "council", "committee", "party"}
    | {"court", "police", "agency", "bank", "company", "university", "service", "embassy"}
    | {"commission", "union", "association", "group", "team", "delegation", "army", "navy"}
)
FUTURE = frozenset({"will", "would", "shall", "'ll", "may", "might", "could", "to"})
SUBJECTS = ("nsubj", "nsubjpass")
OBJECTS = ("dobj", "nsubj", "nsubjpass", "attr", "pobj")


@dataclass(frozen=True)
class Side:
    # "9", "2026-03-05", "yes" / "no", "Saltmere", "Vesna Korda": a count as its first sentence
    # prints it (a toll "including two gunmen" is compared less them), a person's fullest name
    value: str
    article_ids: tuple[str, ...]
    sentences: tuple[ClaimSentence, ...]
    independent_sources: int


@dataclass(frozen=True)
class Disagreement:
    kind: DisagreementKind
    about: str  # what the values are of: "dead", "meet hold", "attend korda"
    sides: tuple[Side, ...]  # the most independently backed first


@dataclass(frozen=True)
class _Mention:
    kind: DisagreementKind
    value: str
    anchor: frozenset[str]  # what the value is about (see the module doc)
    article: int
    sentence: Sentence
    also: str | None = None  # a value it agrees with too: a toll with its attackers counted in
    days: frozenset[str] = frozenset()  # a count's: the days its sentence dates what happened
    shown: str = ""  # a place or person as the sentence prints it (a person's value: surname)


def find_disagreements(
    articles: Sequence[Article] | EventText,
    claims: Sequence[Claim] | None = None,
    docs: Sequence[Doc] | None = None,
    copy_groups: Mapping[str, str] | None = None,
) -> list[Disagreement]:
    """The disagreements among one event's articles (see the module doc); claims are aligned
    here unless given."""
    event = articles if isinstance(articles, EventText) else read_event(articles, docs, copy_groups)
    claims = align_claims(event) if claims is None else claims
    claim_of = {(s.article_id, s.end): n for n, claim in enumerate(claims) for s in claim.sentences}
    mentions = list(_mentions(event))
    found = []
    for kind in ("count", "date", "yes_no", "person", "place"):
        of_kind = [m for m in mentions if m.kind == kind]
        links = [
            (a, b)
            for a, b in combinations(range(len(of_kind)), 2)
            if _linked(event, claim_of, of_kind[a], of_kind[b])
        ]
        for component in _components(len(of_kind), links):
            disagreement = _disagreement(event, of_kind, links, component)
            if disagreement is not None and not _told(disagreement, found):
                found.append(disagreement)
    return found


def _told(disagreement: Disagreement, found: Sequence[Disagreement]) -> bool:
    """Whether a person disagreement is a yes/no one already found, told by who went instead:
    "led by Korda" / "represented by Orlov" splits the articles as "Korda led" / "Korda did not
    travel" does, and its sentences are that one's. One conflict is stated once."""
    camps = {frozenset(side.article_ids) for side in disagreement.sides}
    sentences = {sentence for side in disagreement.sides for sentence in side.sentences}
    return disagreement.kind == "person" and any(
        earlier.kind == "yes_no"
        and {frozenset(side.article_ids) for side in earlier.sides} == camps
        and any(sentence in sentences for side in earlier.sides for sentence in side.sentences)
        for earlier in found
    )


def _mentions(event: EventText) -> Iterable[_Mention]:
    for position, (article, doc) in enumerate(zip(event.articles, event.docs, strict=True)):
        dates = find_dates(article.text, article.published_at, doc) if article.published_at else []
        for sentence in event.sentences[position]:
            span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            days = []
            for date in dates:
                inside = sentence.start <= date.start < sentence.end
                # A date in a future clause is a plan ("due to meet on Wednesday"): not read.
                if inside and date.precision == "day" and date.tense != "future":
                    anchor = _anchor(doc, date.start, date.end)
                    if anchor:
                        days.append(_Mention("date", str(date.first), anchor, position, sentence))
            if not _is_update_or_history(sentence, article):
                on = frozenset(day.value for day in days)
                for value, anchor, also in _counts(span):
                    count = frozenset({anchor})
                    yield _Mention("count", value, count, position, sentence, also, on)
            yield from days
            for token in span:
                if token.pos_ != "VERB" or _is_plan(token):
                    continue
                if token.lemma_ in POLAR:
                    value = "no" if _is_negated(token) else "yes"
                    anchor = frozenset({POLAR[token.lemma_], *_subject_names(token)})
                    yield _Mention("yes_no", value, anchor, position, sentence)
                if token.lemma_ in ROLES and not _is_negated(token):
                    yield from _role(token, position, sentence)
            for entity in sentence.entities:
                if entity.label == "GPE":
                    yield from _place(doc, entity, position, sentence)


def _is_update_or_history(sentence: Sentence, article: Article) -> bool:
    """A sentence that says a figure changed, or that names a year before the article's own
    ("the 1987 quake killed 14"): its counts are not about the event as reported now."""
    if any(cue in sentence.text.lower() for cue in UPDATE_CUES):
        return True
    year = article.published_at.year if article.published_at else None
    return year is not None and any(
        e.label == "DATE"
        and any(int(y) < year for y in re.findall(r"\b(1\d{3}|20\d{2})\b", e.text))
        for e in sentence.entities
    )


# --- counts -----------------------------------------------------------------------------------


def _counts(span: Iterable[Token]) -> Iterable[tuple[str, str, str | None]]:
    """(value, anchor, also) for each count of the sentence; `also` is the toll as printed when
    the value leaves out the attackers it names ("four killed, including the shooter" is 3,
    also 4: a report of four dead that does not say whether the shooter is among them agrees)."""
    for token in span:
        value = _count_value(_share(token))
        if (
            value is None
            or value != int(value)
            or token.ent_type_ in ("DATE", "TIME", "PERCENT", "MONEY", "QUANTITY")
            or _under(token, ("if", "unless", "whether"))  # a condition asserts no count
        ):
            continue
        if token.dep_ == "nummod":
            noun = token.head
        elif token.dep_ in (*SUBJECTS, "dobj"):
            noun = token  # "eleven were killed"
        else:
            continue
        if noun.lemma_.lower() in NOT_COUNTS or _is_range(token) or _is_increment(token, noun):
            continue
        anchor = _counted(noun)
        attackers = _attackers_among(token) if anchor in VICTIMS else 0
        if anchor and value >= attackers:
            also = str(int(value)) if attackers else None
            yield str(int(value - attackers)), anchor, also


def _attackers_among(number: Token) -> int:
    """How many attackers an "including ..." after a toll names among those it counts: "four
    people were killed, including the shooter" is a toll of three victims. The parser hangs
    "including" from the noun, the verb or further up, so it is looked for in the words that
    follow, up to the next number."""
    for token in number.doc[number.i + 1 : number.sent.end]:
        if token.like_num:
            return 0
        if token.lower_ == "including":
            named = [w for c in token.children if c.dep_ == "pobj" for w in (c, *c.conjuncts)]
            return sum(_how_many(w) for w in named if w.lemma_.lower() in PERPETRATORS)
    return 0


def _how_many(noun: Token) -> int:
    """The number counting a noun ("two gunmen"), else one."""
    for child in noun.children:
        if child.dep_ == "nummod" and (value := _count_value(child)) is not None:
            return int(value)
    return 1


def _under(token: Token, marks: tuple[str, ...]) -> bool:
    """Whether the token's clause, or one it hangs from, opens on one of `marks` ("if one
    animal tests positive", "whether Korvania would accept")."""
    return any(
        c.dep_ == "mark" and c.lower_ in marks
        for t in (token, *token.ancestors)
        for c in t.children
    )


def _share(token: Token) -> Token:
    """The number that counts: "157" in "won 157 of 338 seats", which the parser reads as one
    number of seats (338, with 157 hanging from it), not the total."""
    for child in token.children:
        between = token.doc[child.i + 1 : token.i]
        if child.dep_ == "quantmod" and child.like_num and any(t.lower_ == "of" for t in between):
            return child
    return token


def _count_value(token: Token) -> float | None:
    """The value of a number token, "twenty-three" read whole (its first part gives it)."""
    if token.i > 1 and token.nbor(-1).text == "-" and number_value(token.nbor(-2).lower_):
        return None  # the "three" of "twenty-three"
    value = number_value(token.lower_)
    if value is None or token.i + 2 >= len(token.doc) or token.nbor(1).text != "-":
        return value
    unit = number_value(token.nbor(2).lower_)
    return value + unit if unit is not None and value >= 20 and unit < 10 else value


def _counted(noun: Token) -> str | None:
    """What a counted noun counts: a casualty class (of the attackers, when they are counted),
    or the noun and its verb."""
    verb = noun.head if noun.dep_ in (*SUBJECTS, "dobj") and noun.head.pos_ == "VERB" else None
    words = [noun, *(c for c in noun.children if c.dep_ in ("acl", "amod"))]
    if verb is not None:
        # The subject of an active "killed" or "wounded" did it ("two gunmen killed five").
        if not (noun.dep_ == "nsubj" and verb.lemma_.lower() in AGENT_VERBS):
            words.append(verb)
        words += [c for c in verb.children if c.dep_ in ("acomp", "oprd")]
    for word in words:
        if word.lemma_.lower() in CASUALTIES:
            casualty = CASUALTIES[word.lemma_.lower()]
            perpetrator = noun.lemma_.lower() in PERPETRATORS
            return f"{noun.lemma_.lower()} {casualty}" if perpetrator else casualty
    if noun.pos_ not in ("NOUN", "PROPN") or verb is None:
        return None
    # What kind of it: "two robbery charges" and "three charges of contempt" count two things.
    kinds = [c for c in noun.children if c.dep_ == "compound"]
    kinds += [
        word
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for word in c.children
        if word.dep_ in ("pobj", "pcomp")
    ]
    return " ".join(w.lemma_.lower() for w in (*kinds, noun, verb))


def _is_range(token: Token) -> bool:
    near = [token.nbor(step) for step in (-2, -1, 1, 2) if 0 <= token.i + step < len(token.doc)]
    return any(t.like_num and t.i != token.i for t in near) and any(
        t.lower_ in ("to", "and", "-", "–", "or") for t in near
    )


def _is_increment(token: Token, noun: Token) -> bool:
    return any(c.lower_ in INCREMENTS for c in (*token.children, *noun.children))


# --- dates ------------------------------------------------------------------------------------


def _anchor(doc: Doc, start: int, end: int) -> frozenset[str]:
    """The nouns and the verb a date or a place (the text from `start` to `end`) hangs from;
    empty for one of saying."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return frozenset()
    words: set[str] = set()
    token = span.root
    if token.dep_ in ("poss", "compound", "nmod"):
        words.add(token.head.lemma_.lower())  # "Thursday's talks"
    for above in token.ancestors:
        if above.pos_ == "NOUN" and above.dep_ in OBJECTS:
            words.add(above.lemma_.lower())
        if above.pos_ == "VERB":
            if above.lemma_ in REPORTING:
                return frozenset()
            words.add(above.lemma_.lower())
            words |= {
                word.lemma_.lower()
                for c in above.children
                if c.dep_ in OBJECTS[:3]
                for word in named_by(c)
                if word.pos_ == "NOUN"
            }
            noun = above.head if above.dep_ == "acl" else _participle_noun(above)
            if noun is not None:
                words.add(noun.lemma_.lower())  # "the talks held on Friday"
            break
    return frozenset(MEETING.get(word, word) for word in words - GENERIC)


def _participle_noun(verb: Token) -> Token | None:
    """The noun right before a past participle that has no subject or auxiliary of its own:
    the parser hangs "accused the government ... at the talks with Korvania held in Saltmere
    on Friday" on "accused", not on "talks", but the participle still tells of the talks."""
    if verb.tag_ != "VBN" or any(c.dep_ in (*SUBJECTS, "aux", "auxpass") for c in verb.children):
        return None
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        if token.pos_ in ("VERB", "AUX", "PUNCT"):
            return None
        if token.pos_ == "NOUN":
            return token
    return None


# --- yes / no ---------------------------------------------------------------------------------


def _is_negated(token: Token) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in NEGATIONS for c in token.children)


def _is_plan(token: Token) -> bool:
    """A future, modal or infinitive predicate, or one under "whether" / "if"."""
    if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE for c in token.children):
        return True
    return _under(token, ("whether", "if"))


def _subject_names(token: Token) -> set[str]:
    """Lower-cased proper-noun words naming who did it: the subject (the agent of a passive),
    else the subject of the clause it confirms ("Korvania will ..., a spokesman confirmed")."""
    agents = [g for c in token.children if c.dep_ == "agent" for g in c.children]
    subjects = agents or [c for c in token.children if c.dep_ in SUBJECTS]
    names = {w.lower_ for s in subjects for w in _name_words(s)}
    if names:
        return names
    clauses = [c for c in token.children if c.dep_ in ("ccomp", "dep")] + (
        [token.head] if token.dep_ in ("parataxis", "ccomp") else []
    )
    return {
        w.lower_
        for clause in clauses
        for s in clause.children
        if s.dep_ in SUBJECTS
        for w in _name_words(s)
    }


def _name_words(head: Token) -> list[Token]:
    words = [head, *(c for c in head.children if c.dep_ in ("compound", "poss", "flat"))]
    return [w for w in words if w.pos_ == "PROPN"]


# --- places ----------------------------------------------------------------------------------


def _place(doc: Doc, entity: Entity, article: int, sentence: Sentence) -> Iterable[_Mention]:
    """Where something happened: a city or country after "in" or "at", hanging from an
    occurrence or a meeting ("the talks held in Saltmere", "the quake struck in Teskaria")."""
    span = doc.char_span(entity.start, entity.end, alignment_mode="expand")
    if span is None or span.root.dep_ != "pobj" or span.root.head.lower_ not in ("in", "at"):
        return
    verb = span.root.head.head
    if verb.pos_ != "VERB" or verb.lemma_ not in OCCURRENCES or _is_plan(verb) or _is_negated(verb):
        return
    anchor = _anchor(doc, entity.start, entity.end)
    if anchor:
        yield _Mention("place", entity.text.lower(), anchor, article, sentence, shown=entity.text)


# --- people ----------------------------------------------------------------------------------


def _role(verb: Token, article: int, sentence: Sentence) -> Iterable[_Mention]:
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
    name = _person(people[0])
    holder = _holder(holders[0])
    if name is not None and holder:
        surname = name[-1].lower_
        anchor = frozenset({ROLE, *holder})
        yield _Mention("person", surname, anchor, article, sentence, shown=name.text)


def _person(noun: Token) -> Span | None:
    """The name a noun is, or is in apposition to ("a retired High Court judge, Dame Helen
    Carrow"): spaCy's PERSON entity, or a proper noun of two or more capitalised words that is
    no place, nationality or body (the small model takes some people for organisations: "Matej
    Orlov"; "the Foreign Ministry" is no person)."""
    for word in (noun, *(c for c in noun.children if c.dep_ == "appos")):
        doc, start, end = word.doc, word.i, word.i + 1
        if word.ent_type_ == "PERSON" and word.text[:1].isupper():
            while doc[start].ent_iob_ == "I":
                start -= 1
            while end < len(doc) and doc[end].ent_iob_ == "I":
                end += 1
            return doc[start:end]
        if word.pos_ == "PROPN" and word.ent_type_ not in NON_PERSON_LABELS:
            while start > 0 and (doc[start - 1].dep_, doc[start - 1].pos_) == ("compound", "PROPN"):
                start -= 1
            name = doc[start:end]  # a first and a last name, capitalised, not a body's
            capitalised = all(w.text[:1].isupper() for w in name)
            if len(name) > 1 and capitalised and name[-1].lower_ not in INSTITUTIONS:
                return name
    return None


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


def _same_holder(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two holders share a name, a name and its adjective counting as one ("korvanian"
    / "korvania"; "south korea" and "south africa" are two)."""
    return any(
        x == y or (min(len(x), len(y)) >= 5 and (x.startswith(y) or y.startswith(x)))
        for x in a - {ROLE}
        for y in b - {ROLE}
    )


# --- linking and sides ------------------------------------------------------------------------


def _linked(
    event: EventText, claim_of: Mapping[tuple[str, int], int], a: _Mention, b: _Mention
) -> bool:
    if a.article == b.article:
        return False
    if a.kind == "count":  # and not counts of two days ("wounded on Feb. 6" / "on Thursday")
        return a.anchor == b.anchor and (not a.days or not b.days or bool(a.days & b.days))
    if a.kind in ("date", "place"):
        return bool((a.anchor & b.anchor) - LIGHT)
    if a.kind == "person":
        return _same_holder(a.anchor, b.anchor)
    if _concept(a) != _concept(b):
        return False
    ids = event.articles[a.article].article_id, event.articles[b.article].article_id
    claim = claim_of.get((ids[0], a.sentence.end))
    return (claim is not None and claim == claim_of.get((ids[1], b.sentence.end))) or (
        _names_in(a.anchor - {_concept(a)}, b.sentence)
        and _names_in(b.anchor - {_concept(b)}, a.sentence)
    )


def _concept(mention: _Mention) -> str:
    return next(word for word in mention.anchor if word in POLAR.values())


def _names_in(names: frozenset[str], sentence: Sentence) -> bool:
    return bool(names) and any(name in sentence.text.lower() for name in names)


def _components(size: int, links: Sequence[tuple[int, int]]) -> list[list[int]]:
    parent = list(range(size))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in links:
        parent[root(a)] = root(b)
    groups: dict[int, list[int]] = {}
    for i in range(size):
        groups.setdefault(root(i), []).append(i)
    return [group for group in groups.values() if len(group) > 1]


def _disagreement(
    event: EventText,
    mentions: Sequence[_Mention],
    links: Sequence[tuple[int, int]],
    component: Sequence[int],
) -> Disagreement | None:
    """The component's values as sides, when two linked mentions in different articles give
    different values and no article gives two of the values (an article that states both a
    first and a next court date is talking about two things, not contradicting itself)."""
    members = set(component)
    if not any(
        a in members
        and b in members
        and _differ(mentions[a], mentions[b])
        and mentions[a].article != mentions[b].article
        for a, b in links
    ):
        return None
    by_value: dict[str, list[_Mention]] = {}
    for index in component:
        by_value.setdefault(mentions[index].value, []).append(mentions[index])
    values_of: dict[int, set[str]] = {}
    for index in component:
        values_of.setdefault(mentions[index].article, set()).add(mentions[index].value)
    if any(len(values) > 1 for values in values_of.values()):
        return None
    if mentions[component[0]].kind == "place" and _named_together(event, list(by_value)):
        return None
    sides = sorted((_side(event, value, ms) for value, ms in by_value.items()), key=_side_order)
    return Disagreement(mentions[component[0]].kind, _about(mentions, component), tuple(sides))


def _named_together(event: EventText, places: Sequence[str]) -> bool:
    """Whether an article names two of the places anywhere: one in the other ("Kenosha,
    Wisconsin"), or both known to its writer, so naming one is no denial of the other."""
    patterns = [re.compile(rf"\b{re.escape(place)}\b", re.IGNORECASE) for place in places]
    return any(
        sum(bool(pattern.search(article.text)) for pattern in patterns) > 1
        for article in event.articles
    )


def _differ(a: _Mention, b: _Mention) -> bool:
    """Whether two mentions give values that cannot both be true."""
    return not ({a.value, a.also} - {None}) & ({b.value, b.also} - {None})


def _side(event: EventText, value: str, mentions: Sequence[_Mention]) -> Side:
    sentences = tuple(dict.fromkeys(claim_sentence(event, m.article, m.sentence) for m in mentions))
    article_ids = tuple(dict.fromkeys(s.article_id for s in sentences))
    if mentions[0].kind == "count":  # as the side's first sentence prints it, attackers in
        shown = mentions[0].also or value
    else:
        shown = max((m.shown for m in mentions), key=len) or value  # the fullest name
    return Side(shown, article_ids, sentences, count_sources(event, article_ids)[1])


def _side_order(side: Side) -> tuple[int, int, str]:
    """The most independently backed first; counts that tie, smallest first."""
    return -side.independent_sources, int(side.value) if side.value.isdigit() else 0, side.value


def _about(mentions: Sequence[_Mention], component: Sequence[int]) -> str:
    """The words the mentions' anchors share most, up to three."""
    counts: dict[str, int] = {}
    for index in component:
        for word in mentions[index].anchor:
            counts[word] = counts.get(word, 0) + 1
    return " ".join(sorted(counts, key=lambda w: (-counts[w], w))[:3])
