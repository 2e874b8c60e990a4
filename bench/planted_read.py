"""The values the planted-disagreement benchmark (bench/planted_disagreements.py) reads in an
article, and the rules that keep a value out of the benchmark.

Every article is parsed with the project's spaCy pipeline (`nlp.parse`) and read for values of
four kinds:

    count   a number (digits or words, "2 million" too) modifying a noun: "12 people", "two counts"
    date    a weekday ("on Tuesday", "Monday night") or a month's day ("March 5", "Oct. 23")
    place   a city, US state, province or country (spaCy's GPE) after in / at / near / outside,
            after to / from a verb of going, or naming where a common noun was ("a Texas judge")
    person  a named person (PERSON) who said something (the subject of a saying verb, "according
            to" them) or led something (the subject of "led", the agent of "led by")

What a careful reader would not call a disagreement is left out by rules, each rejection counted
under its rule's name in the build summary (a rejection is counted for a value another article
shares); the last four are the planting's (`planted_plant`):

    one              a count under 2: "one" is as often a pronoun, and a plural needs two or more
    year             a four-digit number from 1800 to 2100 ("his 2008 Porsche")
    modifier         a number joined by a hyphen ("30-pin", "six-person crew", "52-48") or counting
                     a unit of time or measure ("seven times", "five years"): a size, age, score
    name             a number in a name or an address ("13 Ways to Hunt ...", "John Doe No. 117",
                     "the 5000 block"); a date naming something ("the Sept. 11 attackers")
    definite         "the two men", "both sides": a definite two or three names who, not how many
    sourcing         "two people familiar with the matter", "according to three officials"
    range            "9 to 11", "between 9 and 11", "every seven": no single value
    both-forms       a date with a weekday and a month's day ("Tuesday, October 16"): changing one
                     would contradict the other in the same article
    not-happening    a date or place of saying, writing or publishing ("said on Tuesday", "said
                     in Washington": every outlet dates its quotes its own way; an embedded post's
                     date), or one that hangs from no verb or event noun
    plan             a future or modal predicate ("will sign on Monday", "is set to vote")
    place-form       "the" before the place ("in the U.S."), "City, State", a street the model
                     took for a place, or a country as a modifier ("U.S. funding")
    list             a place in a list ("in Tunisia and Egypt")
    not-speaker      a person who neither said nor led anything in the sentence
    short            a sentence of fewer than six words: too little to tell what it is of
    repeated         the article states the value again (not for people): changing one mention
                     would make it contradict itself; an error is stated once
    other-happening  no other article states the value of the same happening (`SAME`)
    no-replacement   no value of the same kind to put in its place

Hand-written: the benchmark reads values independently of the analysis it scores, from the
parse, rather than with `newsweave.analysis.values`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from newsweave.analysis.words import MONTHS, WEEKDAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

KINDS = ("count", "date", "place", "person")
SAYING = frozenset(
    {"say", "tell", "add", "ask", "write", "note", "explain", "tweet", "publish", "post"}
    | {"report", "quote", "update", "claim", "insist", "argue", "comment", "testify"}
)
ROLES = frozenset({"lead", "head", "chair"})
SPEAKING = SAYING | {"announce", "warn", "acknowledge", "confirm", "deny", "admit", "declare"}
UNITS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "time", "percent"}
    | {"cent", "point", "mile", "foot", "inch", "meter", "metre", "kilometer", "pound", "ton"}
    | {"degree", "dollar", "step", "way", "page", "term", "round", "%"}
)
ADDRESSES = frozenset({"block", "street", "st", "road", "rd", "avenue", "route", "floor", "no"})
DEFINITE = frozenset({"the", "these", "those", "both", "its", "their", "his", "her", "our"})
SOURCES = frozenset({"source", "official", "aide"})
FUTURE = frozenset({"will", "would", "shall", "'ll", "may", "might", "could", "should", "must"})
PLANS = frozenset({"set", "expect", "schedule", "due", "plan", "poise", "slate"})
SUBCLAUSES = frozenset({"relcl", "ccomp", "advcl", "parataxis", "acl", "csubj"})
MOVES = frozenset({"travel", "fly", "go", "head", "return", "arrive", "visit", "move", "flee"})
MOVES |= frozenset({"deploy", "send", "come", "drive", "sail", "evacuate", "transfer"})
PLACE_PREPS = frozenset({"in", "at", "near", "outside"})
GENERIC = SAYING | frozenset({"be", "have", "do", "make", "take", "get", "people", "year"})
# fmt: off
US_STATES = frozenset({
    "Alabama", "Alaska", "Arizona", "Arkansas", "California", "Colorado", "Connecticut",
    "Delaware", "Florida", "Georgia", "Hawaii", "Idaho", "Illinois", "Indiana", "Iowa", "Kansas",
    "Kentucky", "Louisiana", "Maine", "Maryland", "Massachusetts", "Michigan", "Minnesota",
    "Mississippi", "Missouri", "Montana", "Nebraska", "Nevada", "Ohio", "Oklahoma", "Oregon",
    "Pennsylvania", "Tennessee", "Texas", "Utah", "Vermont", "Virginia", "Washington", "Wisconsin",
    "Wyoming", "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina",
    "North Dakota", "Rhode Island", "South Carolina", "South Dakota", "West Virginia",
})
# fmt: on
# fmt: off
NUMBER_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty",
)
# fmt: on
TENS = {"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80}
TENS |= {"ninety": 90, "twenty": 20}
SCALES = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
# fmt: off
PROVINCES = frozenset({
    "Ontario", "Quebec", "Alberta", "Manitoba", "Saskatchewan", "Queensland", "Tasmania",
    "Victoria", "NSW", "British Columbia", "Nova Scotia", "New Brunswick", "New South Wales",
    "South Australia", "Western Australia", "Northern Territory", "Northern Ireland",
})
# fmt: on
STREETS = frozenset({"boulevard", "street", "road", "avenue", "flats", "square", "park", "bridge"})
# Nouns a date names rather than dates: "the Sept. 11 attackers", "the Jan. 6 committee".
NAMED = frozenset({"attack", "attacker", "hijacker", "committee", "commission", "riot"})
COUNTRY_ALIASES = frozenset(
    {"Britain", "Great Britain", "England", "Scotland", "Wales", "Turkey", "America", "USA"}
    | {"U.S.", "US", "U.S.A.", "U.K.", "UK", "Russia", "Burma", "Czech Republic", "Holland"}
)


Similarity = Callable[[str, str], float]  # the cosine of two sentences


@dataclass(frozen=True)
class Mention:
    """One value an article states, with what it is about, and the rule that rejects it (if
    any)."""

    kind: str
    key: str  # the value compared across articles: "12 people", "tuesday", "march 5", "paris"
    text: str  # the characters an edit replaces
    start: int
    end: int
    sentence: str
    sentence_start: int
    words: frozenset[str]  # the sentence's content lemmas, less the value's own words
    head: str  # the word the value is about: the counted noun, or the verb a date hangs from
    form: str = ""  # a place's kind (city, state, country); a person's shape (surname, full)
    rejected: str | None = None


# --- reading values ------------------------------------------------------------------------


def find_mentions(doc: Doc) -> list[Mention]:
    """Every value of the four kinds the text states, rejected ones with their rule."""
    found = []
    for token in doc:
        if token.dep_ == "nummod" and token.head.pos_ in ("NOUN", "PROPN"):
            found.append(_count(token))
    for entity in doc.ents:
        if entity.label_ == "DATE":
            found.extend(_date(entity))
        elif entity.label_ == "GPE":
            found.append(_place(entity))
        elif entity.label_ == "PERSON":
            found.append(_person(entity))
    return [m for m in found if m is not None]


def _mention(
    kind: str, key: str, value: Span, head: Token, own: Iterable[Token] = (), **extra: Any
) -> Mention:
    """A value's mention; its words are those of the clause it is in (`_clause`), or of the
    whole sentence for a person (what they said may be anywhere in it), less its own."""
    sentence = value.sent
    skip = {t.i for t in (*value, *own)}
    verbs = [w for w in (head, *head.ancestors) if w.pos_ in ("VERB", "AUX")]
    scope = sentence if kind == "person" or not verbs else _clause(verbs[0])
    words = frozenset(  # names keep their capitals: `_same_happening` tells them apart
        t.lemma_ if t.pos_ == "PROPN" else t.lemma_.lower()
        for t in scope
        if t.i not in skip and t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and not t.is_stop
    )
    return Mention(
        kind,
        key,
        value.text,
        value.start_char,
        value.end_char,
        sentence.text,
        sentence.start_char,
        words - GENERIC,
        head.lemma_.lower(),
        **extra,
    )


def _clause(verb: Token) -> list[Token]:
    """The verb and what hangs from it, less the clauses under it (relative, adverbial,
    complement clauses), which tell of other happenings."""
    out, stack = [], [verb]
    while stack:
        token = stack.pop()
        out.append(token)
        stack += [
            c
            for c in token.children
            if c.dep_ not in SUBCLAUSES and not (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))
        ]
    return out


def _count(token: Token) -> Mention | None:
    noun = token.head
    digits = [c for c in token.children if c.dep_ in ("compound", "quantmod") and c.like_num]
    first = min([token, *digits], key=lambda t: t.i)
    span = token.doc[first.i : token.i + 1]
    value = count_value(first.text)
    if value is None:
        return None
    total = value * SCALES.get(token.lower_, 1.0) if token is not first else value  # "2 million"
    lemma = "people" if noun.lemma_.lower() in ("person", "people") else noun.lemma_.lower()
    verb = _verb_of(noun) or noun
    value_span = token.doc[first.i : first.i + 1]
    mention = _mention("count", f"{total:g} {lemma}", value_span, verb, own=(*span, noun))
    return replace(mention, rejected=_count_rule(first, span, noun, value))


def _count_rule(first: Token, span: Span, noun: Token, value: float) -> str | None:
    doc, text = first.doc, first.text
    after = doc[span.end] if span.end < len(doc) else None
    before = doc[span.start - 1] if span.start > 0 else None
    if value < 2:
        return "one"
    if re.fullmatch(r"1[89]\d\d|20\d\d", text):
        return "year"
    if "-" in text or (after is not None and after.text in ("-", "–")):
        return "modifier"
    if noun.lemma_.lower() in UNITS or noun.lower_ in UNITS:
        return "modifier"
    if noun.pos_ == "PROPN" or not noun.is_alpha or noun.text[:1].isupper():
        return "name"
    if noun.lemma_.lower() in ADDRESSES or (before is not None and before.lower_ in ("no.", "#")):
        return "name"
    if first.ent_type_ not in ("CARDINAL", ""):
        return "name"
    if before is not None and before.lower_ in ("every", "per", "between", "of", "from", "to"):
        return "range"
    if after is not None and after.lower_ in ("to", "or", "and") and after.nbor(1).like_num:
        return "range"
    determiners = {c.lower_ for c in noun.children if c.dep_ in ("det", "poss", "predet")}
    if value <= 3 and determiners & DEFINITE:
        return "definite"
    if _is_sourcing(noun):
        return "sourcing"
    return None


def _is_sourcing(noun: Token) -> bool:
    familiar = any(c.lower_ == "familiar" for c in noun.children) or (
        noun.i + 1 < len(noun.doc) and noun.nbor(1).lower_ == "familiar"
    )
    according = noun.head.lower_ == "to" and noun.head.head.lower_ == "according"
    return familiar or according or noun.lemma_.lower() in SOURCES


def _date(entity: Span) -> Iterator[Mention]:
    words = [t.lower_.rstrip(".") for t in entity]
    weekdays = [t for t in entity if t.lower_ in WEEKDAYS]
    months = [t for t, w in zip(entity, words, strict=True) if _month(w)]
    days = [t for t in entity if t.is_digit and 1 <= int(t.text) <= 31]
    daytime = [t for t in entity if re.fullmatch(r"\d{1,2}(st|nd|rd|th)", t.lower_)]
    if weekdays and len(weekdays) == 1:
        value = weekdays[0]
        key = value.lower_
    elif months and (days or daytime) and len(months) == 1:
        value = (days or daytime)[0]
        day = int(re.sub(r"\D", "", value.text))
        key = f"{_month(months[0].lower_.rstrip('.'))} {day}"
    else:
        return
    verb = _verb_of(entity.root)
    mention = _mention("date", key, entity.doc[value.i : value.i + 1], verb or entity.root)
    rule = None
    if weekdays and (months or days or any(t.like_num for t in entity)):
        rule = "both-forms"
    elif entity.root.dep_ in ("compound", "nmod", "amod") and entity.root.head.lemma_ in NAMED:
        rule = "name"
    elif verb is None or verb.lemma_.lower() in SAYING or _is_embed(mention.sentence):
        rule = "not-happening"
    elif _is_plan(verb):
        rule = "plan"
    yield replace(mention, rejected=rule)


def _is_embed(sentence: str) -> bool:
    """A sentence holding an embedded post ("pic.twitter.com/... — Leanne Suter (@abc7leanne)
    August 12, 2018"): its date is the post's."""
    return "pic.twitter.com" in sentence or re.search(r"\(@\w+\)", sentence) is not None


def _month(word: str) -> str | None:
    return next((m for m in MONTHS if len(word) >= 3 and m.startswith(word)), None)


def _verb_of(token: Token) -> Token | None:
    """The verb a date or place hangs from, or the event noun it dates ("Thursday's vote")."""
    if token.dep_ in ("poss", "compound", "nmod") and token.head.pos_ == "NOUN":
        return token.head
    for above in token.ancestors:
        if above.pos_ in ("VERB", "AUX"):
            return above
    return None


def _is_plan(verb: Token) -> bool:
    for word in (verb, *verb.ancestors):
        if any(c.dep_ in ("aux", "auxpass") and c.lower_ in FUTURE for c in word.children):
            return True
        infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in word.children)
        if word.lemma_.lower() in PLANS or infinitive:
            return True
        if word.dep_ not in ("xcomp", "advcl", "conj", "ccomp", "prep", "pobj"):
            break
    return False


