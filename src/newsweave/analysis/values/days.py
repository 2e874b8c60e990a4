"""Dates: the day a happening is dated to, read with or without a publication date.

Each expression naming one day (`dates.find_days`) is read in every form its article can give
it: the day itself when the article's publication day (or a year) resolves it, its weekday, its
month and day. Two dates are compared in the most precise form both have (`same_form`): two
articles without publication dates saying "on Tuesday" and "on Thursday" of one happening differ
as weekdays; a dated article's "Thursday" (March 5) and an undated one's "Wednesday" differ too;
two dates a month or more apart are of two happenings (rule `date.apart`), and "late Tuesday"
and "early Wednesday" are one night (rule `date.night`, `is_same_night`). Not read: a date in a
future or modal clause (a plan, "due to meet on Wednesday", "may vote on Friday", "could clear
the way for the council to vote on Friday": rule `grammar.modal`), the date of saying (rule
`date.saying`: "officials said on Tuesday"; every outlet dates its quotes its own way; "said
Monday the bill ..." too, which the parser may hang from the clause said), a date that names
something (rule `date.names`: "the Sept. 11 attacks", "the Friday deadline"), a date under a
verb of planning (rule `date.plans`: "intends to sign on Friday"). "Morning", "overnight" and
"early" make a day's first hours (rule `date.early`), "night" and "late" its last (rule
`date.night`).

What the date is of (`what`) is the happening it dates: the noun it gives the day of
("Thursday's talks", "at a Tuesday summit", "the shooting on Sunday"), or the verb it hangs
from, or what a light verb holds or makes (rule `grammar.light`: "the funeral was held on
Monday", "made his announcement on Wednesday"), with the object of a verb of beginning or
ending (rule `date.phases`: "ended the talks on Thursday" dates the talks). The words for a
meeting read as one word (rule `date.meeting`: "talks", "met", "sat at a table"). Beside it: the
verbs of its clause (`words`, those joined to it by "and" after the date included), who took
part (`parties`: the subject and object of its verb, a dateline the parser takes for the
subject left out) and its clause as printed (`clause`), which the core compares when two dates'
sentences name the same people; and what its sentence names as a happening of another moment
(`apart`: "charged on Thursday following the shootings", rule `date.sequence`), which another
outlet's date of that happening is not compared with.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from newsweave.analysis.dates import DayMention, find_days
from newsweave.analysis.nlp import Sentence, named_by
from newsweave.analysis.values.grammar import clause_tokens, verb_above
from newsweave.analysis.values.mention import Mention
from newsweave.analysis.values.rules import number, table, words
from newsweave.analysis.vocabularies import vocabulary
from newsweave.analysis.words import WEEKDAYS

if TYPE_CHECKING:
    from datetime import datetime

    from spacy.tokens import Doc, Token

MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def days_of(text: str, doc: Doc, published_at: datetime | None) -> list[DayMention]:
    """The days of an article's text (`doc` its parse)."""
    return find_days(text, published_at, doc)


def read_days(
    doc: Doc, days: Sequence[DayMention], article: int, sentence: Sentence
) -> Iterable[Mention]:
    """The dates of what happened in one sentence (see the module doc)."""
    for day in days:
        if not sentence.start <= day.start < sentence.end or day.tense == "future":
            continue
        forms = _forms(day)
        if not forms:
            continue
        what, verb = _anchor(doc, day.start, day.end)
        if not what or (verb is not None and _is_possible(verb)) or _is_said_on(doc, day.start):
            continue  # "may vote as soon as Wednesday", "said Monday the bill ..."
        (form, value), *_ = forms
        yield Mention(
            "date",
            value,
            what,
            article,
            sentence,
            words=date_words(verb, _token_at(doc, day.start)),
            shown=_shown(form, value),
            forms=tuple(forms),
            edge=_edge(doc, day),
            parties=_parties(verb),
            clause=_clause_text(verb, day),
            apart=_told_apart(doc, day),
        )


