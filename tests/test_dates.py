"""Dates normalized against the publication day: the sample corpus's gold, then the rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from conftest import GOLD
from newsweave.analysis.dates import find_dates, publication_day, resolve_date
from newsweave.analysis.nlp import load_nlp, parse

WEDNESDAY = datetime(2026, 3, 4, 9, 0, tzinfo=UTC)  # the publication time of most rule tests


@pytest.fixture(scope="module")
def gold_mentions(sample_store):
    """Each gold-dated article's URL -> (text, its date mentions)."""
    articles = sample_store.by_url()
    dated = [articles[url] for url in sorted({entry["article"] for entry in GOLD["dates"]})]
    docs = parse(article.text for article in dated)
    return {
        article.url or article.canonical_url: (
            article.text,
            find_dates(article.text, article.published_at, doc),
        )
        for article, doc in zip(dated, docs, strict=True)
    }


@pytest.fixture(scope="module")
def dates_in():
    """find_dates over a short text, with spaCy loaded once (~1.5 s) for the whole module."""
    nlp = load_nlp()

    def dates_in(text: str, published_at: datetime = WEDNESDAY) -> list[tuple[str, date, date]]:
        return [(m.text, m.first, m.last) for m in find_dates(text, published_at, nlp(text))]

    return dates_in


def test_every_gold_date_is_found_and_resolved(gold_mentions):
    misses = []
    for entry in GOLD["dates"]:
        text, mentions = gold_mentions[entry["article"]]
        expression, gold = entry["expression"], date.fromisoformat(entry["date"])
        start = text.index(expression)
        end = start + len(expression)
        found = [
            m
            for m in mentions
            if m.start < end
            and start < m.end
            and (m.text in expression or expression in m.text)
            and m.first <= gold <= m.last
            and m.precision == "day"
        ]
        if not found:
            near = [(m.text, str(m.first), str(m.last)) for m in mentions if m.start < end + 20]
            misses.append((entry["article"], expression, entry["date"], near[-3:]))
    total = len(GOLD["dates"])
    accuracy = (total - len(misses)) / total
    assert not misses, f"accuracy {accuracy:.3f} ({total - len(misses)}/{total}); missed: {misses}"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # past clauses: the latest such day on or before the publication day
        ("Talks were held on Thursday.", date(2026, 2, 26)),
        ("The minister said on Monday that the talks had failed.", date(2026, 3, 2)),
        ("Police have been at the plant since Monday.", date(2026, 3, 2)),
        ("He did not attend Thursday's talks.", date(2026, 2, 26)),
        # future clauses: the next such day on or after it
        ("The ministers will meet on Thursday.", date(2026, 3, 5)),
        ("Talks are due to begin on Thursday.", date(2026, 3, 5)),
        ("The meeting is scheduled for Thursday.", date(2026, 3, 5)),
        ("The government plans to publish the report on Monday.", date(2026, 3, 9)),
        ("Halvenmark invited both sides to talks in Saltmere on Thursday.", date(2026, 3, 5)),
        (
            "Aides said the council, which was due to meet on Friday, would decide.",
            date(2026, 3, 6),
        ),
        # the publication day's own weekday is that day, either way
        ("Officials said on Wednesday that the talks had failed.", date(2026, 3, 4)),
        ("The council will meet on Wednesday.", date(2026, 3, 4)),
        ("The quake struck early on Wednesday.", date(2026, 3, 4)),
        # explicit cues
        ("The council will meet next Wednesday.", date(2026, 3, 11)),
        ("The council met last Wednesday.", date(2026, 2, 25)),
        ("He was charged last Thursday.", date(2026, 2, 26)),
        ("They meet next Thursday.", date(2026, 3, 5)),
        ("The results come this Friday.", date(2026, 3, 6)),
        ("The results came this Monday.", date(2026, 3, 2)),
        # no tense to go by: the nearest
        ("Thursday: talks in Saltmere.", date(2026, 3, 5)),
        ("Monday: talks in Saltmere.", date(2026, 3, 2)),
    ],
)
def test_weekdays_follow_the_tense_of_their_clause(dates_in, sentence, expected):
    assert [(first, last) for _, first, last in dates_in(sentence)] == [(expected, expected)]


def test_one_sentence_can_point_both_ways(dates_in):
    found = dates_in("Korvania will send a delegation on Thursday, a spokesman said on Tuesday.")
    assert [(text, first) for text, first, _ in found] == [
        ("Thursday", date(2026, 3, 5)),
        ("Tuesday", date(2026, 3, 3)),
    ]
    found = dates_in("Korda, who the spokesman said on Tuesday would head the team, did not go.")
    assert [first for _, first, _ in found] == [date(2026, 3, 3)]


def test_a_weekday_with_a_date_takes_the_date(dates_in):
    assert dates_in("The talks were held on Thursday, March 5.") == [
        ("Thursday, March 5", date(2026, 3, 5), date(2026, 3, 5))
    ]


@pytest.mark.slow
def test_spanish_weekdays_are_found():
    thursday = datetime(2026, 3, 12, 22, 40, tzinfo=UTC)
    found = find_dates("El sismo sacudió este jueves la provincia. Viajará el viernes.", thursday)
    assert [(m.text, m.first) for m in found] == [
        ("este jueves", date(2026, 3, 12)),
        ("el viernes", date(2026, 3, 13)),
    ]


