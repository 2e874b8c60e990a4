"""What it means for each rule (`analysis/rules/*.toml`) to fire on an example sentence.

tests/test_rules.py parses every rule's examples and runs its probe: a `match` example must
make it fire, a `no_match` example must not. A probe reads the example as the analysis reads
an article without a publication date (`read_article`) and says, in one line, what the rule
changes in that reading: a count read as a toll, a number not read, a date dated by its noun.
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

from newsweave.analysis.nlp import sentences_of
from newsweave.analysis.values import Mention, read_article
from newsweave.analysis.values.counts import ADDED, is_update_or_history, victim_classes
from newsweave.analysis.values.days import days_apart, days_of
from newsweave.analysis.values.grammar import is_plan, is_under
from newsweave.analysis.values.people import same_person
from newsweave.analysis.values.places import place_name
from newsweave.analysis.values.rules import number, probe, table, words
from newsweave.analysis.words import number_value

if TYPE_CHECKING:
    from spacy.tokens import Doc


def _read(doc: Doc, kind: str) -> list[Mention]:
    return [m for m in read_article(doc.text, doc, sentences_of(doc)) if m.kind == kind]


def _values(doc: Doc) -> set[str]:
    return {m.value for m in _read(doc, "count")}


def _numbers(doc: Doc) -> list[tuple[int, str]]:
    """(token index, value) of each number word or figure."""
    out = []
    for token in doc:
        value = number_value(token.lower_)
        if value is not None and value == int(value):
            out.append((token.i, str(int(value))))
    return out


def _undated(doc: Doc) -> bool:
    """A day is named and no date is read."""
    return bool(days_of(doc.text, doc, None)) and not _read(doc, "date")


# --- grammar ----------------------------------------------------------------------------------


@probe("grammar.plan")
def _plan(doc: Doc) -> bool:
    return any(is_plan(t) for t in doc if t.pos_ == "VERB")


@probe("grammar.modal")
def _modal(doc: Doc) -> bool:
    return _undated(doc)


@probe("grammar.generic")
def _generic(doc: Doc) -> bool:
    """The sentence's main verb is one that says nothing of what happened."""
    return any(t.dep_ == "ROOT" and t.lemma_.lower() in words("grammar.generic") for t in doc)


@probe("grammar.light")
def _light(doc: Doc) -> bool:
    """A date is read as the day of what a light verb holds or makes, not of the verb."""
    light = {t.lemma_.lower() for t in doc if t.lemma_.lower() in words("grammar.light")}
    return any(m.what and not m.what & light for m in _read(doc, "date")) and bool(light)


# --- counts -----------------------------------------------------------------------------------


@probe("count.casualties")
def _casualties(doc: Doc) -> bool:
    return any(m.what & victim_classes() for m in _read(doc, "count"))


@probe("count.perpetrators")
def _perpetrators(doc: Doc) -> bool:
    return any(" " in word for m in _read(doc, "count") for word in m.what)  # "gunman dead"


@probe("count.agent-verbs")
def _agents(doc: Doc) -> bool:
    """The active subject of a casualty verb is read as a count of its noun, not a toll."""
    agents = {
        t.lemma_.lower()
        for t in doc
        if t.dep_ == "nsubj" and t.head.lemma_.lower() in words("count.agent-verbs")
    }
    return any(m.what & agents for m in _read(doc, "count"))


def _not_read(doc: Doc, cue: set[int]) -> bool:
    """One of the numbers at `cue` (token indices) is not read as a count."""
    values = _values(doc)
    return any(i in cue and value not in values for i, value in _numbers(doc))


@probe("count.units")
def _units(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if t.head.lemma_.lower() in words("count.units")})


@probe("count.increments")
def _increments(doc: Doc) -> bool:
    increments = words("count.increments")
    cued = {
        t.i
        for t in doc
        if t.head.lemma_.lower() in increments
        or any(
            c.lower_ in increments and c.nbor(1).lower_ != "than"
            for c in (*t.children, *t.head.children)
        )
    }
    plain = {m.value for m in _read(doc, "count") if not any(ADDED in w.split() for w in m.what)}
    return any(i in cued and value not in plain for i, value in _numbers(doc))


@probe("count.conditions")
def _conditions(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if is_under(t, words("count.conditions"))})


@probe("count.updates")
def _updates(doc: Doc) -> bool:
    return is_update_or_history(doc.text, doc[:], None)


@probe("count.nouns")
def _nouns(doc: Doc) -> bool:
    nouns = table("count.nouns")
    read = {w for m in _read(doc, "count") for w in m.what}
    return any(nouns.get(t.lemma_.lower()) in read for t in doc)


@probe("count.one-is-an-article")
def _one(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if t.lower_ == "one" and t.dep_ == "nummod"})


@probe("count.addresses")
def _addresses(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if t.head.lemma_.lower() in words("count.addresses")})


@probe("count.rates")
def _rates(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if t.dep_ == "nummod"})


@probe("count.approximate")
def _approximate(doc: Doc) -> bool:
    return any(m.rounded for m in _read(doc, "count"))