def _parties(verb: Token | None) -> frozenset[str]:
    """Who or what took part: the subject and object of the date's verb, each a noun's lemma
    or a name's words (capitalised), less a dateline the parser read as the subject."""
    if verb is None:
        return frozenset()
    heads = [
        word
        for c in verb.children
        if c.dep_ in ("nsubj", "nsubjpass", "dobj", "agent")
        for word in named_by(c if c.dep_ != "agent" else next(iter(c.children), c))
    ]
    found = {w.lemma_.lower() for w in heads if w.pos_ == "NOUN"}
    found |= {  # names keep their capitals: a shared name says more than a shared "judge"
        part.text
        for w in heads
        if w.pos_ == "PROPN"
        for part in (w, *(c for c in w.children if c.dep_ in ("compound", "flat")))
        if part.pos_ == "PROPN" and part.ent_type_ not in ("GPE", "LOC")
    }
    return frozenset(found - words("grammar.generic"))


def _told_apart(doc: Doc, day: DayMention) -> frozenset[str]:
    """What the date's sentence names as a happening of another moment than the date's: the
    noun a word of sequence takes (rule `date.sequence`: "was charged on Thursday following
    the shootings"), each a lemma, unless the date is in it ("after the shooting on Sunday"
    dates the shooting). A happening named by a noun so is one the report takes as known, an
    earlier one; a clause ("became law on Tuesday after the governor signed it") may tell
    the same moment, and is not read. A date of the other outlet's happening named so is of
    another moment, not a different day for one."""
    at = _token_at(doc, day.start)
    return frozenset(
        told.lemma_.lower()
        for word in doc[at].sent
        if word.lower_ in words("date.sequence")
        for told in word.children
        if told.dep_ in ("pobj", "dobj")
        and told.pos_ == "NOUN"
        and not any(t.i == at for t in told.subtree)
    )


def _clause_text(verb: Token | None, day: DayMention) -> str:
    """The date's clause as printed, in text order, without the date and its preposition:
    what two dates' clauses say is compared when their sentences name the same people."""
    if verb is None:
        return ""
    tokens = sorted(clause_tokens(verb), key=lambda t: t.i)
    inside = [t for t in tokens if day.start <= t.idx < day.end]
    skip = {t.i for t in inside} | {t.head.i for t in inside if t.head.dep_ == "prep"}
    return " ".join(t.text for t in tokens if t.i not in skip and not t.is_punct)


def _token_at(doc: Doc, offset: int) -> int:
    span = doc.char_span(offset, offset + 1, alignment_mode="expand")
    return span.start if span is not None else 0


def _is_possible(verb: Token) -> bool:
    """A modal predicate (rule `grammar.modal`: "may vote on Wednesday"), or one under a verb
    of planning (rule `date.plans`: "the union intends to sign the agreement on Friday"), the
    verbs it is the infinitive of included, up to the first verb that is none: "a deal that
    could clear the way for the council to approve the levy on Friday" dates no approval, "went
    to Saltmere to open the port on Friday" dates the opening. It dates nothing that happened.
    (Plans told in the future tense are the dates module's.)"""
    modal, plans = words("grammar.modal"), words("date.plans")
    for word in (verb, *verb.ancestors):
        if word.pos_ not in ("VERB", "AUX"):
            continue  # "the way for the council to approve": up to the verb of the noun
        if word.lemma_.lower() in plans or any(
            c.dep_ in ("aux", "auxpass") and c.lower_ in modal for c in word.children
        ):
            return True
        if not _is_infinitive(word):
            return False
    return False


def _is_infinitive(verb: Token) -> bool:
    """An infinitive complement, or a verb after "to" ("to approve the levy")."""
    return verb.dep_ == "xcomp" or any(c.dep_ == "aux" and c.tag_ == "TO" for c in verb.children)


def _is_said_on(doc: Doc, start: int) -> bool:
    """Whether a date follows a verb of saying ("said Monday the bill ...", "said late on
    Tuesday"), which the parser may hang the date from the clause said: the day of saying
    (rule `date.saying`)."""
    at = _token_at(doc, start)
    between = vocabulary("dates.saying-between").words  # "said late on Tuesday"
    before = [t for t in doc[max(0, at - 3) : at] if t.lower_ not in between]
    return (
        bool(before)
        and before[-1].pos_ == "VERB"
        and before[-1].lemma_.lower() in words("date.saying")
    )


