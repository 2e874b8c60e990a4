"""Planted disagreements (issue 25): dev events with one outlet's value changed, and how many of
those changes the analysis finds.

    .venv/bin/python bench/planted_disagreements.py build [--eval-dir DIR] [--out FILE]
    .venv/bin/python bench/planted_disagreements.py show [--kind count] [--sample 10]
    .venv/bin/python bench/planted_disagreements.py score [--half held-out] [--limit N] [--json F]

**build** reads summ-multinews.jsonl and summ-allsides.jsonl from the dev eval folder
(`--eval-dir`, else $NEWSWEAVE_EVAL_DIR, else ../shared/eval beside the repository, as
`cluster_data.dev_dir` finds it). The text stays out of the repository: the built file goes to
`--out` (default /tmp/nw_cache/planted-disagreements.jsonl), beside the parses and sentence
vectors it caches. Every article is parsed with the project's spaCy pipeline (`nlp.parse`) and
read for values of four kinds:

    count   a number (digits or words, "2 million" too) modifying a noun: "12 people", "two counts"
    date    a weekday ("on Tuesday", "Monday night") or a month's day ("March 5", "Oct. 23")
    place   a city, US state, province or country (spaCy's GPE) after in / at / near / outside,
            after to / from a verb of going, or naming where a common noun was ("a Texas judge")
    person  a named person (PERSON) who said something (the subject of a saying verb, "according
            to" them) or led something (the subject of "led", the agent of "led by")

A value is planted when one article of an event of two or more articles states it once and
another article states the same value of the same kind (the same number and noun, weekday, day,
place, surname) of the same happening (`SAME`: the two sentences' MiniLM cosine, or a lower one
with content words shared by the two clauses). It is changed in that one article, minimally: a
count to a nearby one in the same form ("12" -> "14", "three" -> "five", "136,000" ->
"135,000"); a weekday to the day before or after; a month's day by one to three days; a place to
one of the same kind named twice or more elsewhere in the file and nowhere in the event, a city
to one named with the same states and countries (`_nearest`); a person to another speaker of the
file named nowhere in the event, in the same form (surname, or as many words), of the same gender
where pronouns tell it. Up to `PER_EVENT` values per event and kind (one date: weekdays are many),
chosen with a fixed seed, so the same data always gives the same cases.

What a careful reader would not call a disagreement is left out by rules, each rejection counted
under its rule's name in the build summary (a rejection is counted for a value another article
shares):

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

Every count, place and person case and 45 dates were then read; the few that got through the
rules and are still no disagreement are in `EXCLUDED`, each with its reason.

The built file is JSON lines: a "build" line (seed, cases kept per kind and half, rejections per
rule), an "event" line per event of two or more articles (its articles as the file has them),
and a "case" line per planted value (event, kind, edited article, old and new value and key, the
sentence before and after, one other article's sentence, the edited text). The half is by a hash
of the event id, "tune" or "held-out", for cases and controls alike: tune issue 25's rules on
"tune" only.

**score** runs every case through the project's real path: the event's articles (the one edited)
written to a JSONL file, `ingest` into a fresh SQLite store, the **gold grouping** written to the
store (`Store.put_event_members`, and copy groups from `dedupe.copy_groups` among each event's
articles), then `analyse_events`. Gold grouping, not the stories stage, because the issue's
misses come from reading values, not clustering. A store holds each event once (one event's
cases go to different stores; the unchanged events have their own). A planted conflict is found
when one disagreement of its event has a side with the old value without the edited article and
a side with the new value holding it (counts compared as numbers, dates as weekday or month and
day, an ISO day as both; places lower-cased; people by surname). The unchanged events of the two
files are the controls: any disagreement on one is a false alarm (some may be real differences
between outlets: `--alarms` prints them to read).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cluster_data import dev_dir
from newsweave.analysis.nlp import load_nlp, parse
from newsweave.analysis.words import MONTHS, WEEKDAYS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

FILES = ("summ-multinews.jsonl", "summ-allsides.jsonl")
DEFAULT_OUT = Path("/tmp/nw_cache/planted-disagreements.jsonl")
KINDS = ("count", "date", "place", "person")
HALVES = ("tune", "held-out")
SEED = 25
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
# When two mentions of one value are of one happening: (sentence cosine enough alone, shared
# clause words, cosine enough with them). Read on the dev pairs (see the module doc): a count's
# number and noun are specific, so a little likeness does; a weekday or a place is named for
# many happenings of one story; a person is the same speaker of another remark unless the two
# sentences tell the same remark.
# Values planted per event and kind, at most: weekdays are many, the others few.
PER_EVENT = {"count": 3, "date": 1, "place": 3, "person": 3}
SAME = {"count": (0.3, 1, 0.0), "date": (0.5, 2, 0.3), "place": (0.5, 2, 0.3)}
SAME["person"] = (0.6, 1000, 1.0)
SHORT = 6  # words: a shorter sentence tells too little of what happened ('"Yes," Clinton said.')
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
# Cases that passed the rules and that a careful reading did not call a disagreement (read
# 2026-12-07: every count, place and person case, and 45 of the dates), with the reason each.
EXCLUDED = {
    "place-3d89ec8f6b-2": "'not a North Carolina hurricane' is a figure of speech, not a place",
    "place-4197e8e21c-1": "his home outside Philadelphia and a prison near it are two places",
    "place-c04ce37539-1": "Fairfax here is a media company, not a place",
    "place-fd1c911781-1": "the other article does not say whose law it is",
    "place-0da7e0e4e6-1": "where the son spoke and the home she was taken from: two happenings",
    "place-55b1c658ad-1": "the other article does not place the pile-up",
    "place-6e1dac3157-1": "Malibu lies in L.A. county: L.A. does not contradict it",
    "person-228a850d63-1": "another remark of the same speaker",
    "person-75608448ca-1": "another remark of the same speaker",
    "person-987ab5472a-1": "another remark of the same speaker",
    "person-3e6de3880e-1": "another act of the same sheriff",
    "person-63d3533bf6-1": "another remark of the same speaker",
    "person-590b00eabe-1": "Clinton is named in the quote, not its speaker",
    "person-92b1359381-1": "another remark of the same speaker",
    "person-69ea8fcbae-1": "another passage of the statement",
    "person-fd1c911781-1": "another remark of the same speaker",
    "person-8a9c723c4c-1": "another remark of the same speaker",
    "date-c9f8c29b0c-1": "the mockery and the ousting are two happenings of one day",
}
US_NAMES = frozenset({"U.S.", "US", "USA", "U.S.A.", "America", "United States"})
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


@dataclass(frozen=True)
class Case:
    case_id: str
    file: str
    event_id: str
    half: str
    kind: str
    article_id: str  # the edited article, as the file names it
    old: str
    new: str
    key: str  # the old value as compared ("12 people"); the new one is `new_key`
    new_key: str
    before: str
    after: str
    others: tuple[str, ...]  # the other articles that state the old value
    other_sentence: str  # one of them, as it states it
    text: str = field(repr=False)  # the edited article's whole text


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
    form = _place_kind(text)
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


def _place_kind(text: str) -> str:
    """ "state" (a US state), "province" (Canada's, Australia's), "country", "county",
    "street" (a GPE the small model mistook), else "city"."""
    last = text.split()[-1].lower()
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


@dataclass(frozen=True)
class Article:
    article_id: str
    text: str


@dataclass
class Plan:
    """What planting one file found: its cases, and the shared values each rule rejected."""

    cases: list[Case] = field(default_factory=list)
    rejected: list[tuple[str, str, Mention]] = field(default_factory=list)  # (event id, rule, m)


def plant_event(
    file: str,
    event_id: str,
    articles: Sequence[Article],
    mentions: Sequence[Sequence[Mention]],
    pools: Pools,
    similarity: Similarity,
    seed: int = SEED,
) -> Plan:
    """The planted cases of one event (see the module doc): for each kind, up to `PER_EVENT`
    values its articles share that the rules let through, each changed in one article;
    `mentions` are each article's (`find_mentions`), `pools` the file's places and speakers
    (`build_pools`), to take a new value from; `similarity` the cosine of two sentences
    (MiniLM's, in `build`)."""
    plan = Plan()
    texts = [article.text for article in articles]
    digest = hashlib.sha1(f"{file}:{event_id}".encode()).hexdigest()[:10]
    for kind in KINDS:
        rng = random.Random(f"{seed}:{file}:{event_id}:{kind}")
        of_kind = [[m for m in ms if m.kind == kind] for ms in mentions]
        chosen = _choose(kind, of_kind, event_id, plan, rng, similarity)
        for number, (index, mention, partners) in enumerate(chosen, start=1):
            new = _new_value(mention, texts, of_kind, pools, rng)
            if new is None:
                plan.rejected.append((event_id, "no-replacement", mention))
                continue
            text, new_key = new
            at = mention.start - mention.sentence_start
            plan.cases.append(
                Case(
                    case_id=f"{kind}-{digest}-{number}",
                    file=file,
                    event_id=event_id,
                    half=half_of(event_id),
                    kind=kind,
                    article_id=articles[index].article_id,
                    old=mention.text,
                    new=text,
                    key=mention.key,
                    new_key=new_key,
                    before=mention.sentence,
                    after=mention.sentence[:at] + text + mention.sentence[at + len(mention.text) :],
                    others=tuple(dict.fromkeys(articles[j].article_id for j, _ in partners)),
                    other_sentence=partners[0][1].sentence,
                    text=texts[index][: mention.start] + text + texts[index][mention.end :],
                )
            )
    return plan


def _choose(
    kind: str,
    of_kind: Sequence[Sequence[Mention]],
    event_id: str,
    plan: Plan,
    rng: random.Random,
    similarity: Similarity,
) -> list[tuple[int, Mention, list[tuple[int, Mention]]]]:
    """The mentions to edit, of different values: each a value an article states once, with
    another article stating it of the same happening; rejected values that another article
    shares are recorded in `plan`."""
    candidates = []
    for i, mentions in enumerate(of_kind):
        for m in mentions:
            shared = [
                (j, other)
                for j, others in enumerate(of_kind)
                if j != i
                for other in others
                if other.key == m.key and other.rejected is None
            ]
            if not shared:
                continue
            rule = m.rejected
            if rule is None and len(m.sentence.split()) < SHORT:
                rule = "short"
            if rule is None and m.kind != "person" and _is_repeated(m, mentions):
                rule = "repeated"
            partners = rule is None and [
                (j, other) for j, other in shared if _same_happening(m, other, similarity)
            ]
            if rule is None and not partners:
                rule = "other-happening"
            if rule is not None:
                plan.rejected.append((event_id, rule, m))
            else:
                candidates.append((i, m, partners))
    keys = sorted({m.key for _, m, _ in candidates})
    keys = rng.sample(keys, min(len(keys), PER_EVENT[kind]))
    return [rng.choice([c for c in candidates if c[1].key == key]) for key in keys]


def _is_repeated(mention: Mention, mentions: Sequence[Mention]) -> bool:
    return sum(m.key == mention.key for m in mentions) > 1


def _same_happening(a: Mention, b: Mention, similarity: Similarity) -> bool:
    """Whether two mentions of one value tell of one happening (`SAME`): their sentences are
    alike, or a little alike and their clauses share content words besides the value, one of
    them at least a verb, noun or adjective (two sentences naming the same people can tell of
    two happenings)."""
    alone, words, with_words = SAME[a.kind]
    cosine = similarity(a.sentence, b.sentence)
    shared = a.words & b.words
    what = any(word.islower() for word in shared)  # not only the same people named
    return cosine >= alone or (len(shared) >= words and what and cosine >= with_words)


def _new_value(
    mention: Mention,
    texts: Sequence[str],
    of_kind: Sequence[Sequence[Mention]],
    pools: Pools,
    rng: random.Random,
) -> tuple[str, str] | None:
    """The edited value as printed, and its key; None when no value fits."""
    taken = {m.key for ms in of_kind for m in ms}
    if mention.kind == "count":
        noun = mention.key.split(" ", 1)[1]
        for _ in range(20):
            text = other_count(mention.text, rng)
            value = _count_value(mention, text)
            if text and value is not None and f"{value:g} {noun}" not in taken:
                return text, f"{value:g} {noun}"
        return None
    if mention.kind == "date":
        return _other_date(mention, taken, rng)
    everything = "\n".join(texts)
    pool = [
        value
        for value in pools.values.get((mention.kind, mention.form), [])
        if not any(re.search(rf"\b{re.escape(w)}\b", everything) for w in value.split())
    ]
    if mention.kind == "place" and mention.form in ("city", "county"):
        pool = _nearest(pool, everything, pools)
    if mention.kind == "person" and mention.key in pools.gender:  # "he said" stays right
        gender = pools.gender[mention.key]
        pool = [v for v in pool if pools.gender.get(v.split()[-1].lower()) == gender]
    if not pool:
        return None
    text = rng.choice(pool)
    return text, (text.lower() if mention.kind == "place" else text.split()[-1].lower())


def _count_value(mention: Mention, text: str) -> float | None:
    old_key = float(mention.key.split(" ", 1)[0])
    old, new = count_value(mention.text), count_value(text)
    return None if old is None or new is None or old == 0 else old_key * new / old


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


def other_count(text: str, rng: random.Random) -> str:
    """A plausible different count in the same form: a word for a word ("three" -> "five"),
    digits with the same separators and decimals ("1,200" -> "1,300", "2.5" -> "2.8"), never
    below 2 and stepping by the number's own rounding (136,000 moves by thousands)."""
    lower = text.lower()
    if lower in NUMBER_WORDS or lower in TENS:
        value = NUMBER_WORDS.index(lower) if lower in NUMBER_WORDS else TENS[lower]
        if value >= 20:
            words = {v: w for w, v in TENS.items()}
            new = words[rng.choice([value + s for s in (-10, 10, 20) if value + s in words])]
        else:
            new = NUMBER_WORDS[_step(value, 1, rng, top=20)]
        return new.capitalize() if text[:1].isupper() else new
    if "." in text:
        decimals = text.split(".", 1)[1]
        unit = 10 ** -len(decimals)
        value = float(text.replace(",", ""))
        new = value + unit * rng.choice([-3, -2, 2, 3])
        return f"{new:.{len(decimals)}f}" if new >= 1 else f"{value + 3 * unit:.{len(decimals)}f}"
    value = int(text.replace(",", ""))
    zeros = len(str(value)) - len(str(value).rstrip("0"))
    zeros = min(zeros, len(str(value)) - 1)
    new = _step(value, 10**zeros, rng, top=None)
    return f"{new:,}" if "," in text else str(new)


def _step(value: int, unit: int, rng: random.Random, top: int | None) -> int:
    choices = [value + unit * d for d in (-2, -1, 1, 2, 3)]
    choices = [c for c in choices if c >= 2 and c != value and (top is None or c <= top)]
    # as many digits as before: 12 -> 14, not 12 -> 9; 800 -> 900, not 800 -> 1000
    choices = [c for c in choices if len(str(c)) == len(str(value))] or choices
    return rng.choice(choices)


def _other_date(mention: Mention, taken: set[str], rng: random.Random) -> tuple[str, str] | None:
    if mention.key in WEEKDAYS:
        at = WEEKDAYS.index(mention.key)
        options = [WEEKDAYS[(at + d) % 7] for d in (-1, 1)]
        free = [w for w in options if w not in taken] or options
        new = rng.choice(free)
        return (new.capitalize() if mention.text[:1].isupper() else new), new
    month, day = mention.key.split()
    options = [int(day) + d for d in (-3, -2, -1, 1, 2, 3) if 1 <= int(day) + d <= 28]
    free = [d for d in options if f"{month} {d}" not in taken] or options
    if not free:
        return None
    new = rng.choice(free)
    suffix = re.sub(r"^\d+", "", mention.text)
    if suffix:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(new % 10 if new not in (11, 12, 13) else 0, "th")
    return f"{new}{suffix}", f"{month} {new}"


def half_of(event_id: str) -> str:
    """ "tune" or "held-out", by a hash of the event id (stable across runs and machines)."""
    return HALVES[hashlib.sha256(event_id.encode()).digest()[0] % 2]


@dataclass(frozen=True)
class Pools:
    """A file's values to plant from: its places by kind and its speakers by shape (surname,
    "2 words"...), each named in two or more of the file's sentences the rules let through, in
    sorted order (so a seed gives one choice); the regions (states, provinces, countries) named
    in the articles that name each city, so a city is replaced by one of the same region; and
    each surname's gender as the pronouns after its mentions tell it ("m", "f"; absent when
    they do not)."""

    values: dict[tuple[str, str], list[str]]
    regions: dict[str, frozenset[str]]
    gender: dict[str, str]


def build_pools(articles: Iterable[tuple[Doc, Sequence[Mention]]]) -> Pools:
    """The pools of a file from its articles' parses and mentions."""
    named: Counter[tuple[str, str, str]] = Counter()
    regions: dict[str, set[str]] = defaultdict(set)
    docs = []
    for doc, mentions in articles:
        docs.append(doc)
        around = {e.text for e in doc.ents if e.label_ == "GPE" and _is_region(e.text)}
        for m in mentions:
            if m.rejected is None and m.kind == "place" and m.form != "street":
                named["place", m.form, m.text] += 1
                regions[m.text] |= around
            elif m.rejected is None and m.kind == "person" and m.form != "surname":
                named["person", m.form, m.text] += 1
                named["person", "surname", m.text.split()[-1]] += 1
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (kind, form, text), times in sorted(named.items()):
        if times >= 2:
            values[kind, form].append(text)
    frozen = {place: frozenset(names) for place, names in regions.items()}
    return Pools(dict(values), frozen, _genders(docs))


def _is_region(name: str) -> bool:
    return _place_kind(name) in ("state", "province", "country")


def _nearest(pool: Sequence[str], text: str, pools: Pools) -> list[str]:
    """The places of `pool` whose articles name the regions (states, provinces, countries) most
    like those `text` (an event's text) names, by Jaccard, leaving out those named with a
    country the event does not name: Las Vegas for Los Angeles, not Pyongyang; all of them
    when none shares a region."""
    known = {r for regions in pools.regions.values() for r in regions}
    named = {r for r in known if re.search(rf"\b{re.escape(r)}\b", text)}

    def score(place: str) -> float:
        regions = pools.regions.get(place, frozenset())
        return len(regions & named) / len(regions | named) if regions | named else 0.0

    def is_abroad(place: str) -> bool:  # named with a country the event does not name
        regions = pools.regions.get(place, frozenset()) - named
        return any(_place_kind(r) == "country" and r not in US_NAMES for r in regions)

    pool = [place for place in pool if not is_abroad(place)] or list(pool)
    best = max(map(score, pool), default=0.0)
    return [place for place in pool if score(place) == best] if best > 0 else list(pool)


def _genders(docs: Iterable[Doc]) -> dict[str, str]:
    """Each surname's gender by the pronouns in the rest of the sentence naming it and in the
    next one: "m" or "f" when one kind is at least twice the other."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        sentences = list(doc.sents)
        for n, sentence in enumerate(sentences):
            for entity in sentence.ents:
                if entity.label_ != "PERSON":
                    continue
                after = [t for t in doc[entity.end : sentence.end]]
                after += list(sentences[n + 1]) if n + 1 < len(sentences) else []
                for token in after:
                    if token.lower_ in ("he", "him", "his", "himself"):
                        votes[entity[-1].lower_]["m"] += 1
                    elif token.lower_ in ("she", "her", "hers", "herself"):
                        votes[entity[-1].lower_]["f"] += 1
    return {
        name: "m" if count["m"] > count["f"] else "f"
        for name, count in votes.items()
        if max(count["m"], count["f"]) >= 2 * min(count["m"], count["f"]) and sum(count.values())
    }


# --- the built file ------------------------------------------------------------------------


def read_events(
    eval_dir: Path | str | None,
) -> list[tuple[str, str, list[Article], list[dict[str, Any]]]]:
    """(file, event id, articles, the articles as the file has them) of each event of the two
    summarization dev files."""
    folder = dev_dir(eval_dir)
    events = []
    for name in FILES:
        path = folder / name
        if not path.is_file():
            raise SystemExit(f"{path} not found; pass --eval-dir (the folder holding dev/)")
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    data = json.loads(line)
                    articles = [Article(a["id"], a["text"]) for a in data["articles"]]
                    events.append((name, data["id"], articles, data["articles"]))
    return events


def parsed(texts: Sequence[str]) -> list[Doc]:
    """The texts parsed by the project's pipeline, cached in /tmp/nw_cache as a DocBin."""
    from spacy.tokens import DocBin

    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = DEFAULT_OUT.parent / f"planted-docs-{key}.spacy"
    nlp = load_nlp()
    if path.is_file():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(parse(texts, workers=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs).to_disk(path)
    return docs


def sentence_similarity(sentences: Iterable[str]) -> Similarity:
    """The cosine of two of these sentences by MiniLM (the analysis's embedder), their vectors
    embedded once and cached in /tmp/nw_cache."""
    import numpy as np

    from newsweave.analysis.nlp import minilm

    texts = sorted(set(sentences))
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = DEFAULT_OUT.parent / f"planted-sentences-{key}.npy"
    if path.is_file():
        vectors = np.load(path)
    else:
        vectors = np.asarray(minilm().embed(texts), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        np.save(path, vectors)
    index = {text: n for n, text in enumerate(texts)}
    return lambda a, b: float(vectors[index[a]] @ vectors[index[b]])


def build(eval_dir: Path | str | None, out: Path, seed: int = SEED) -> dict[str, Any]:
    """Plant the cases (see the module doc) and write the built file; its summary."""
    events = read_events(eval_dir)
    docs = parsed([a.text for _, _, articles, _ in events for a in articles])
    at = 0
    mentions, event_docs = [], []
    for _, _, articles, _ in events:
        event_docs.append(docs[at : at + len(articles)])
        mentions.append([find_mentions(doc) for doc in event_docs[-1]])
        at += len(articles)
    similarity = sentence_similarity(
        m.sentence for event in mentions for ms in event for m in ms if m.rejected is None
    )
    plans: dict[str, Plan] = {}
    for name in FILES:
        of_file = [i for i, event in enumerate(events) if event[0] == name]
        pools = build_pools(
            (doc, ms) for i in of_file for doc, ms in zip(event_docs[i], mentions[i], strict=True)
        )
        plan = plans[name] = Plan()
        for i in of_file:
            _, event_id, articles, _ = events[i]
            if len(articles) >= 2:
                one = plant_event(name, event_id, articles, mentions[i], pools, similarity, seed)
                plan.cases += one.cases
                plan.rejected += one.rejected
    cases = [case for plan in plans.values() for case in plan.cases if case.case_id not in EXCLUDED]
    rejected = [
        (event_id, rule, m) for plan in plans.values() for event_id, rule, m in plan.rejected
    ]
    summary = {
        "type": "build",
        "seed": seed,
        "kept": dict(Counter(f"{c.kind} {c.half}" for c in cases)),
        "rejected": dict(Counter(f"{m.kind} {rule}" for _, rule, m in rejected)),
        "hand-read": sorted(EXCLUDED),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(summary) + "\n")
        for name, event_id, articles, raw in events:
            if len(articles) >= 2:
                line = {"type": "event", "file": name, "event_id": event_id}
                line |= {"half": half_of(event_id), "articles": raw}
                fh.write(json.dumps(line) + "\n")
        for case in cases:
            fh.write(json.dumps({"type": "case", **asdict(case)}) + "\n")
        for event_id, rule, m in rejected:
            line = {"type": "rejected", "event_id": event_id, "rule": rule, **asdict(m)}
            line.pop("words")
            fh.write(json.dumps(line) + "\n")
    return summary


# --- scoring --------------------------------------------------------------------------------


@dataclass
class Outcome:
    """One planted case scored: "found", "values" (both values in one disagreement, but not the
    edited article alone on the new value's side) or "missed"; with the event's disagreements."""

    case: dict[str, Any]
    result: str
    disagreements: list[Any]


@dataclass
class Scores:
    outcomes: list[Outcome] = field(default_factory=list)
    alarms: dict[str, list[Any]] = field(default_factory=dict)  # control event -> disagreements
    controls: dict[str, str] = field(default_factory=dict)  # control event -> its half
    lost: list[str] = field(default_factory=list)  # cases whose edit ingest did not keep
    seconds: float = 0.0
    articles: int = 0

    def table(self) -> dict[str, dict[str, Any]]:
        """Recall per kind and overall, and false alarms per 100 unchanged events, per half."""
        out: dict[str, dict[str, Any]] = {}
        for half in HALVES:
            mine = [o for o in self.outcomes if o.case["half"] == half]
            row: dict[str, Any] = {}
            for kind in (*KINDS, "all"):
                of = [o for o in mine if kind in ("all", o.case["kind"])]
                found = sum(o.result == "found" for o in of)
                row[kind] = {"cases": len(of), "found": found, "recall": _share(found, len(of))}
            events = [e for e, h in self.controls.items() if h == half]
            alarmed = [e for e in events if self.alarms.get(e)]
            row["controls"] = {
                "events": len(events),
                "with_alarm": len(alarmed),
                "alarms": sum(len(self.alarms.get(e, [])) for e in events),
                "per_100": round(100 * _share(len(alarmed), len(events)), 1),
            }
            out[half] = row
        return out


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def read_built(path: Path) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """The built file's events (by event id) and cases."""
    if not path.is_file():
        raise SystemExit(f"{path} not found; run `build` first (or pass --out)")
    events, cases = {}, []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            data = json.loads(line)
            if data["type"] == "event":
                events[data["event_id"]] = data
            elif data["type"] == "case":
                cases.append(data)
    return events, cases


def select(
    events: dict[str, dict[str, Any]],
    cases: list[dict[str, Any]],
    halves: Sequence[str],
    kinds: Sequence[str],
    limit: int | None,
    controls: int | None,
) -> tuple[list[dict[str, Any]], list[str]]:
    """The cases to score (the first `limit` of each kind and half, in the built file's
    order) and the control events (the first `controls` of each half)."""
    chosen = []
    for half in halves:
        for kind in kinds:
            of = [c for c in cases if c["half"] == half and c["kind"] == kind]
            chosen += of[:limit]
    control_ids = []
    for half in halves:
        of = [e for e, data in events.items() if data["half"] == half]
        control_ids += of[:controls]
    return chosen, control_ids


def score(
    events: dict[str, dict[str, Any]],
    cases: Sequence[dict[str, Any]],
    control_ids: Sequence[str],
    folder: Path,
) -> Scores:
    """Run each case's event, and each control, through ingest and the analysis (see the module
    doc); stores and their JSONL inputs go in `folder`."""
    from newsweave.analysis.nlp import minilm

    scores = Scores(controls={e: events[e]["half"] for e in control_ids})
    rounds: list[list[tuple[str, dict[str, Any] | None]]] = [[(e, None) for e in control_ids]]
    by_event: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for case in cases:
        by_event[case["event_id"]].append(case)
    for of_event in by_event.values():  # one event's cases in different stores
        for number, case in enumerate(of_event, start=1):
            while len(rounds) <= number:
                rounds.append([])
            rounds[number].append((case["event_id"], case))
    minilm().embed(["A warm-up sentence."])
    start = time.perf_counter()
    for number, entries in enumerate(rounds):
        if not entries:
            continue
        lap = time.perf_counter()
        analysed, edited_ids, articles = _run_round(number, entries, events, folder)
        scores.articles += articles
        for (event_id, case), key in zip(entries, analysed, strict=True):
            found = analysed[key]
            disagreements = list(found.disagreements) if found else []
            if case is None:
                scores.alarms[event_id] = disagreements
            elif edited_ids.get(case["case_id"]) is None:
                scores.lost.append(case["case_id"])
                scores.outcomes.append(Outcome(case, "missed", disagreements))
            else:
                result = match(case, disagreements, edited_ids[case["case_id"]])
                scores.outcomes.append(Outcome(case, result, disagreements))
        print(
            f"store {number}: {len(entries)} events, {articles} articles, "
            f"{time.perf_counter() - lap:.0f} s",
            file=sys.stderr,
            flush=True,
        )
    scores.seconds = time.perf_counter() - start
    return scores


def _run_round(
    number: int,
    entries: Sequence[tuple[str, dict[str, Any] | None]],
    events: dict[str, dict[str, Any]],
    folder: Path,
) -> tuple[dict[str, Any], dict[str, str | None], int]:
    """One fresh store: each entry's event (its articles, one edited for a case) ingested from a
    JSONL file, grouped by the gold event, analysed. Returns each entry's analysis (by the
    store's event id, in entry order), each case's edited article id as stored (None when the
    edit did not survive ingest), and the number of articles."""
    from newsweave.analysis.stage import analyse_events, load_analysis
    from newsweave.ingest.stage import ingest
    from newsweave.settings import Settings
    from newsweave.store import open_store
    from newsweave.stories.dedupe import copy_groups

    path = folder / f"round-{number}.jsonl"
    lines: list[tuple[str, str, bool]] = []  # (store event id, case id or "", is the edited one)
    with path.open("w", encoding="utf-8") as fh:
        for event_id, case in entries:
            key = f"case {case['case_id']}" if case else f"control {event_id}"
            for article in events[event_id]["articles"]:
                is_edited = case is not None and article["id"] == case["article_id"]
                text = case["text"] if is_edited else article["text"]
                fh.write(json.dumps({**article, "text": text}) + "\n")
                lines.append((key, case["case_id"] if case else "", is_edited))
    settings = Settings(db=folder / f"round-{number}.db")
    edited: dict[str, str | None] = {}
    with open_store(settings.db) as store:
        report = ingest([str(path)], store, settings)
        members: dict[str, tuple[str, float]] = {}
        texts: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for line, (key, case_id, is_edited) in enumerate(lines, start=1):
            article_id = report.article_of.get(f"{path}:{line}")
            if article_id is None:
                continue
            members[article_id] = (key, 1.0)
            article = store.get_article(article_id)
            texts[key].append((article_id, article.text if article else ""))
            if is_edited:
                case = next(c for _, c in entries if c and c["case_id"] == case_id)
                kept = article is not None and case["new"] in article.text
                edited[case_id] = article_id if kept else None
        store.put_event_members(members)
        for rows in texts.values():
            store.put_copy_groups(copy_groups(rows))
        analyse_events(store, settings)
        keys = [f"case {c['case_id']}" if c else f"control {e}" for e, c in entries]
        analysed = {key: load_analysis(store, key) for key in keys}
    return analysed, edited, len(lines)


def match(case: dict[str, Any], disagreements: Sequence[Any], edited_id: str) -> str:
    """ "found" when one disagreement has a side with the old value without the edited article
    and a side with the new value holding it; "values" when the two values are there but not
    so; else "missed"."""
    kind = case["kind"]
    old, new = planted_form(kind, case["key"]), planted_form(kind, case["new_key"])
    result = "missed"
    for disagreement in disagreements:
        olds = [s for s in disagreement.sides if old in value_forms(kind, s.value)]
        news = [s for s in disagreement.sides if new in value_forms(kind, s.value)]
        if olds and news:
            result = "values"
            if any(edited_id not in s.article_ids for s in olds) and any(
                edited_id in s.article_ids for s in news
            ):
                return "found"
    return result


def planted_form(kind: str, key: str) -> str:
    """A planted value's key as compared: a count's number ("12 people" -> "12"), else the key
    ("tuesday", "march 5", "paris", a surname)."""
    return f"{float(key.split()[0]):g}" if kind == "count" else key


def value_forms(kind: str, value: str) -> set[str]:
    """The forms a disagreement side's value is compared in: a count as a number ("12",
    "2 million" -> "2e+06"), a date as a weekday and as month and day (an ISO day gives both),
    a place lower-cased without "the", a person by surname."""
    text = value.strip().lower()
    if kind == "count":
        words = text.replace("-", " ").split()
        number = count_value(words[0]) if words else None
        if number is not None and len(words) > 1 and words[1] in SCALES:
            number *= SCALES[words[1]]
        return {f"{number:g}"} if number is not None else {text}
    if kind == "date":
        try:
            day = date.fromisoformat(text[:10])
        except ValueError:
            return {text, *(w for w in text.split() if w in WEEKDAYS)}
        return {WEEKDAYS[day.weekday()], f"{MONTHS[day.month - 1]} {day.day}"}
    if kind == "place":
        return {text.removeprefix("the ")}
    return {text.split()[-1]} if text.split() else {text}


def print_table(table: dict[str, dict[str, Any]]) -> None:
    print("\n| half | " + " | ".join(KINDS) + " | all | false alarms per 100 unchanged events |")
    print("|---|" + "---|" * (len(KINDS) + 2))
    for half, row in table.items():
        cells = [f"{row[k]['found']}/{row[k]['cases']} ({row[k]['recall']:.2f})" for k in KINDS]
        total = row["all"]
        controls = row["controls"]
        alarms = f"{controls['per_100']} ({controls['with_alarm']} of {controls['events']})"
        print(
            f"| {half} | " + " | ".join(cells) + f" | {total['found']}/{total['cases']} "
            f"({total['recall']:.2f}) | {alarms} |"
        )


def print_case(case: dict[str, Any]) -> None:
    print(
        f"\n{case['case_id']} ({case['file']}, {case['half']}): {case['old']!r} -> {case['new']!r}"
    )
    for label, key in (("before", "before"), ("after", "after"), ("other", "other_sentence")):
        print(f"  {label + ':':7} {' '.join(case[key].split())}")


def print_disagreements(disagreements: Sequence[Any]) -> None:
    for d in disagreements:
        sides = "; ".join(f"{s.value} ({len(s.article_ids)} articles)" for s in d.sides)
        print(f"  found {d.kind} about {d.about!r}: {sides}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    making = commands.add_parser("build", help="plant the cases and write the built file")
    making.add_argument("--eval-dir", type=Path, default=None, help="holds dev/ (../shared/eval)")
    making.add_argument("--seed", type=int, default=SEED)
    showing = commands.add_parser("show", help="print planted cases to read")
    showing.add_argument("--sample", type=int, default=10, help="cases per kind (0: all)")
    scoring = commands.add_parser("score", help="run the cases through ingest and analysis")
    scoring.add_argument("--limit", type=int, help="cases per kind and half, from the top")
    scoring.add_argument("--controls", type=int, help="unchanged events per half, from the top")
    scoring.add_argument("--misses", type=int, default=0, help="print this many missed cases")
    scoring.add_argument("--alarms", action="store_true", help="print the controls' alarms")
    scoring.add_argument("--json", type=Path, help="also write the figures to this file")
    for command in (showing, scoring):
        command.add_argument("--half", choices=(*HALVES, "both"), default="both")
        command.add_argument("--kind", choices=KINDS, action="append")
    for command in (making, showing, scoring):
        command.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the built file")
    args = parser.parse_args()
    if args.command == "build":
        start = time.perf_counter()
        summary = build(args.eval_dir, args.out, args.seed)
        print(json.dumps(summary, indent=1))
        print(f"built {args.out} in {time.perf_counter() - start:.0f} s")
        return
    halves = HALVES if args.half == "both" else (args.half,)
    kinds = args.kind or KINDS
    events, cases = read_built(args.out)
    if args.command == "show":
        for kind in kinds:
            of = [c for c in cases if c["kind"] == kind and c["half"] in halves]
            rng = random.Random(SEED)
            for case in rng.sample(of, min(args.sample or len(of), len(of))):
                print_case(case)
        return
    chosen, control_ids = select(events, cases, halves, kinds, args.limit, args.controls)
    with tempfile.TemporaryDirectory(prefix="planted-") as folder:
        scores = score(events, chosen, control_ids, Path(folder))
    table = scores.table()
    print_table(table)
    rate = scores.articles / scores.seconds if scores.seconds else 0.0
    print(
        f"\n{len(chosen)} planted cases and {len(control_ids)} unchanged events, "
        f"{scores.articles} articles analysed in {scores.seconds:.0f} s ({rate:.1f} articles/s); "
        f"values found without the edited article on its side: "
        f"{sum(o.result == 'values' for o in scores.outcomes)}; edits lost at ingest: "
        f"{len(scores.lost)}"
    )
    for outcome in [o for o in scores.outcomes if o.result != "found"][: args.misses]:
        print_case(outcome.case)
        print_disagreements(outcome.disagreements)
    if args.alarms:
        for event_id, disagreements in scores.alarms.items():
            if disagreements:
                print(f"\ncontrol {event_id} ({events[event_id]['file']}):")
                print_disagreements(disagreements)
    if args.json:
        figures = {"table": table, "seconds": round(scores.seconds, 1), "articles": scores.articles}
        figures["lost"] = scores.lost
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