def _place(entity: Span) -> Mention | None:
    """A place after in / at / near / outside, after to / from a verb of going ("flew to
    Kabul"), or naming where a common noun was ("the Christchurch attack", "a Texas judge")."""
    root = entity.root
    head = root.head
    is_in = root.dep_ == "pobj" and head.lower_ in PLACE_PREPS
    is_to = root.dep_ == "pobj" and head.lower_ in ("to", "from") and head.head.lemma_ in MOVES
    is_of = root.dep_ == "compound" and head.pos_ == "NOUN"
    if not (is_in or is_to or is_of):
        return None
    verb = _verb_of(root) if is_of else _verb_of(head)
    text = entity.text
    form = place_kind(text)
    mention = _mention("place", text.lower(), entity, verb or root.head, form=form)
    doc = entity.doc
    before = doc[entity.start - 1] if entity.start > 0 else None
    after = doc[entity.end : entity.end + 2]
    near_place = (len(after) == 2 and after[0].text == "," and after[1].ent_type_ == "GPE") or (
        entity.start >= 2
        and doc[entity.start - 1].text == ","
        and doc[entity.start - 2].ent_type_ == "GPE"
    )
    rule = None
    has_the = text.lower().startswith("the") or (before is not None and before.lower_ == "the")
    is_name = text.replace(" ", "").replace(".", "").isalpha()
    if has_the or near_place or form == "street" or not is_name:
        rule = "place-form"
    elif is_of and form in ("country", "province"):
        rule = "place-form"  # "U.S. funding", "New Zealand mosques": an adjective's place
    elif root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
        rule = "list"
    elif verb is None or verb.lemma_.lower() in SAYING:
        rule = "not-happening"
    elif verb.pos_ in ("VERB", "AUX") and _is_plan(verb):
        rule = "plan"
    return replace(mention, rejected=rule)