def _edge(doc: Doc, day: DayMention) -> str:
    """ "late" for a day's last hours ("late Tuesday", "Tuesday night"), "early" for its first
    ("early Wednesday"), else "" (rule `date.night`)."""
    start = doc.char_span(day.start, day.end, alignment_mode="expand")
    before = [t.lower_ for t in doc[max(0, start.start - 2) : start.start]] if start else []
    said = [*before, *day.text.lower().split()]
    night = words("date.night")
    if any(word in night for word in said[-3:]) or "late" in said:
        return "late"
    return "early" if any(word in words("date.early") for word in said) else ""


def is_same_night(a: Mention, b: Mention, form: str) -> bool:
    """Whether two dates a day apart may tell one moment: "late Tuesday" (or "Tuesday night")
    and "early Wednesday" are one night, told from either side of midnight."""
    first, second = sorted((a, b), key=lambda m: _order(m, form))
    step = (_order(second, form) - _order(first, form)) % (7 if form == "weekday" else 10_000)
    return step == 1 and first.edge == "late" and second.edge == "early"


def _order(mention: Mention, form: str) -> int:
    value = dict(mention.forms)[form]
    if form == "weekday":
        return WEEKDAYS.index(value)
    if form == "day":
        return date.fromisoformat(value).toordinal()
    month, number = value.split()
    return MONTH_NAMES.index(month.title()) * 31 + int(number)


def _forms(day: DayMention) -> list[tuple[str, str]]:
    """The forms a day can be compared in, the most precise first."""
    forms = []
    if day.day is not None:
        forms.append(("day", day.day.isoformat()))
    if day.weekday is not None:
        forms.append(("weekday", WEEKDAYS[day.weekday]))
    if day.month_day is not None:
        month, number = day.month_day
        forms.append(("month day", f"{MONTH_NAMES[month - 1].lower()} {number}"))
    return forms


def _shown(form: str, value: str) -> str:
    return value if form == "day" else value.title()


def same_form(a: Mention, b: Mention) -> str | None:
    """The most precise form two dates can both be compared in, or None; None too for two
    full dates far apart (rule `date.apart`), which tell of two happenings."""
    theirs = {form for form, _ in b.forms}
    form = next((form for form, _ in a.forms if form in theirs), None)
    if form in ("day", "month day") and days_apart(a, b, form) >= number("date.apart"):
        return None
    return form


def days_apart(a: Mention, b: Mention, form: str) -> int:
    """How far apart two days are; for a month and a day without a year, the nearer way
    round the year ("December 31" and "January 31" are 31 days apart)."""
    if form == "day":
        return abs(
            date.fromisoformat(a.value).toordinal() - date.fromisoformat(b.value).toordinal()
        )
    first, second = (_in_leap_year(dict(m.forms)[form]).toordinal() for m in (a, b))
    return min(abs(first - second), 366 - abs(first - second))


def _in_leap_year(month_day: str) -> date:
    month, number_ = month_day.split()
    return date(2024, MONTH_NAMES.index(month.title()) + 1, int(number_))


def in_form(mention: Mention, form: str) -> str:
    return dict(mention.forms)[form]


