"""Dates in an article, normalized against the article's publication time.

News copy dates events relative to the day it was written: "on Thursday", "last week",
"earlier this month", "May 16". A brief that merges several outlets, and a timeline that orders
events, need each of those as a calendar date or range. `find_dates` finds them in a text and
`resolve_date` turns one expression into a `(first, last)` range of days. `find_days` gives the
expressions that name one day as far as the text tells them, with or without a publication
time: without one, "on Tuesday" is a weekday, "March 5" a month and day, "November 12, 2014" a
day (the disagreements compare undated reports' days this way).

What is whose job:

- `dateparser` (with `RELATIVE_BASE` = the publication time) reads absolute dates and simple
  relative ones: "March 5", "5 March 2026", "July 2025", "2019", "yesterday", "two days ago",
  "5 de marzo". A month without a year gets its year here, not from dateparser: the year that
  puts it nearest the publication day in the direction of the sentence's tense (a January
  article saying "talks were held in December" means last December).
- Weekday names are resolved by hand. Which Thursday "on Thursday" means depends on the tense of
  the sentence, which dateparser cannot see: it reads a bare weekday as a past one (on a
  Wednesday, "Thursday" comes back as six days earlier, never tomorrow), and DESIGN.md notes the
  publication day's own weekday coming back a week early. Here a
  weekday in a past-tense clause ("talks were held on Thursday", "said on Thursday") is the most
  recent such day on or before the publication day, one in a future clause ("will meet on
  Thursday", "said he would travel on Thursday", "is due to begin on Thursday", "invited them to
  talks on Thursday") the next one on or after it, so "on Wednesday" in a Wednesday article is
  that day either way. "last", "next" and "this" are explicit: strictly before, strictly after,
  and within the publication day's Monday-Sunday week. With no tense to go by (a present-tense or
  verbless clause), the nearest such day wins. A weekday given with a date ("Thursday, March 5")
  picks the year in which that date falls on that weekday.
- Periods are resolved by hand, because dateparser answers them with a single day: "last week"
  is the previous Monday-Sunday, "earlier this month" the 1st up to the day before publication,
  "early April" the 1st-10th, "the end of March" the 21st-31st, "the second half of 2027"
  July-December, "last autumn" September-November (northern-hemisphere meteorological seasons),
  "the 1990s" 1990-1999.
- Things that are not dates resolve to nothing rather than to a wrong day: durations ("for three
  days", "24 hours", "almost two years", "30-day"), ages ("52-year-old"), frequencies ("every
  night", "annual"), periods ending now ("the last three years"), bare times ("2:27 p.m.") and
  anaphora ("the day", "that night"). dateparser would read several of these as a date ("eight
  months" as eight months ago), so they never reach it.

The tense comes from spaCy's parse of the sentence (`newsweave.analysis.nlp`): the verb the date
expression hangs from, its auxiliaries ("will", "would", "has", "was"), its morphology (Tense=Past)
and the verbs that look forward ("due to", "set to", "plans to", "scheduled for", "invited ... to").

The publication day is the calendar day of `published_at` in UTC (the store keeps publication
times tz-aware in UTC; a naive time is taken as UTC). An article published late in the evening
west of Greenwich can therefore be a day later than its local date; in exchange every article's
dates are computed on one clock.

Besides spaCy's DATE entities, a regular-expression pass finds weekday and month-day phrases the
NER misses, including Spanish ones ("este jueves", "el viernes", "5 de marzo"); the English
parse cannot read Spanish tense, so a bare Spanish weekday is the nearest such day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Literal

from newsweave.analysis import words
from newsweave.analysis.vocabularies import vocabulary

if TYPE_CHECKING:
    from dateparser.date import DateDataParser
    from spacy.tokens import Doc, Token

__all__ = [
    "DateMention",
    "DayMention",
    "Precision",
    "Tense",
    "find_dates",
    "find_days",
    "resolve_date",
]

Tense = Literal["past", "future"]
Precision = Literal["day", "week", "month", "year", "range"]


@dataclass(frozen=True)
class DateMention:
    """One date expression in a text, with the days it covers (first == last for one day)."""

    text: str
    start: int  # character offsets into the text
    end: int
    first: date
    last: date
    precision: Precision  # "range" for spans that are not one whole day, week, month or year
    tense: Tense | None = None  # of the clause it stands in: a past fact or a plan; None: unknown


@dataclass(frozen=True)
class DayMention:
    """A date expression naming one day, as far as its text tells it: the day itself when a
    publication day or a year resolves it, else its weekday, or its month and day, or both."""

    text: str
    start: int
    end: int
    day: date | None
    weekday: int | None  # Monday is 0
    month_day: tuple[int, int] | None
    tense: Tense | None = None


# The words below are rules of vocabulary/dates.toml (and the months, weekdays and ordinal
# suffixes of the shared vocabularies), which says what each is for, with its examples. The
# patterns' structure stays here, because the resolvers read their named groups; only the words
# they hold come from the rules.


def _table(rule_id: str) -> dict[str, str]:
    return dict(vocabulary(rule_id).table or {})


def _either(words: Iterable[str]) -> str:
    """An alternation of words, longest first (so "this coming" is tried before "this")."""
    return "|".join(sorted(words, key=lambda word: (-len(word), word)))


SPANISH_WEEKDAYS = {name: int(day) for name, day in _table("dates.spanish-weekdays").items()}
WEEKDAYS = {name: i for i, name in enumerate(words.WEEKDAYS)} | SPANISH_WEEKDAYS
MONTHS = {name: i for i, name in enumerate(words.MONTHS, start=1)} | {
    calendar.month_abbr[i].lower(): i for i in range(1, 13)
}
SPANISH_MONTHS = tuple(_table("dates.spanish-months"))
# which third of a month or a year an "early", "mid" or "late" phrase means
PARTS = {phrase: int(third) for phrase, third in _table("dates.parts").items()}
ORDINALS = {word: int(index) for word, index in _table("dates.ordinals").items()}
SEASONS = {name: int(month) for name, month in _table("dates.seasons").items()}
WEEKDAY_CUES = _table("dates.weekday-cues")  # a bare weekday has none
PERIOD_CUES = {cue: int(shift) for cue, shift in _table("dates.period-cues").items()}
UNITS = _table("dates.units")
DAYS_BACK = {phrase: int(days) for phrase, days in _table("dates.today").items()}
TIME_OF_DAY = rf"(?:{_either(vocabulary('dates.times-of-day').words)})"
FORWARD_LEMMAS = vocabulary("dates.forward-lemmas").words  # "due to meet on Wednesday"
SCHEDULING_LEMMAS = vocabulary("dates.scheduling-lemmas").words  # "talks scheduled for Thursday"
INVITING_LEMMAS = vocabulary("dates.inviting-lemmas").words  # "invited both sides to talks"
VERB_TAGS = ("VERB", "AUX")
FUTURE_AUX = vocabulary("dates.future-auxiliaries").words
PERFECT_OR_PAST_AUX = vocabulary("dates.perfect-or-past-auxiliaries").words
PRESENT_BE = vocabulary("dates.present-be").words  # "is meeting on Thursday": to come

_WEEKDAY_WORDS = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
_MONTH_WORDS = "|".join(sorted(MONTHS, key=len, reverse=True))
_CUE_WORDS = "|".join(sorted(WEEKDAY_CUES, key=len, reverse=True))
_NUMBER = rf"(?:\d+|{_either(vocabulary('dates.counted-numbers').words)})"
_PARTS = _either(PARTS)
_SUFFIX = rf"(?:{_either(words.ORDINAL_SUFFIXES)})"


def _units(*kinds: str) -> str:
    """The words of `dates.units` that name one of these units."""
    return _either(word for word, unit in UNITS.items() if unit in kinds)


_CUES_AFTER = _either(vocabulary("dates.cues-after").words)  # "el lunes pasado"
WEEKDAY_PHRASE = re.compile(
    rf"(?:(?:{_either(vocabulary('dates.around').words)}) (?:on )?)?(?:(?P<cue>{_CUE_WORDS}) )?"
    rf"(?P<day>{_WEEKDAY_WORDS})(?: (?P<after>{_CUES_AFTER}))?"
)
PERIOD_PHRASE = re.compile(
    rf"(?P<cue>{_either(PERIOD_CUES)}) (?P<unit>{_units('week', 'weekend', 'month', 'year')})"
)
SO_FAR = _table("dates.so-far")  # "earlier" this week: "before" the article's day
PERIOD_SO_FAR = re.compile(
    rf"(?P<side>{_either(SO_FAR)}) this (?P<unit>{_units('week', 'month', 'year')})"
)
_THIS = _either(vocabulary("dates.this-period").words)  # "the month", "this year"
PART_OF_MONTH = re.compile(
    rf"(?P<part>{_PARTS})[ -](?P<month>{_MONTH_WORDS}|(?:{_THIS}) month)(?: (?P<year>\d{{4}}))?"
)
# a half or a quarter of a year, and how many months it spans ("the second half of")
FRACTIONS = {word: int(months) for word, months in _table("dates.fractions").items()}
_FRACTION_OF = "|".join(
    rf"the (?:{_either(w for w, index in ORDINALS.items() if index < 12 // months)}) {fraction} of"
    for fraction, months in FRACTIONS.items()
)
PART_OF_YEAR = re.compile(
    rf"(?P<part>{_PARTS}|{_FRACTION_OF})[ -](?P<year>\d{{4}}|(?:{_THIS}) year)"
)
SEASON_PHRASE = re.compile(
    rf"(?:(?P<cue>{_either(PERIOD_CUES)}) )?(?P<season>{_either(SEASONS)})"
    r"(?: (?:of )?(?P<year>\d{4}))?"
)
DECADE = re.compile(r"(?:the )?(?P<decade>\d{3}0)s")
TRAILING_TIME_OF_DAY = re.compile(rf" {TIME_OF_DAY}$")
TODAY_WORDS = re.compile(rf"{_either(DAYS_BACK)}|this {TIME_OF_DAY}")
# what dateparser is given: simple relative days, then named months, years and numeric dates
COUNTED_FROM = _table("dates.counted-from")  # "three days ago": "back"; "in three days": "ahead"
_BACK = _either(word for word, way in COUNTED_FROM.items() if way == "back")
_AHEAD = _either(word for word, way in COUNTED_FROM.items() if way == "ahead")
RELATIVE_SHAPE = re.compile(
    rf"{_either(vocabulary('dates.next-days').words)}"
    rf"|{_NUMBER} (?:{_units('day', 'week', 'month', 'year')})s? (?:{_BACK})"
    rf"|(?:{_AHEAD}) {_NUMBER} days?"
)
ABSOLUTE_SHAPE = re.compile(
    rf".*\b(?:{_MONTH_WORDS}|{'|'.join(SPANISH_MONTHS)})\b.*"
    r"|(?:in )?[12]\d{3}|\d{1,4}[/.-]\d{1,2}(?:[/.-]\d{1,4})?"
)
# durations, ages and frequencies, which dateparser would read as dates ("eight months" ago)
NOT_A_DATE = re.compile(
    rf"\b(?:{_either(vocabulary('dates.frequencies').words)})\b"
    rf"|\b(?:{_either(vocabulary('dates.durations').words)})s?\b"
)
LEADING_WORDS = re.compile(rf"^(?:(?:{_either(vocabulary('dates.leading-words').words)})\s+)+")
EDGE_PUNCTUATION = " \t\n.,;:()\"'“”‘’"
POSSESSIVE = re.compile(r"['’]s\b")

# candidates the English NER tends to miss, found in the raw text
CANDIDATE_PATTERNS = (
    re.compile(
        rf"\b(?:(?:{_CUE_WORDS}|el) )?(?:{_WEEKDAY_WORDS})\b(?: (?:{_CUES_AFTER})\b)?"
        rf"(?: {TIME_OF_DAY}\b)?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?:{'|'.join(month.title() for month in words.MONTHS)})\s+\d{{1,2}}{_SUFFIX}?\b"
        r"(?:,?\s+\d{4}\b)?"
    ),
    re.compile(rf"\b\d{{1,2}} de (?:{'|'.join(SPANISH_MONTHS)})(?: de \d{{4}})?\b"),
)
SPANISH_WORDS = frozenset(SPANISH_WEEKDAYS) | frozenset(SPANISH_MONTHS)


def resolve_date(
    expression: str, published_at: datetime, *, tense: Tense | None = None
) -> tuple[date, date] | None:
    """The first and last day an expression means, read on the article's publication day.

    `tense` is the tense of the clause the expression stands in; it decides which way a bare
    weekday or a month without a year points. None when the expression is not a date.
    """
    return _resolve(_normalize(expression), publication_day(published_at), tense)


def find_dates(text: str, published_at: datetime, doc: Doc | None = None) -> list[DateMention]:
    """The date expressions in a text that resolve to days, in text order.

    `doc` is spaCy's parse of exactly this text (`newsweave.analysis.nlp.parse`); the text is
    parsed here when it is not given. Candidates are the DATE entities plus weekday and
    month-day phrases the NER missed; an expression that does not resolve (a duration, an age)
    is left out, and of overlapping candidates the longest that resolves is kept.
    """
    doc = _parse_of(text, doc, "find_dates")
    return _dates_in(text, doc, published_at)


def _parse_of(text: str, doc: Doc | None, caller: str) -> Doc:
    """`doc`, checked to be the parse of `text`, or the text parsed here."""
    if doc is None:
        from newsweave.analysis.nlp import parse

        return next(parse([text]))
    if len(doc.text) != len(text) or doc.text != text:
        raise ValueError(f"{caller} was given a spaCy Doc of a different text")
    return doc


def _dates_in(text: str, doc: Doc, published_at: datetime) -> list[DateMention]:
    today = publication_day(published_at)
    resolved = []
    for start, end in _candidates(doc, text):
        phrase = text[start:end]
        tense = None if _is_spanish(phrase) else _tense_at(doc, start, end)
        days = _resolve(_normalize(phrase), today, tense)
        if days is not None:
            resolved.append(DateMention(phrase, start, end, *days, _precision(*days), tense))
    return _without_overlaps(resolved)


def find_days(text: str, published_at: datetime | None, doc: Doc | None = None) -> list[DayMention]:
    """The expressions in a text that name one day, in text order, resolved as far as they can
    be: against the publication day when there is one (`find_dates`); without one, a weekday
    ("on Tuesday", "late Friday") is its weekday, a month's day ("March 5", "Jan. 29") its month
    and day, and a full date ("November 12, 2014") its day. Relative days ("yesterday", "last
    week") say nothing without a publication day and are left out."""
    doc = _parse_of(text, doc, "find_days")
    if published_at is not None:
        return [
            DayMention(
                m.text, m.start, m.end, m.first, m.first.weekday(), _month_day(m.first), m.tense
            )
            for m in _dates_in(text, doc, published_at)
            if m.precision == "day"
        ]
    found = []
    for start, end in _candidates(doc, text):
        phrase = text[start:end]
        read = _undated_day(_normalize(phrase))
        if read is not None:
            tense = None if _is_spanish(phrase) else _tense_at(doc, start, end)
            found.append(DayMention(phrase, start, end, *read, tense))
    kept: list[DayMention] = []
    for mention in sorted(found, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _month_day(day: date) -> tuple[int, int]:
    return day.month, day.day


MONTH_DAY = re.compile(
    rf"(?:(?P<weekday>{_WEEKDAY_WORDS}),? )?(?P<month>{_MONTH_WORDS}|sept)\.? "
    rf"(?P<day>\d{{1,2}}){_SUFFIX}?(?:,? (?P<year>\d{{4}}))?"
)
DAY_MONTH = re.compile(
    rf"(?P<day>\d{{1,2}}) (?P<month>{_MONTH_WORDS}|sept)\.?(?: (?P<year>\d{{4}}))?"
)


def _undated_day(phrase: str) -> tuple[date | None, int | None, tuple[int, int] | None] | None:
    """(day, weekday, (month, day)) of a normalized phrase read without a publication day."""
    if match := WEEKDAY_PHRASE.fullmatch(phrase):
        return None, WEEKDAYS[match["day"]], None
    match = MONTH_DAY.fullmatch(phrase) or DAY_MONTH.fullmatch(phrase)
    if match is None:
        return None
    month = 9 if match["month"] == "sept" else MONTHS[match["month"]]
    number = int(match["day"])
    if not 1 <= number <= calendar.monthrange(2024, month)[1]:
        return None
    weekday = WEEKDAYS[match["weekday"]] if match.groupdict().get("weekday") else None
    if match["year"]:
        try:
            day = date(int(match["year"]), month, number)
        except ValueError:
            return None
        return day, day.weekday(), (month, number)
    return None, weekday, (month, number)


def publication_day(published_at: datetime) -> date:
    """The calendar day of a publication time in UTC (a naive time is taken as UTC; one whose
    UTC day would be past the calendar's end gives its own day)."""
    if published_at.tzinfo is None:
        return published_at.date()
    try:
        return published_at.astimezone(UTC).date()
    except OverflowError:
        return published_at.date()


def _normalize(expression: str) -> str:
    phrase = " ".join(expression.lower().replace("’", "'").split()).strip(EDGE_PUNCTUATION)
    phrase = LEADING_WORDS.sub("", POSSESSIVE.sub("", phrase))
    if TODAY_WORDS.fullmatch(phrase):  # "this morning", "last night"
        return phrase
    return TRAILING_TIME_OF_DAY.sub("", phrase)  # "Monday night" is Monday


def _resolve(phrase: str, today: date, tense: Tense | None) -> tuple[date, date] | None:
    """The days a normalized phrase means; None when they are past either end of the calendar
    (years 1 and 9999), as "next week" is when a publication time at datetime's limits was
    stored, or "the 0s"."""
    try:
        return _days(phrase, today, tense)
    except (OverflowError, ValueError):  # what date arithmetic and `date()` raise out of range
        return None


def _days(phrase: str, today: date, tense: Tense | None) -> tuple[date, date] | None:
    if match := WEEKDAY_PHRASE.fullmatch(phrase):
        cue = WEEKDAY_CUES.get(match["cue"] or match["after"])
        day = _weekday(today, WEEKDAYS[match["day"]], cue, tense)
        return day, day
    if TODAY_WORDS.fullmatch(phrase):
        day = today - timedelta(days=DAYS_BACK.get(phrase, 0))  # "this morning" is today
        return day, day
    if match := PART_OF_MONTH.fullmatch(phrase):
        return _part_of_month(match, today, tense)
    for pattern, resolver in HAND_RULES:
        if match := pattern.fullmatch(phrase):
            return resolver(match, today)
    if RELATIVE_SHAPE.fullmatch(phrase):
        return _parse_with_dateparser(phrase, today, tense, has_year=True)
    if NOT_A_DATE.search(phrase) or not ABSOLUTE_SHAPE.fullmatch(phrase):
        return None
    has_year = re.search(r"\b\d{4}\b", phrase) is not None
    return _parse_with_dateparser(phrase, today, tense, has_year=has_year)


def _weekday(today: date, weekday: int, cue: str | None, tense: Tense | None) -> date:
    back = (today.weekday() - weekday) % 7  # days since the latest such day, today included
    ahead = (weekday - today.weekday()) % 7  # days until the next one, today included
    if cue == "last":
        return today - timedelta(days=back or 7)
    if cue == "next":
        return today + timedelta(days=ahead or 7)
    if cue == "this":
        return today - timedelta(days=today.weekday() - weekday)
    if tense == "past" or (tense is None and back <= ahead):
        return today - timedelta(days=back)
    return today + timedelta(days=ahead)


def _period(match: re.Match[str], today: date) -> tuple[date, date]:
    shift = PERIOD_CUES[match["cue"]]
    unit = UNITS[match["unit"]]
    if unit == "month":
        return _month(*_add_months(today.year, today.month, shift))
    if unit == "year":
        return _year(today.year + shift)
    monday = _monday(today) + timedelta(weeks=shift)
    first = monday + timedelta(days=5) if unit == "weekend" else monday
    return first, monday + timedelta(days=6)


def _period_so_far(match: re.Match[str], today: date) -> tuple[date, date] | None:
    unit = UNITS[match["unit"]]
    if unit == "week":
        first, last = _monday(today), _monday(today) + timedelta(days=6)
    elif unit == "month":
        first, last = _month(today.year, today.month)
    else:
        first, last = _year(today.year)
    if SO_FAR[match["side"]] == "before":
        last = today - timedelta(days=1)
    else:
        first = today + timedelta(days=1)
    return (first, last) if first <= last else None


def _part_of_month(match: re.Match[str], today: date, tense: Tense | None) -> tuple[date, date]:
    """Early, mid or late in a month: the 1st-10th, 11th-20th or 21st-last."""
    third, name = PARTS[match["part"]], match["month"]
    if name.endswith(" month"):  # the article's own month
        return _third_of_month(today.year, today.month, third)
    years = [int(match["year"])] if match["year"] else [today.year + shift for shift in (-1, 0, 1)]
    spans = [_third_of_month(year, MONTHS[name], third) for year in years]
    return _nearest_in_direction(spans, today, tense)


def _third_of_month(year: int, month: int, third: int) -> tuple[date, date]:
    last = _month(year, month)[1] if third == 2 else date(year, month, 10 + 10 * third)
    return date(year, month, 1 + 10 * third), last


def _part_of_year(match: re.Match[str], today: date) -> tuple[date, date]:
    """Early, mid or late in a year (January-April, May-August, September-December), or one
    of its halves or quarters."""
    year = today.year if match["year"].endswith(" year") else int(match["year"])
    part = match["part"]
    if part in PARTS:
        months, index = 4, PARTS[part]
    else:  # "the first half of", "the third quarter of"
        months = next(n for fraction, n in FRACTIONS.items() if f" {fraction} of" in part)
        index = ORDINALS[part.split()[1]]
    first_month = 1 + index * months
    return date(year, first_month, 1), _month(year, first_month + months - 1)[1]


def _season(match: re.Match[str], today: date) -> tuple[date, date] | None:
    first_month = SEASONS[match["season"]]

    def season_of(year: int) -> tuple[date, date]:
        end_year, end_month = _add_months(year, first_month, 2)
        return date(year, first_month, 1), _month(end_year, end_month)[1]

    if match["year"]:
        return season_of(int(match["year"]))
    seasons = [season_of(year) for year in range(today.year - 2, today.year + 2)]
    if match["cue"] is None:
        return None  # a bare "the spring" could be any year's
    shift = PERIOD_CUES[match["cue"]]
    if shift < 0:
        return max((s for s in seasons if s[1] < today), default=None)
    if shift > 0:
        return min((s for s in seasons if s[0] > today), default=None)
    return min(seasons, key=lambda s: _distance(s, today))


def _decade(match: re.Match[str], _today: date) -> tuple[date, date]:
    year = int(match["decade"])
    return date(year, 1, 1), date(year + 9, 12, 31)


HAND_RULES = (
    (PERIOD_PHRASE, _period),
    (PERIOD_SO_FAR, _period_so_far),
    (PART_OF_YEAR, _part_of_year),
    (SEASON_PHRASE, _season),
    (DECADE, _decade),
)


@lru_cache(maxsize=64)
def _date_parser(today: date) -> DateDataParser:
    from dateparser.date import DateDataParser

    settings = {
        "RELATIVE_BASE": datetime.combine(today, time(12)),
        "PREFER_DATES_FROM": "current_period",
    }
    return DateDataParser(languages=["en", "es"], settings=settings)


def _parse_with_dateparser(
    phrase: str, today: date, tense: Tense | None, *, has_year: bool
) -> tuple[date, date] | None:
    """A dateparser reading as a range; without a year, the year the tense points to."""
    data = _date_parser(today).get_date_data(phrase)
    if data.date_obj is None or data.period not in ("day", "week", "month", "year"):
        return None
    day = data.date_obj.date()
    if data.period == "year":
        return _year(day.year)
    if data.period == "week":
        return _monday(day), _monday(day) + timedelta(days=6)
    if has_year:  # given, or following from the publication day ("two days ago")
        candidates = [day]
    else:
        candidates = [_replace_year(day, day.year + shift) for shift in (-1, 0, 1)]
        named = [WEEKDAYS[word] for word in re.findall(r"\w+", phrase) if word in WEEKDAYS]
        if named and data.period == "day":  # "Thursday, March 5": a year it is a Thursday
            candidates = [d for d in candidates if d and d.weekday() == named[0]] or candidates
    spans = [_span(day, data.period) for day in candidates if day is not None]
    if not spans:
        return None
    return _nearest_in_direction(spans, today, tense)


def _span(day: date, period: str) -> tuple[date, date]:
    return _month(day.year, day.month) if period == "month" else (day, day)


def _nearest_in_direction(
    spans: list[tuple[date, date]], today: date, tense: Tense | None
) -> tuple[date, date]:
    """Of the same day or month in neighbouring years, the one the tense points to."""
    if tense == "past":
        spans = [span for span in spans if span[0] <= today] or spans
    elif tense == "future":
        spans = [span for span in spans if span[1] >= today] or spans
    return min(spans, key=lambda span: _distance(span, today))


def _distance(span: tuple[date, date], today: date) -> int:
    first, last = span
    return max((first - today).days, (today - last).days, 0)


def _replace_year(day: date, year: int) -> date | None:
    try:
        return day.replace(year=year)
    except ValueError:  # February 29
        return None


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + months
    return index // 12, index % 12 + 1


def _precision(first: date, last: date) -> Precision:
    if first == last:
        return "day"
    if first.weekday() == 0 and last == first + timedelta(days=6):
        return "week"
    if first.day == 1 and (first, last) == _month(first.year, first.month):
        return "month"
    if (first, last) == _year(first.year):
        return "year"
    return "range"


def _is_spanish(phrase: str) -> bool:
    return not SPANISH_WORDS.isdisjoint(phrase.lower().split())


def _candidates(doc: Doc, whole: str) -> list[tuple[int, int]]:
    """Character spans of `whole` (the parsed text: spaCy joins the tokens again on every read
    of Doc.text) that may be dates: DATE entities, then the regular-expression finds."""
    spans = [(ent.start_char, ent.end_char) for ent in doc.ents if ent.label_ == "DATE"]
    for pattern in CANDIDATE_PATTERNS:
        spans.extend(match.span() for match in pattern.finditer(whole))
    trimmed = set()
    for start, end in spans:
        text = whole[start:end]
        stripped = text.strip(EDGE_PUNCTUATION)
        if stripped:
            start += len(text) - len(text.lstrip(EDGE_PUNCTUATION))
            trimmed.add((start, start + len(stripped)))
    return sorted(trimmed)


def _without_overlaps(mentions: list[DateMention]) -> list[DateMention]:
    kept: list[DateMention] = []
    for mention in sorted(mentions, key=lambda m: (m.start - m.end, m.start)):
        if all(mention.end <= other.start or other.end <= mention.start for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def _tense_at(doc: Doc, start: int, end: int) -> Tense | None:
    """The tense of the clause a span of the text stands in, from the verb it hangs from."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None:
        return None
    path = [span.root, *span.root.ancestors]
    at = next((i for i, token in enumerate(path) if token.pos_ in VERB_TAGS), None)
    if at is None:
        return None
    verb = path[at]
    if verb.lemma_ in INVITING_LEMMAS and any(
        token.lower_ == "to" and token.dep_ == "prep" for token in path[:at]
    ):
        return "future"  # "invited both sides to talks on Thursday"
    return _tense_of(verb)


def _verb_above(token: Token) -> Token | None:
    return next((ancestor for ancestor in token.ancestors if ancestor.pos_ in VERB_TAGS), None)


def _tense_of(verb: Token) -> Tense | None:
    auxiliaries = {child.lower_ for child in verb.children if child.dep_ in ("aux", "auxpass")}
    if auxiliaries & FUTURE_AUX or (
        verb.tag_ in ("VBN", "JJ") and verb.lemma_ in SCHEDULING_LEMMAS
    ):
        return "future"
    if "to" in auxiliaries:  # an infinitive: ahead of a forward-looking word, else as its verb
        governor = verb.head
        if governor.lemma_ in FORWARD_LEMMAS and (
            governor.lemma_ != "go" or governor.tag_ == "VBG"
        ):
            return "future"
    elif auxiliaries & PERFECT_OR_PAST_AUX or "Past" in verb.morph.get("Tense", []):
        return "past"
    elif verb.tag_ == "VBG" and auxiliaries & PRESENT_BE:
        return "future"  # "is meeting on Thursday"
    elif verb.tag_ in ("VBZ", "VBP"):
        return None  # the present says nothing about which way
    above = _verb_above(verb)  # a bare infinitive, gerund or participle: as the verb above it
    return _tense_of(above) if above is not None else None
