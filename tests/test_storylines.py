"""Storyline linking on the sample corpus's gold events, and on small hand-made events."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import GOLD
from newsweave.model import Article, Source
from newsweave.stories.events import event_of
from newsweave.stories.storylines import (
    EventSummary,
    StorylineLinker,
    build_storylines,
    link_storylines,
)


@pytest.fixture(scope="module")
def gold_events(sample_store) -> list[EventSummary]:
    """One summary per gold event (the clusterer is tested elsewhere), in event-id order."""
    by_event = defaultdict(list)
    for article in sample_store.articles:
        by_event[GOLD["articles"][article.url or article.canonical_url]["event"]].append(article)
    summaries = []
    for event_id, members in sorted(by_event.items()):
        members.sort(key=lambda article: article.published_at)
        summaries.append(
            EventSummary(
                event_id=event_id,
                title=members[0].title,
                first_seen=members[0].published_at,
                last_seen=members[-1].published_at,
                reports=tuple((article.title, article.text) for article in members),
            )
        )
    return summaries


def _partition(storyline_of: dict[str, str]) -> set[frozenset[str]]:
    members = defaultdict(set)
    for event_id, storyline_id in storyline_of.items():
        members[storyline_id].add(event_id)
    return {frozenset(events) for events in members.values()}


def test_sample_storylines_are_the_gold_storylines(gold_events):
    expected = {frozenset(s["events"]) for s in GOLD["storylines"].values()}
    assert _partition(link_storylines(gold_events)) == expected


def test_confusable_events_stay_apart(gold_events):
    storyline_of = link_storylines(gold_events)
    gold_storyline = {e: s for s, info in GOLD["storylines"].items() for e in info["events"]}
    pairs = 0
    for group in GOLD["confusable_events"]:
        for a in group:
            for b in group:
                if a < b and (a not in gold_storyline or gold_storyline[a] != gold_storyline[b]):
                    pairs += 1
                    assert a not in storyline_of or storyline_of.get(b) != storyline_of[a]
    assert pairs == 2  # the two earthquakes, the two rate rises


@settings(max_examples=15, deadline=None)
@given(order=st.randoms(use_true_random=False))
def test_storyline_ids_ignore_input_order(gold_events, order):
    shuffled = list(gold_events)
    order.shuffle(shuffled)
    assert link_storylines(shuffled) == link_storylines(gold_events)


def test_a_storyline_keeps_its_id_as_it_grows(gold_events):
    full = link_storylines(gold_events)
    before_the_refusal = link_storylines([e for e in gold_events if e.event_id != "E03"])
    assert before_the_refusal["E01"] == before_the_refusal["E02"] == full["E01"] == full["E03"]
    assert full["E04"] != full["E01"]


def test_a_linker_told_of_the_one_new_event_links_as_one_that_scores_every_pair(gold_events):
    linker = StorylineLinker()
    linker.link([e for e in gold_events if e.event_id != "E03"])
    loaded = StorylineLinker.load(linker.save())
    assert loaded.link(gold_events, changed={"E03"}) == link_storylines(gold_events)


def trial_months_later(gold_events: list[EventSummary]) -> list[EventSummary]:
    """The gold events with the court hearing (E06) moved 240 days on."""
    return [
        dataclasses.replace(
            e,
            first_seen=e.first_seen + timedelta(days=240),
            last_seen=e.last_seen + timedelta(days=240),
        )
        if e.event_id == "E06"
        else e
        for e in gold_events
    ]


def test_a_link_stands_until_one_of_its_events_changes(gold_events):
    linker = StorylineLinker()
    linked = linker.link(gold_events)
    assert linked["E05"] == linked["E06"]
    months_later = trial_months_later(gold_events)
    assert linker.link(months_later, changed={"E01"}) == linked  # E06 has not changed
    assert "E06" not in linker.link(months_later, changed={"E06"})


@pytest.mark.parametrize("data", [b"", b"no linker", StorylineLinker().save()[:50]])
def test_loading_what_is_not_a_saved_linker_is_a_value_error(data):
    with pytest.raises(ValueError, match="not a saved storyline linker"):
        StorylineLinker.load(data)


def test_timeline_lists_events_in_date_order(gold_events):
    storyline_of = link_storylines(gold_events)
    storylines = {s.timeline[0].event_id: s for s in build_storylines(gold_events, storyline_of)}
    assert set(storylines) == {"E01", "E04"}
    fire = storylines["E04"]
    assert [entry.event_id for entry in fire.timeline] == ["E04", "E05", "E06"]
    assert fire.storyline_id == storyline_of["E04"]
    by_id = {event.event_id: event for event in gold_events}
    assert fire.title == by_id["E04"].title
    for entry in fire.timeline:
        assert (entry.date, entry.title) == (
            by_id[entry.event_id].first_seen,
            by_id[entry.event_id].title,
        )


def test_a_follow_up_months_later_needs_more_than_the_same_names(gold_events):
    late = trial_months_later(gold_events)
    storyline_of = link_storylines(late)
    assert "E06" not in storyline_of
    assert storyline_of["E04"] == storyline_of["E05"]


DAY = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _event(event_id: str, day: int, *reports: str) -> EventSummary:
    when = DAY + timedelta(days=day)
    return EventSummary(event_id, reports[0], when, when, tuple((r, r) for r in reports))


# Six unrelated Estravian stories, so the country is a common name in this small corpus.
BACKGROUND = [
    _event("b1", 0, "Estravia opens a new rail line to the coast at Lindqvist."),
    _event("b2", 1, "Estravia wins the regional song contest in Orbeck."),
    _event("b3", 2, "Estravia raises its fuel duty, says Finance Minister Sollen Harrow."),
    _event("b4", 3, "Estravia hosts the Tamsin literary festival for a third year."),
    _event("b5", 4, "Floods close roads across Estravia as the Mirel river rises."),
    _event("b6", 5, "Estravia and Quelland sign a fishing accord in Varde."),
]


def test_a_shared_country_alone_does_not_link():
    events = [
        *BACKGROUND,
        _event("x1", 6, "Estravia reports record wheat harvest, farmers in Kolby say."),
        _event("x2", 7, "Estravia posts a trade surplus as exports of timber from Rask grow."),
    ]
    assert link_storylines(events) == {}


def test_a_shared_specific_name_links():
    events = [
        *BACKGROUND,
        _event("x1", 6, "Fire at Brennick Polymers plant in Estravia kills nine."),
        _event("x2", 9, "Brennick Polymers director arrested over deadly Estravia fire."),
    ]
    storyline_of = link_storylines(events)
    assert set(storyline_of) == {"x1", "x2"}
    assert storyline_of["x1"] == storyline_of["x2"]


def test_nothing_to_link():
    assert link_storylines([]) == {}
    assert link_storylines(BACKGROUND[:1]) == {}
    assert build_storylines(BACKGROUND, {}) == []


def test_an_event_is_titled_after_a_report_that_has_a_title() -> None:
    def report(article_id: str, title: str) -> Article:
        text = "The port of Saltmere reopened on Monday after a week of repairs."
        return Article(article_id, article_id, Source(name=article_id), title, text, text)

    # the first report is nothing but page furniture, so ingest derived it no title
    event = event_of("e1", [report("a1", ""), report("a2", "Saltmere port reopens")], {})
    assert event.title == "Saltmere port reopens"
