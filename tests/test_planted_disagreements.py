"""The planted-disagreement benchmark's builder and scorer (bench/planted_disagreements.py), on
events written here: no eval data needed."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsweave.analysis.nlp import parse

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
import planted_plant as planted
import planted_read as reading
import planted_score as scoring

FIRST = (
    "Nine people were killed when a fire swept through a chemical plant in Leeds on Monday, "
    "officials said. “We are devastated by the loss of our colleagues,” said Anna Berg, the "
    "plant's manager. The cause of the fire is not yet known."
)
SECOND = (
    "A fire tore through a chemical plant in Leeds on Monday and killed nine people, the fire "
    "service said. “We are devastated by the loss of our colleagues,” said Anna Berg, the "
    "manager of the plant. Investigators are searching the site."
)
POOLS = planted.Pools(
    values={("place", "city"): ["Bristol"], ("person", "2 words"): ["Maria Lind"]},
    regions={},
    gender={},
)


def plant(first: str = FIRST, second: str = SECOND) -> dict[str, planted.Case]:
    articles = [planted.Article("a1", first), planted.Article("a2", second)]
    mentions = [reading.find_mentions(doc) for doc in parse([first, second])]
    plan = planted.plant_event(
        "test.jsonl", "e1", articles, mentions, POOLS, similarity=lambda a, b: 1.0
    )
    return {case.kind: case for case in plan.cases}


@pytest.fixture(scope="module")
def cases() -> dict[str, planted.Case]:
    return plant()


@pytest.mark.parametrize("kind", reading.KINDS)
def test_each_kind_is_planted_in_one_article_with_its_sentences(cases, kind):
    case = cases[kind]
    original = FIRST if case.article_id == "a1" else SECOND
    other = "a2" if case.article_id == "a1" else "a1"
    assert case.others == (other,)
    assert case.old != case.new
    assert case.text == original.replace(case.before, case.after)
    assert case.after == case.before.replace(case.old, case.new, 1)
    assert case.old.lower() in case.other_sentence.lower()


def test_a_count_becomes_another_count_of_the_same_noun(cases):
    case = cases["count"]
    assert case.key == "9 people"
    new = reading.count_value(case.new)
    assert new is not None and new >= 2 and new != 9
    assert case.new_key == f"{new:g} people"
    assert case.new.islower() == case.old.islower()  # "nine" stays a word in its case


def test_a_weekday_becomes_the_day_before_or_after(cases):
    assert cases["date"].key == "monday"
    assert cases["date"].new in ("Sunday", "Tuesday")


def test_places_and_people_come_from_the_pools(cases):
    assert (cases["place"].old, cases["place"].new) == ("Leeds", "Bristol")
    assert (cases["person"].old, cases["person"].new) == ("Anna Berg", "Maria Lind")
    assert cases["person"].new_key == "lind"


@pytest.mark.slow
def test_a_value_the_edited_article_states_twice_is_not_planted_there():
    twice = FIRST + " The fire began on Monday at dawn."
    case = plant(first=twice).get("date")
    assert case is None or case.article_id == "a2"  # only the article that says it once


@pytest.mark.slow
def test_a_value_no_other_article_states_is_not_planted():
    alone = SECOND.replace("nine people", "a worker").replace("on Monday", "overnight")
    cases = plant(second=alone)
    assert "count" not in cases and "date" not in cases


@pytest.mark.slow
@pytest.mark.parametrize(
    ("sentence", "rule"),
    [
        ("Police found his 2008 black Porsche parked outside the house.", "year"),
        ("The 30-pin connector was dropped from the phone.", "modifier"),
        ("The probe flew seven times closer to the sun than any before it.", "modifier"),
        ("Two people familiar with the matter described the plan to reporters.", "sourcing"),
        ("Paramedics were sent to the 5000 block of Queen Victoria Road.", "name"),
        ("The two men were later released by the police.", "definite"),
    ],
)
def test_counts_that_are_no_disagreement_are_rejected_by_their_rule(sentence, rule):
    [doc] = parse([sentence])
    counts = [m for m in reading.find_mentions(doc) if m.kind == "count"]
    assert counts and counts[0].rejected == rule


@pytest.mark.slow
def test_dates_of_saying_and_plans_are_rejected():
    said, plan = parse(
        [
            "The mayor said on Tuesday that the bridge was safe for traffic.",
            "The council will vote on Tuesday on the new budget for the city.",
        ]
    )
    assert [m.rejected for m in reading.find_mentions(said) if m.kind == "date"] == [
        "not-happening"
    ]
    assert [m.rejected for m in reading.find_mentions(plan) if m.kind == "date"] == ["plan"]


@given(st.integers(min_value=2, max_value=10_000_000), st.integers(0, 1000))
def test_another_count_is_a_different_count_of_two_or_more(value, seed):
    for text in (str(value), f"{value:,}"):
        new = planted.other_count(text, random.Random(seed))
        assert ("," in new) == ("," in text) or value < 1000
        assert reading.count_value(new) not in (None, value)
        assert reading.count_value(new) >= 2


def test_the_halves_are_stable_and_both_used():
    halves = {planted.half_of("summ-allsides.jsonl", f"val-{n}") for n in range(20)}
    assert halves == {"tune", "held-out"}
    assert planted.half_of("x.jsonl", "val-3") == planted.half_of("x.jsonl", "val-3")
    assert planted.half_of(planted.FRESH_FILE, "val-3") == "fresh"
    unseen = {planted.unseen_half(f"{n}_ecb") for n in range(20)}
    assert unseen == {"unseen-tune", "unseen-held-out"}


@pytest.mark.slow
def test_the_unseen_set_plants_in_its_half_under_its_own_ids():
    articles = [planted.Article("a1", FIRST), planted.Article("a2", SECOND)]
    mentions = [reading.find_mentions(doc) for doc in parse([FIRST, SECOND])]
    plan = planted.plant_event(
        "t.jsonl", "e1", articles, mentions, POOLS, lambda a, b: 1.0, 7, "unseen-tune"
    )
    assert plan.cases
    assert all(c.half == "unseen-tune" and c.case_id.startswith("unseen-") for c in plan.cases)


def side(value: str, *article_ids: str) -> SimpleNamespace:
    """What `match` reads of an `analysis.disagreements.Side`."""
    return SimpleNamespace(value=value, article_ids=article_ids)


def disagreement(*sides: SimpleNamespace) -> SimpleNamespace:
    return SimpleNamespace(sides=sides)


CASE = {"kind": "count", "key": "9 people", "new_key": "11 people"}


@pytest.mark.parametrize(
    ("sides", "result"),
    [
        ((side("9", "a1"), side("11", "a2")), "found"),
        ((side("nine", "a1", "a3"), side("11", "a2")), "found"),
        ((side("9", "a2"), side("11", "a1")), "values"),  # the edited article on the old side
        ((side("9", "a1"), side("12", "a2")), "missed"),
    ],
)
def test_a_planted_count_is_found_with_its_values_and_sides(sides, result):
    assert scoring.match(CASE, [disagreement(*sides)], edited_id="a2") == result


def test_dates_compare_as_weekdays_and_days():
    assert scoring.value_forms("date", "2026-03-05") == {"thursday", "march 5"}
    date_case = {"kind": "date", "key": "thursday", "new_key": "friday"}
    found = disagreement(side("2026-03-05", "a1"), side("2026-03-06", "a2"))
    assert scoring.match(date_case, [found], "a2") == "found"