def place_kind(text: str) -> str:
    """ "state" (a US state), "province" (Canada's, Australia's), "country", "county",
    "street" (a GPE the small model mistook), else "city"."""
    last = text.split()[-1].lower()
    text = text.replace(". ", ".")  # "U. S." as some files print it
    if text in US_STATES:
        return "state"
    if text in PROVINCES:
        return "province"
    if text in _countries() or text in COUNTRY_ALIASES:
        return "country"
    if last in ("county", "shire", "parish", "borough"):
        return "county"
    return "street" if last in STREETS else "city"


@cache
def _countries() -> frozenset[str]:
    from babel import Locale  # installed with trafilatura (through courlan)

    names = Locale("en").territories
    return frozenset(name for code, name in names.items() if code.isalpha())


def _person(entity: Span) -> Mention | None:
    words = [t for t in entity if t.is_alpha]
    if not words or len(words) != len(entity) or not all(w.text[:1].isupper() for w in words):
        return None  # "Trump's", "Sen. X", a lower-case or broken name: not a clean name
    root = entity.root
    shape = "surname" if len(entity) == 1 else f"{len(entity)} words"
    head = root.head
    is_speaker = root.dep_ == "nsubj" and head.lemma_.lower() in SPEAKING | ROLES
    is_agent = root.dep_ == "pobj" and head.lower_ == "by" and head.head.lemma_ in ROLES
    is_according = root.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according"
    verb = head.head if (is_agent or is_according) else head
    mention = _mention("person", words[-1].lower_, entity, verb, form=shape)
    if not (is_speaker or is_agent or is_according):
        return replace(mention, rejected="not-speaker")
    return mention


# --- planting ------------------------------------------------------------------------------


def count_value(text: str) -> float | None:
    """A number as digits ("1,200", "2.5") or one word ("three", "forty"), else None."""
    lower = text.lower().strip()
    if lower in NUMBER_WORDS:
        return float(NUMBER_WORDS.index(lower))
    if lower in TENS:
        return float(TENS[lower])
    if re.fullmatch(r"\d{1,3}(,\d{3})+|\d+(\.\d+)?", lower):
        return float(lower.replace(",", ""))
    return None