def _anchor(doc: Doc, start: int, end: int) -> tuple[frozenset[str], Token | None]:
    """The happening a date (the text from `start` to `end`) dates, and the verb it hangs
    from (see the module doc). Empty for a date of saying or one that names something."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return frozenset(), None
    token = span.root
    named = _noun_dated(token)
    if named is not None:
        return named, verb_above(token)
    found: set[str] = set()
    if token.head.dep_ == "prep" and token.head.head.pos_ == "NOUN":
        # "the shooting on Sunday", "an election in the 9th district on Wednesday": the nouns
        # up to the verb, as the parser hangs the date from the nearest one
        for above in token.head.ancestors:
            if above.pos_ in ("VERB", "AUX"):
                break
            if above.pos_ == "NOUN":
                found.add(above.lemma_.lower())
    verb = next((t for t in token.ancestors if t.pos_ == "VERB"), None)
    if verb is not None:
        if verb.lemma_.lower() in words("date.saying"):
            return frozenset(), None
        found |= _verb_happening(verb)
    generic = words("grammar.generic") | words("date.saying") | words("grammar.light")
    meeting = table("date.meeting")
    return frozenset(meeting.get(w, w) for w in found - generic), verb or verb_above(token)


def _noun_dated(token: Token) -> frozenset[str] | None:
    """The noun a date gives the day of, when it modifies one ("Thursday's talks", "at a
    Tuesday summit", "his letter of March 7"); empty for one that names it ("the Friday
    deadline"); None when it modifies no noun."""
    meeting = table("date.meeting")
    if token.dep_ in ("poss", "compound", "nmod", "amod") and token.head.pos_ in ("NOUN", "PROPN"):
        noun = token.head
    elif token.head.dep_ == "prep" and token.head.lower_ == "of" and token.head.head.pos_ == "NOUN":
        noun = token.head.head
    else:
        return None
    lemma = noun.lemma_.lower()
    if lemma in words("date.names") or lemma in words("grammar.generic"):
        return frozenset()
    return frozenset({meeting.get(lemma, lemma)})


def _verb_happening(verb: Token) -> set[str]:
    """What a verb a date hangs from says happened: the verb, the noun of a participle ("the
    talks held on Friday"), what a light verb holds or makes ("the funeral was held"), and the
    object of a verb of beginning or ending ("ended the talks")."""
    found = set()
    lemma = verb.lemma_.lower()
    noun = verb.head if verb.dep_ == "acl" else _participle_noun(verb)
    if noun is not None:
        found.add(noun.lemma_.lower())
    if lemma in words("grammar.light") | words("date.phases"):
        found |= {
            word.lemma_.lower()
            for c in verb.children
            if c.dep_ in ("nsubj", "nsubjpass", "dobj")
            for word in named_by(c)
            if word.pos_ == "NOUN"
        }
    if lemma not in words("grammar.light"):
        found.add(lemma)
    return found


def date_words(verb: Token | None, at: int) -> frozenset[str]:
    """The verbs of a date's clause (not a participle that modifies a noun: "a just-passed
    package"), with the verbs joined to it by "and" after the date (token `at`): "arrested on
    Sunday and booked" dates the booking too, "surged but fell on Wednesday" not the surge."""
    if verb is None:
        return frozenset()
    meeting = table("date.meeting")
    after = [
        c for c in verb.conjuncts if c.i > at and any(w.lower_ == "and" for w in c.doc[at : c.i])
    ]
    return frozenset(
        meeting.get(t.lemma_.lower(), t.lemma_.lower())
        for t in (*clause_tokens(verb), *after, *_told_together(verb))
        if t.pos_ == "VERB" and t.dep_ not in ("amod", "compound")
    )


def _told_together(verb: Token) -> list[Token]:
    """The verbs of the happening a date's verb tells with it (rule `date.together`): the verb
    its clause is at the same time as ("three people were killed when rioters threw a firebomb
    on Wednesday" dates the killing), and the verbs of its infinitive or participle complements
    ("tried to storm parliament on Wednesday" dates the storming). Not a clause before or after
    another ("arrested after he fired on Friday"), nor a clause said or announced ("announced
    on Tuesday that he had died"): that may be another moment."""
    found, stack = [], [verb]
    while stack:  # "tried to force his way to storm ...": the chain of complements
        stack = [c for t in stack for c in t.children if c.dep_ == "xcomp"]
        found += stack
    marks = {c.lower_ for c in verb.children if c.dep_ == "mark"} | {
        c.lower_ for c in verb.children if c.dep_ == "advmod" and c.tag_ == "WRB"
    }
    if verb.dep_ == "advcl" and marks & words("date.together"):
        found.append(verb.head)
    return [t for t in found if t.pos_ == "VERB"]


def _participle_noun(verb: Token) -> Token | None:
    """The noun right before a past participle that has no subject or auxiliary of its own:
    the parser hangs "accused the government ... at the talks with Korvania held in Saltmere
    on Friday" on "accused", not on "talks", but the participle still tells of the talks."""
    if verb.tag_ != "VBN" or any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in verb.children
    ):
        return None
    for token in reversed(verb.doc[verb.sent.start : verb.i]):
        if token.pos_ in ("VERB", "AUX", "PUNCT"):
            return None
        if token.pos_ == "NOUN":
            return token
    return None