@probe("count.running-totals")
def _running_totals(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if t.dep_ == "nummod"})


@probe("count.forecasts")
def _forecasts(doc: Doc) -> bool:
    return _not_read(doc, {t.i for t in doc if t.dep_ == "nummod"})


# --- dates ------------------------------------------------------------------------------------


@probe("date.saying")
def _saying(doc: Doc) -> bool:
    return _undated(doc)


@probe("date.names")
def _names(doc: Doc) -> bool:
    return _undated(doc)


@probe("date.meeting")
def _meeting(doc: Doc) -> bool:
    return any("meet" in m.what for m in _read(doc, "date"))


@probe("date.night")
def _night(doc: Doc) -> bool:
    return any(m.edge == "late" for m in _read(doc, "date"))


@probe("date.early")
def _early(doc: Doc) -> bool:
    return any(m.edge == "early" for m in _read(doc, "date"))


@probe("date.plans")
def _plans(doc: Doc) -> bool:
    return _undated(doc)


@probe("date.sequence")
def _sequence(doc: Doc) -> bool:
    """A date is read with a happening its sentence tells at another moment."""
    return any(m.apart for m in _read(doc, "date"))


@probe("date.apart")
def _apart(doc: Doc) -> bool:
    """Two dates of one form, a month or more apart."""
    for a, b in combinations(_read(doc, "date"), 2):
        shared = {form for form, _ in a.forms} & {form for form, _ in b.forms}
        form = next((f for f in ("day", "month day") if f in shared), None)
        if form and days_apart(a, b, form) >= number("date.apart"):
            return True
    return False


@probe("date.phases")
def _phases(doc: Doc) -> bool:
    """A date is of a phase verb and of its object both."""
    phases = words("date.phases")
    return any(m.what & phases and len(m.what) > 1 for m in _read(doc, "date"))


@probe("date.together")
def _together(doc: Doc) -> bool:
    """A date of a clause dates its sentence's main verb too."""
    main = {s.root.lemma_.lower() for s in doc.sents}
    return any(m.words & main and not m.what & main for m in _read(doc, "date"))


# --- places -----------------------------------------------------------------------------------


@probe("place.prepositions")
def _prepositions(doc: Doc) -> bool:
    return bool(_read(doc, "place"))


@probe("place.aliases")
def _aliases(doc: Doc) -> bool:
    return any(
        m.value != " ".join(m.shown.lower().replace(".", "").split()) for m in _read(doc, "place")
    ) and all(place_name(m.shown) == m.value for m in _read(doc, "place"))


@probe("place.countries")
def _countries(doc: Doc) -> bool:
    return any(m.level == "country" for m in _read(doc, "place"))


@probe("place.regions")
def _regions(doc: Doc) -> bool:
    return any(m.level == "region" for m in _read(doc, "place"))


@probe("place.both-levels")
def _both_levels(doc: Doc) -> bool:
    return any(len(m.level.split()) > 1 for m in _read(doc, "place"))


@probe("place.districts")
def _districts(doc: Doc) -> bool:
    return any(m.level == "district" for m in _read(doc, "place"))


@probe("place.nearby")
def _nearby(doc: Doc) -> bool:
    return any(m.role == "near" for m in _read(doc, "place"))


# --- people and yes/no ------------------------------------------------------------------------


@probe("person.saying")
def _speakers(doc: Doc) -> bool:
    return any(m.role == "said" for m in _read(doc, "person"))


@probe("person.first-person")
def _first_person(doc: Doc) -> bool:
    """A speaker is read whose name the small model gives to a body."""
    bodies = {e.text for e in doc.ents if e.label_ == "ORG"}
    return any(m.role == "said" and m.shown in bodies for m in _read(doc, "person"))


@probe("person.titles")
def _titles(doc: Doc) -> bool:
    """A title is printed before a speaker, and the speaker read is the name, not the title."""
    titles = words("person.titles")
    people = _read(doc, "person")
    named = any(t.lower_.rstrip(".") in titles for t in doc)
    return named and bool(people) and all(m.value not in titles for m in people)


@probe("person.roles")
def _leaders(doc: Doc) -> bool:
    return any(m.role == "led" for m in _read(doc, "person"))


@probe("person.institutions")
def _institutions(doc: Doc) -> bool:
    """A body stands where a leader would, and no person is read."""
    bodies = words("person.institutions")
    return any(t.lower_ in bodies for t in doc) and not _read(doc, "person")


@probe("yes_no.predicates")
def _predicates(doc: Doc) -> bool:
    return bool(_read(doc, "yes_no"))


@probe("person.spelling")
def _spelling(doc: Doc) -> bool:
    """Two speakers of different surnames are read as one person."""
    people = _read(doc, "person")
    return any(a.value != b.value and same_person(a, b) for a, b in combinations(people, 2))


@probe("count.owners")
def _owners(doc: Doc) -> bool:
    """A count is read as its owner's."""
    return any(m.owners for m in _read(doc, "count"))