def test_a_month_without_a_year_takes_the_year_its_tense_points_to(dates_in):
    january = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    december_2025 = (date(2025, 12, 1), date(2025, 12, 31))
    assert dates_in("Talks were held in December.", january) == [("December", *december_2025)]
    assert dates_in("Talks will be held in December.", january) == [
        ("December", date(2026, 12, 1), date(2026, 12, 31))
    ]
    assert dates_in("The law took effect on December 20.", january)[0][1] == date(2025, 12, 20)
    assert resolve_date("late December", january, tense="past") == (
        date(2025, 12, 21),
        date(2025, 12, 31),
    )
    december = datetime(2025, 12, 28, 9, 0, tzinfo=UTC)
    assert dates_in("The law takes effect on January 5.", december)[0][1] == date(2026, 1, 5)
    assert resolve_date("May 16", WEDNESDAY, tense="past") == (date(2025, 5, 16),) * 2
    assert resolve_date("May 16", WEDNESDAY, tense="future") == (date(2026, 5, 16),) * 2
    assert resolve_date("May 16, 2024", WEDNESDAY, tense="future") == (date(2024, 5, 16),) * 2


@pytest.mark.parametrize(
    ("expression", "first", "last"),
    [
        ("yesterday", date(2026, 3, 3), date(2026, 3, 3)),
        ("yesterday morning", date(2026, 3, 3), date(2026, 3, 3)),
        ("last night", date(2026, 3, 3), date(2026, 3, 3)),
        ("today", date(2026, 3, 4), date(2026, 3, 4)),
        ("two days ago", date(2026, 3, 2), date(2026, 3, 2)),
        ("in three days", date(2026, 3, 7), date(2026, 3, 7)),
        ("last week", date(2026, 2, 23), date(2026, 3, 1)),
        ("last week's", date(2026, 2, 23), date(2026, 3, 1)),
        ("this week", date(2026, 3, 2), date(2026, 3, 8)),
        ("next week", date(2026, 3, 9), date(2026, 3, 15)),
        ("earlier this month", date(2026, 3, 1), date(2026, 3, 3)),
        ("later this month", date(2026, 3, 5), date(2026, 3, 31)),
        ("next month", date(2026, 4, 1), date(2026, 4, 30)),
        ("last month", date(2026, 2, 1), date(2026, 2, 28)),
        ("three months ago", date(2025, 12, 1), date(2025, 12, 31)),
        ("this year", date(2026, 1, 1), date(2026, 12, 31)),
        ("last year", date(2025, 1, 1), date(2025, 12, 31)),
        ("2019", date(2019, 1, 1), date(2019, 12, 31)),
        ("July 2025", date(2025, 7, 1), date(2025, 7, 31)),
        ("March 5, 2026", date(2026, 3, 5), date(2026, 3, 5)),
        ("5 de marzo", date(2026, 3, 5), date(2026, 3, 5)),
        ("early April", date(2026, 4, 1), date(2026, 4, 10)),
        ("the end of March", date(2026, 3, 21), date(2026, 3, 31)),
        ("the end of the month", date(2026, 3, 21), date(2026, 3, 31)),
        ("early 2027", date(2027, 1, 1), date(2027, 4, 30)),
        ("the second half of 2027", date(2027, 7, 1), date(2027, 12, 31)),
        ("last autumn", date(2025, 9, 1), date(2025, 11, 30)),
        ("the 1990s", date(1990, 1, 1), date(1999, 12, 31)),
    ],
)
def test_relative_and_absolute_expressions(expression, first, last):
    assert resolve_date(expression, WEDNESDAY) == (first, last)


def test_earlier_this_month_on_the_first_is_nothing():
    assert resolve_date("earlier this month", datetime(2026, 3, 1, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    "expression",
    [
        "for three days",
        "24 hours",
        "almost two years",
        "eight months",
        "a week",
        "the last three years",
        "52-year-old",
        "30-day",
        "every night",
        "annual",
        "the year to January",
        "2:27 p.m.",
        "the day",
        "that night",
        "the spring",
    ],
)
def test_non_dates_resolve_to_nothing(expression):
    assert resolve_date(expression, WEDNESDAY) is None


def test_durations_and_ages_in_a_text_give_no_dates(dates_in):
    text = (
        "A 52-year-old man was held for three days, 24 hours after the fire, in a plant that "
        "has run around the clock for almost two years and holds an annual inspection."
    )
    assert dates_in(text) == []


@pytest.mark.slow
def test_mentions_carry_their_offsets_and_precision():
    text = "The talks, held last week, resume on Thursday and end in April."
    mentions = find_dates(text, WEDNESDAY)
    assert [(text[m.start : m.end], m.precision) for m in mentions] == [
        ("last week", "week"),
        ("Thursday", "day"),
        ("April", "month"),
    ]


def test_the_publication_day_is_the_utc_calendar_day():
    late_evening_in_new_york = datetime(2026, 3, 4, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    assert publication_day(late_evening_in_new_york) == date(2026, 3, 5)
    assert resolve_date("today", late_evening_in_new_york) == (date(2026, 3, 5),) * 2
    assert publication_day(datetime(2026, 3, 4, 23, 30)) == date(2026, 3, 4)


@pytest.mark.slow
def test_a_doc_of_another_text_is_refused():
    (doc,) = parse(["Talks were held on Thursday."])
    with pytest.raises(ValueError, match="different text"):
        find_dates("Talks will be held on Friday.", WEDNESDAY, doc)
