"""Counts: a number and what it counts, read from the parse.

What a number counts is the noun it modifies (its head in the parse), whatever the verb:
"two teenage girls were charged" and "police arrested two teenage girls" both count girls. The
noun's lemma is the count's `what` ("girl", "charge", "troop", "people" for "person" and
"people"), with the words that say which kind of it (`kinds`: its compounds, the nouns after
"of" and its proper-noun adjectives: "two robbery charges", "three charges of contempt", "seven
Russian oligarchs"): two counts of one noun whose kinds are both given and share no word count
two things. A number of casualties is read as its class, whatever the noun: "dead", "injured"
or "missing" when the noun, an adjective or participle of it, or its verb is a casualty word
(rule `count.casualties`: "nine people were killed", "eleven dead", "49 people dead", "a fire
that killed nine workers"); "attacker dead" when the dead are the attackers (rule
`count.perpetrators`); the subject of an active "killed" is who killed (rule
`count.agent-verbs`). A toll "including the shooter" is read less the attackers it names, and
agrees with the toll as printed too.

The value is the number as a whole number: digits, number words ("twenty-three"), and a number
with its scale ("3 million" is 3000000); "157 of 338 seats" is 157. Not read: dates, times,
percentages, money and measures (spaCy's entities), units of time and measure (rule
`count.units`: "14 days", "five years"), a number joined by a hyphen ("54-year-old", "six-person
crew"), years, ranges ("9 to 11"), increments of a toll (rule `count.increments`: "two more workers
died": the toll rose) and others beside a group named ("injuring five others"),
counts in a condition ("if one animal tests positive"), "one" counting anything but casualties
(rule `count.one-is-an-article`: "one man approached" says "a man"), and every count of a
sentence that says a figure changed or tells of an earlier year (rule `count.updates`: "rose
to", "revised"; "the 1987 quake killed 14"), a running total (rule `count.running-totals`: "has
so far lost seven soldiers"), a number after its noun (a label: "a Category 2
storm", "Section 7"), and a forecast (rule `count.forecasts`: "economists expected 845,000
jobs", "are projected to win 157 seats"). An approximate figure (rule `count.approximate`:
"nearly 260,000 patients") agrees with any figure within half the unit it is rounded to
(`within_rounding`: "about 258,000"). Any other addition ("lost two more players", "three
further explosions") is read as one (its `what` is the noun with `ADDED`): two outlets'
additions of one thing compare, an addition and a total do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TYPE_CHECKING

from newsweave.analysis.nlp import Sentence
from newsweave.analysis.values.grammar import (
    SUBJECTS,
    clause_tokens,
    clause_words,
    is_negated,
    is_under,
    name_words,
    verb_above,
)
from newsweave.analysis.values.mention import Mention
from newsweave.analysis.values.places import place_name
from newsweave.analysis.values.rules import pattern, table, words
from newsweave.analysis.vocabularies import vocabulary
from newsweave.analysis.words import number_value

if TYPE_CHECKING:
    from datetime import datetime

    from spacy.tokens import Span, Token

NOT_COUNT_ENTITIES = frozenset({"DATE", "TIME", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})
SCALES = {
    word: int(factor) for word, factor in (vocabulary("words.count-scales").table or {}).items()
}
YEAR = re.compile(r"\b(1\d{3}|20\d{2})\b")
NOT = "not"  # in a count's `what` beside the noun: the count of those who did not
ADDED = "added"  # after the noun in a count's `what`: an addition ("two more players")
WHERE = frozenset({"GPE", "LOC", "FAC"})  # entities that say where a count's things are


def read_counts(
    span: Span,
    article: int,
    sentence: Sentence,
    days: frozenset[str],
    published_at: datetime | None,
) -> Iterable[Mention]:
    """The counts of one sentence (see the module doc); `days` are the days it dates what
    happened (a count's occasion)."""
    if is_update_or_history(sentence.text, span, published_at):
        return
    for value, noun, number, what, also in _counts(span):
        verb = verb_above(noun)
        if is_forecast(verb) or _is_running_total(noun, verb):
            continue  # "economists expected 845,000 jobs": a forecast, not the figure
        # "two members did not sign" (not "two delegates were not enough")
        negated = verb is not None and verb.pos_ == "VERB" and is_negated(verb)
        yield Mention(
            "count",
            value,
            frozenset({what, NOT} if negated else {what}),
            article,
            sentence,
            words=(clause_words(verb, span) | _phrase_words(noun))
            - {noun.lemma_.lower()}
            - _kinds(noun),
            shown=number,
            also=also,
            days=days,
            kinds=_kinds(noun),
            places=_places(verb),
            rounded=_rounded(noun, int(value)),
            owners=_owners(noun, verb),
        )


def _rounded(noun: Token, value: int) -> int:
    """The unit an approximate count is rounded to ("nearly 260,000 patients": 10,000), when a
    word of approximation goes with its number (rule `count.approximate`), else 0: "about
    258,000" and "nearly 260,000" are one figure told two ways."""
    approximate = words("count.approximate")
    numbers = [c for c in noun.children if c.dep_ == "nummod"] or [noun]
    near = [w for n in numbers for w in n.children if w.dep_ in ("advmod", "quantmod", "amod")]
    near += [c for c in noun.children if c.dep_ == "amod"]  # "an estimated 500 people"
    if not any(w.lower_ in approximate for w in near):
        return 0
    digits = str(value)
    zeros = len(digits) - len(digits.rstrip("0"))
    return 10**zeros if 0 < zeros < len(digits) else 0


def _is_running_total(noun: Token, verb: Token | None) -> bool:
    """Whether the count's clause tells a running total of the story (rule
    `count.running-totals`: "has so far lost seven soldiers", "a combined 157 games", "in all"):
    a figure of the moment it is told at, which a later report's grows from, and of a span,
    which one occasion's count does not deny."""
    tokens = {*(clause_tokens(verb) if verb is not None else ()), *noun.subtree}
    clause = " ".join(t.lower_ for t in sorted(tokens, key=lambda t: t.i))
    return pattern("count.running-totals").search(clause) is not None


def is_forecast(verb: Token | None) -> bool:
    """Whether a count's verb, or one it is the object or complement of, forecasts or
    awaits it (rule `count.forecasts`: "analysts expected 870,000 jobs", "were looking for
    845,000 jobs", "are projected to win 157 seats"): a forecast is no figure of what happened."""
    forecasts = words("count.forecasts")
    for word in (verb, *(verb.ancestors if verb is not None else ())):
        if word is None or word.pos_ not in ("VERB", "AUX"):
            continue
        lemma = word.lemma_.lower()
        if lemma in forecasts or any(
            f"{lemma} {c.lower_}" in forecasts for c in word.children if c.dep_ == "prep"
        ):
            return True
        if word.dep_ not in ("xcomp", "ccomp", "advcl", "acl"):
            break
    return False


def is_update_or_history(text: str, span: Span, published_at: datetime | None) -> bool:
    """A sentence that says a figure changed, or names a year before the article's own ("the
    1987 quake killed 14"): its counts are not about the event as reported now."""
    if pattern("count.updates").search(text):
        return True
    year = published_at.year if published_at else None
    return year is not None and any(
        e.label_ == "DATE" and any(int(y) < year for y in YEAR.findall(e.text)) for e in span.ents
    )


def updated(span: Span) -> frozenset[str]:
    """What the counts of a sentence that says a figure changed count, and the casualties it
    names (rule `count.updates`: "the death toll rose to 43" gives {"dead"}): a figure of it
    that outlets give two ways is one that moved over the story's days, an update, not a
    dispute."""
    if not pattern("count.updates").search(span.text):
        return frozenset()
    casualties = table("count.casualties")  # "the death toll rose to 43": its number is no count
    told = {casualties[t.lemma_.lower()] for t in span if t.lemma_.lower() in casualties}
    return frozenset({*told, *(what for _, _, _, what, _ in _counts(span))})


def _counts(span: Span) -> Iterable[tuple[str, Token, str, str, str | None]]:
    """(value, noun, the number as printed, what it counts, also) for each count."""
    for token in span:
        read = _number(token)
        if read is None:
            continue
        value, printed = read
        if token.dep_ == "nummod" and token.head.pos_ == "NOUN":
            if token.i > token.head.i:
                continue  # "a Category 2 storm", "Section 7": a label after its noun, no count
            noun = token.head
        elif token.dep_ in (*SUBJECTS, "dobj") and token.pos_ == "NUM":
            noun = token  # "eleven were killed": a casualty count, else nothing
        else:
            continue
        if _is_not_a_count(token, noun) or _is_rate(token, noun):
            continue
        what = _counted(noun)
        if what is None or (value == 1 and what not in victim_classes()):
            continue  # "one man approached": an article, not a count (`count.one-is-an-article`)
        if any(_is_increment(c) for c in (*token.children, *noun.children)):
            if what in victim_classes():
                continue  # "two more workers died": a toll that rose, an update
            what = f"{what} {ADDED}"  # "two more players": compared only with additions
        attackers = _attackers_among(token) if what in victim_classes() else 0
        if value >= attackers:
            also = str(value) if attackers else None
            yield str(value - attackers), noun, printed, what, also


@cache
def victim_classes() -> frozenset[str]:
    """ "dead", "injured", "missing": what a count of casualties is read as."""
    return frozenset(table("count.casualties").values())


def _number(token: Token) -> tuple[int, str] | None:
    """A whole number a token gives, with its scale ("3 million"), and how it is printed."""
    if not (token.like_num or token.lower_ in SCALES or token.lower_ == "dozen") or (
        token.ent_type_ in NOT_COUNT_ENTITIES
    ):
        return None
    scale = SCALES.get(token.lower_)
    if scale is not None:  # "two hundred", "3 million"
        digits = [c for c in token.children if c.dep_ in ("compound", "quantmod") and c.like_num]
        if not digits:
            return None
        value = number_value(digits[-1].lower_)
        if value is None:
            return None
        return round(value * scale), f"{digits[-1].text} {token.text}"
    token = _share(token)
    value = _value(token)
    if value is None or value != int(value):
        return None
    if YEAR.fullmatch(token.text) or _is_hyphenated(token):
        return None
    return int(value), token.text


def _is_hyphenated(token: Token) -> bool:
    """ "54-year-old", "six-person crew", "30-pin": a size or an age, not a count."""
    doc = token.doc
    after = doc[token.i + 1] if token.i + 1 < len(doc) else None
    return "-" in token.text or (
        after is not None
        and after.text in ("-", "–")
        and not (token.i + 2 < len(doc) and number_value(doc[token.i + 2].lower_) is not None)
    )


def _is_not_a_count(token: Token, noun: Token) -> bool:
    lemma = noun.lemma_.lower()
    return (
        lemma in words("count.units")
        or noun.lower_ in words("count.units")
        or _is_range(token)
        or lemma in words("count.increments")  # "killing one and injuring five others"
        or is_under(token, words("count.conditions"))
        or lemma in words("count.addresses")
        or any(t.lower_ in ("no.", "#") for t in token.doc[max(token.i - 1, 0) : token.i])
    )


def _is_rate(number: Token, noun: Token) -> bool:
    """A count per day or in a span of hours (rule `count.rates`: "1,500 deaths a day",
    "2,000 deaths in a single day"), read in the words after the number up to the next one."""
    doc = number.doc
    end = next((t.i for t in doc[noun.i + 1 : number.sent.end] if t.like_num), number.sent.end)
    around = doc[max(number.sent.start, number.i - 2) : min(end, noun.i + 8)].text
    return pattern("count.rates").search(around) is not None


def _is_increment(word: Token) -> bool:
    """ "two more workers", "another three": an addition, not a total ("more than 130" is a
    bound, which is read)."""
    after = word.doc[word.i + 1] if word.i + 1 < len(word.doc) else None
    return word.lower_ in words("count.increments") and not (after and after.lower_ == "than")


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
            perpetrators = words("count.perpetrators")
            return sum(_how_many(w) for w in named if w.lemma_.lower() in perpetrators)
    return 0


def _how_many(noun: Token) -> int:
    """The number counting a noun ("two gunmen"), else one."""
    for child in noun.children:
        if child.dep_ == "nummod" and (value := _value(child)) is not None:
            return int(value)
    return 1


def _share(token: Token) -> Token:
    """The number that counts: "157" in "won 157 of 338 seats", which the parser reads as one
    number of seats (338, with 157 hanging from it), not the total."""
    for child in token.children:
        between = token.doc[child.i + 1 : token.i]
        if child.dep_ == "quantmod" and child.like_num and any(t.lower_ == "of" for t in between):
            return child
    return token


def _value(token: Token) -> float | None:
    """The value of a number token, "twenty-three" read whole (its first part gives it)."""
    if token.i > 1 and token.nbor(-1).text == "-" and number_value(token.nbor(-2).lower_):
        return None  # the "three" of "twenty-three"
    value = number_value(token.lower_)
    if value is None or token.i + 2 >= len(token.doc) or token.nbor(1).text != "-":
        return value
    unit = number_value(token.nbor(2).lower_)
    return value + unit if unit is not None and value >= 20 and unit < 10 else value


def _is_range(token: Token) -> bool:
    near = [token.nbor(step) for step in (-2, -1, 1, 2) if 0 <= token.i + step < len(token.doc)]
    return any(t.like_num and t.i != token.i for t in near) and any(
        t.lower_ in vocabulary("words.range-joins").words or t.text in ("-", "–") for t in near
    )


def _counted(noun: Token) -> str | None:
    """What a counted noun counts: a casualty class (of the attackers, when they are counted),
    else the noun ("people" for "person")."""
    casualties = table("count.casualties")
    verb = noun.head if noun.dep_ in (*SUBJECTS, "dobj") and noun.head.pos_ == "VERB" else None
    near = [noun, *(c for c in noun.children if c.dep_ in ("acl", "amod", "appos"))]
    # "people who died", "workers who were hurt"; not "two mosques that killed 50", who did it
    near += [c for c in noun.children if c.dep_ == "relcl" and not _did_it(c)]
    near += [w for c in noun.children if c.dep_ == "relcl" for w in c.children if w.dep_ == "acomp"]
    if verb is not None:
        # The subject of an active "killed" or "wounded" did it ("two gunmen killed five").
        if not (noun.dep_ == "nsubj" and verb.lemma_.lower() in words("count.agent-verbs")):
            near.append(verb)
        near += [c for c in verb.children if c.dep_ in ("acomp", "oprd", "ccomp", "xcomp")]
    for word in near:
        casualty = casualties.get(word.lemma_.lower()) or casualties.get(word.lower_)
        if casualty:
            perpetrator = noun.lemma_.lower() in words("count.perpetrators")
            return f"{noun.lemma_.lower()} {casualty}" if perpetrator else casualty
    if noun.pos_ != "NOUN":
        return None
    return table("count.nouns").get(noun.lemma_.lower(), noun.lemma_.lower())


def _phrase_words(noun: Token) -> frozenset[str]:
    """The content lemmas of the counted noun's phrase: "people on board", "papers published
    in Science" say what is counted as much as the verb does."""
    return frozenset(
        t.lemma_.lower()
        for t in noun.subtree
        if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and not t.is_stop and t.i != noun.i
    )


def _places(verb: Token | None) -> frozenset[str]:
    """The places a count's clause names (towns, countries, sites and buildings: spaCy's GPE,
    LOC and FAC), and the noun its relative clause hangs from: "18,860 people have died in the
    U.S." and "Italy, which is reporting 19,468 deaths" count the dead of two countries, and a
    toll in a school of Jabaliya and one in Khan Younis are two strikes' tolls."""
    if verb is None:
        return frozenset()
    tokens = [*clause_tokens(verb), *([verb.head] if verb.dep_ == "relcl" else [])]
    return frozenset(place_name(t.text) for t in tokens if t.ent_type_ in WHERE and t.is_title)


def _owners(noun: Token, verb: Token | None) -> frozenset[str]:
    """Whose the counted things are, as the words of a name: the name the noun belongs to
    ("Pujols's 105 runs", "the Cardinals' 13 home runs"), or the named subject of a verb that
    says its subject has, makes or gains them (rule `count.owners`: "Pujols hit 13 home runs",
    "Labour won 157 seats"). Two counts of different owners are two figures, never one
    disputed: the player's yards and the team's."""
    owners = [c for c in noun.children if c.dep_ == "poss"]
    owning = verb is not None and verb.lemma_.lower() in words("count.owners")
    if verb is not None and owning and noun.dep_ not in SUBJECTS:
        owners += [c for c in verb.children if c.dep_ == "nsubj"]
    return frozenset(w.lower_ for o in owners for w in name_words(o) if w.is_alpha and w.is_title)


def _did_it(clause: Token) -> bool:
    """Whether the noun a relative clause hangs from is the active subject of a casualty
    verb: "the rampage on two mosques that killed 50" counts no dead."""
    return clause.lemma_.lower() in words("count.agent-verbs") and any(
        c.dep_ == "nsubj" and c.tag_ in ("WDT", "WP") for c in clause.children
    )


def _kinds(noun: Token) -> frozenset[str]:
    """The words that say which kind of the noun is counted: its compounds, the nouns after
    its "of", and its proper-noun adjectives ("robbery charges", "charges of contempt", "Russian
    oligarchs")."""
    found = [c for c in noun.children if c.dep_ == "compound"]
    found += [c for c in noun.children if c.dep_ == "amod" and (c.ent_type_ or c.pos_ == "PROPN")]
    found += [
        w
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ == "of"
        for w in c.children
        if w.dep_ == "pobj"
    ]
    return frozenset(w.lemma_.lower() for w in found if w.is_alpha)


def within_rounding(a: Mention, b: Mention) -> bool:
    """Whether two counts agree within the rounding of the approximate one ("about 258,000"
    and "nearly 260,000": 260,000 is rounded to 10,000, and 258,000 is within half of it)."""
    unit = max(a.rounded, b.rounded)
    return unit > 0 and 2 * abs(int(a.value) - int(b.value)) < unit


def same_kind(a: Mention, b: Mention) -> bool:
    """Whether two counts of one noun count one kind of it in one place, of one owner: either
    says no kind, or their kinds share a word ("two robbery charges" and "three charges of
    contempt" are two things), and so for the places their clauses name and for their owners
    (`_owners`)."""
    kinds = not a.kinds or not b.kinds or bool(a.kinds & b.kinds)
    owners = not a.owners or not b.owners or bool(a.owners & b.owners)
    return kinds and owners and (not a.places or not b.places or bool(a.places & b.places))
