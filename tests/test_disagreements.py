"""Disagreements read by meaning (issue 25), on short events written here: dates compared
without publication dates, counts by the noun they count and per happening, places in any
construction and at their own level, the speaker of one remark. The sample corpus's planted
disagreements are tests/test_claims.py's."""

from __future__ import annotations

import json

import pytest

from newsweave.analysis.disagreements import find_disagreements
from newsweave.evaluate.summaries import read_summary_clusters
from newsweave.settings import Settings

pytestmark = pytest.mark.slow  # every test finds disagreements, which parse with spaCy


def event(tmp_path, *texts: str, published_at: str | None = None):
    """One event's articles, one per text, each from its own outlet, undated unless
    `published_at` is given (for all but the first: the first stays undated)."""
    rows = []
    for n, text in enumerate(texts, start=1):
        row = {"id": f"r{n}", "source": f"Outlet {n}", "text": text}
        if published_at and n > 1:
            row["published_at"] = published_at
        rows.append(row)
    path = tmp_path / "event.jsonl"
    line = json.dumps({"id": "event", "articles": rows, "reference": "x"})
    path.write_text(line + "\n", encoding="utf-8")
    (cluster,) = read_summary_clusters(path, Settings())
    return list(cluster.articles)


def sides(disagreement, articles=None) -> dict[str, tuple[str, ...]]:
    """Each side's articles, as "r1", "r2"... in the order the event's texts were given."""
    row = {a.article_id: f"r{n}" for n, a in enumerate(articles or [], start=1)}
    return {
        side.value: tuple(row.get(i, i) for i in side.article_ids) for side in disagreement.sides
    }


def found_of(tmp_path, kind: str, *texts: str) -> list:
    """The disagreements of one kind found among these texts, one article each."""
    return [d for d in find_disagreements(event(tmp_path, *texts)) if d.kind == kind]


def only(found, kind: str):
    (disagreement,) = [d for d in found if d.kind == kind]
    return disagreement


# --- dates ------------------------------------------------------------------------------------


def test_two_weekdays_for_one_happening_differ_without_publication_dates(tmp_path):
    articles = event(
        tmp_path,
        "The harbour authority closed the port of Saltmere on Tuesday after the storm.",
        "The harbour authority closed the port of Saltmere on Thursday after the storm.",
        "The harbour authority shut the port of Saltmere on Tuesday after the storm.",
    )
    date = only(find_disagreements(articles), "date")
    assert sides(date, articles) == {"Tuesday": ("r1", "r3"), "Thursday": ("r2",)}


def test_a_dated_report_is_compared_by_weekday_with_an_undated_one(tmp_path):
    # r2 and r3 are published on Friday 2026-05-08: their "Wednesday" is May 6
    articles = event(
        tmp_path,
        "Korvania's parliament approved the ceasefire deal on Tuesday, officials said.",
        "Korvania's parliament approved the ceasefire deal on Wednesday, officials said.",
        "Korvania's parliament approved the ceasefire agreement on Wednesday.",
        published_at="2026-05-08",
    )
    date = only(find_disagreements(articles), "date")
    assert sides(date, articles) == {"Wednesday": ("r2", "r3"), "Tuesday": ("r1",)}


def test_late_one_day_and_early_the_next_are_one_night(tmp_path):
    found = find_disagreements(
        event(
            tmp_path,
            "A federal judge in Veldra blocked the eviction order late on Tuesday.",
            "A federal judge in Veldra blocked the eviction order early on Wednesday.",
        )
    )
    assert [d for d in found if d.kind == "date"] == []


def test_the_day_of_saying_is_no_day_of_what_happened(tmp_path):
    found = find_disagreements(
        event(
            tmp_path,
            "The port was closed after the storm, the harbour master said on Monday.",
            "The port was closed after the storm, the harbour master said on Tuesday.",
        )
    )
    assert [d for d in found if d.kind == "date"] == []


# --- counts -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second, about, values",
    [
        (
            "Police in Veldra arrested two teenage girls over the carjacking of a delivery driver.",
            "Three teenage girls were charged over the carjacking of a delivery driver in Veldra.",
            "girl",
            ("2", "3"),
        ),
        (  # one owner named two ways: "Moen"'s runs are Halvard Moen's
            "Halvard Moen hit 13 home runs for the Saltmere Gulls this season.",
            "Moen hit 21 home runs for the Saltmere Gulls this season.",
            "run",
            ("13", "21"),
        ),
    ],
    ids=["whatever the verb", "of one owner"],
)
def test_a_count_is_of_its_noun(tmp_path, first, second, about, values):
    articles = event(tmp_path, first, second)
    count = only(find_disagreements(articles), "count")
    assert count.about == about
    assert sides(count, articles) == {values[0]: ("r1",), values[1]: ("r2",)}


def test_one_article_gives_a_toll_for_each_of_two_attacks_and_takes_a_side_on_one(tmp_path):
    articles = event(
        tmp_path,
        "A bomb at the central market in Veldra killed five people on Friday. "
        "Hours later a second bomb at the railway station killed three people.",
        "A bomb at the central market in Veldra killed five people on Friday. "
        "Hours later a second bomb at the railway station killed four people.",
    )
    (toll,) = [d for d in find_disagreements(articles) if d.kind == "count"]
    assert sides(toll, articles) == {"3": ("r1",), "4": ("r2",)}


@pytest.mark.parametrize(
    "first, second",
    [
        (
            "Prosecutors filed two robbery charges against the former mayor of Brask.",
            "Prosecutors filed three charges of contempt against the former mayor of Brask.",
        ),
        (
            "Halvard Moen hit 13 home runs for the Saltmere Gulls this season.",
            "Tomas Brenner hit 21 home runs for the Saltmere Gulls this season.",
        ),
        (
            "Nine people were killed when the ferry sank off Saltmere on Monday.",
            "Twelve people were killed when the ferry sank off Saltmere on Monday. "
            "The death toll rose to twelve on Wednesday as divers found three more bodies.",
        ),
        (
            "The storm destroyed 40 homes in Saltmere on Monday, the harbour council said.",
            "The storm destroyed 55 homes in Saltmere, the harbour council said. "
            "On Monday alone it destroyed 40 homes.",
        ),
    ],
    ids=["two kinds", "two owners", "rising toll", "both figures known"],
)
def test_counts_of_two_things_or_two_moments_are_no_disagreement(tmp_path, first, second):
    assert found_of(tmp_path, "count", first, second) == []


# --- places -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "first, second",
    [
        (
            "A federal judge in Maryland blocked the new travel rules on Tuesday.",
            "A federal judge in Virginia blocked the new travel rules on Tuesday.",
        ),
        (
            "A Maryland judge blocked the new travel rules on Tuesday.",
            "A Virginia judge blocked the new travel rules on Tuesday.",
        ),
    ],
    ids=["after in", "as a modifier"],
)
def test_a_place_attached_to_the_happening_in_any_construction(tmp_path, first, second):
    place = only(find_disagreements(event(tmp_path, first, second)), "place")
    assert set(sides(place)) == {"Maryland", "Virginia"}


RULING = "A federal judge in {} blocked the new travel rules on Tuesday."
REMARK = "“We will rebuild the harbour within a year,” said {}, the harbour master."


@pytest.mark.parametrize(
    "kind, text, first, second",
    [
        ("place", RULING, "Baltimore", "Maryland"),
        ("place", RULING, "New York City", "New York"),
        ("place", RULING, "Fulton County", "Atlanta"),
        ("person", REMARK, "Ilse Varga", "Ilse"),
        ("person", REMARK, "Ilse Varga", "Sgt. Ilse Varga"),
        ("person", REMARK, "Ilse Lindqvist", "Lindquist"),
    ],
    ids=[
        "a city and a state",
        "one name inside the other",
        "a county and a city",
        "first name",
        "title",
        "spelling",
    ],
)
def test_one_place_or_person_named_two_ways_is_no_disagreement(tmp_path, kind, text, first, second):
    assert found_of(tmp_path, kind, text.format(first), text.format(second)) == []


# --- people -----------------------------------------------------------------------------------


def test_the_speaker_of_one_remark_told_two_ways(tmp_path):
    found = find_disagreements(
        event(
            tmp_path,
            "“We will rebuild the harbour within a year,” said Ilse Varga, the harbour master.",
            "“We will rebuild the harbour within a year,” said Tomas Brenner, the harbour master.",
        )
    )
    person = only(found, "person")
    assert set(sides(person)) == {"Ilse Varga", "Tomas Brenner"}


def test_a_report_that_names_both_speakers_gives_alike_remarks_of_two(tmp_path):
    remark = "“We will rebuild the harbour within a year,” said"
    found = found_of(
        tmp_path,
        "person",
        f"{remark} Ilse Varga, the harbour master. Tomas Brenner, her deputy, was there.",
        f"{remark} Tomas Brenner, her deputy. Ilse Varga toured the quays on Monday.",
    )
    assert found == []


def test_two_speakers_named_in_one_sentence_are_no_disagreement(tmp_path):
    found = find_disagreements(
        event(
            tmp_path,
            "“We will rebuild the harbour within a year,” Ilse Varga said, "
            "according to Tomas Brenner.",
            "“We will rebuild the harbour within a year,” Tomas Brenner said.",
        )
    )
    assert [d for d in found if d.kind == "person"] == []


# --- the happening a date tells, additions (issue 25, fifth pass) -----------------------------


def test_a_date_of_a_when_clause_dates_the_main_happening(tmp_path):
    """'were killed when rioters threw a firebomb on Wednesday' dates the killing: another
    outlet's killing on Thursday is a disagreement (a clause after it, another moment, is
    rule `date.together`'s no_match)."""
    killed = "A firebomb attack on a bank in Veldra killed three clerks on Thursday."
    when = (
        "Three clerks were killed when rioters threw a firebomb into a bank in Veldra on Wednesday."
    )
    found = only(found_of(tmp_path, "date", killed, when), "date")
    assert {s.value for s in found.sides} == {"Thursday", "Wednesday"}


def test_two_outlets_additions_of_one_thing_compare_and_an_addition_is_no_total(tmp_path):
    """'lost two more players' and 'lost four more players' differ; 'four more' beside a total
    of four does not, and a toll that rose ('two more workers died') is an update."""
    two = (
        "The Rams lost two more players for the season on Sunday, placing both on injured reserve."
    )
    four = (
        "The Rams lost four more players for the season on Sunday, placing both on injured reserve."
    )
    total = "The Rams have lost four players for the season, placing both on injured reserve."
    found = only(found_of(tmp_path, "count", two, four), "count")
    assert {s.value for s in found.sides} == {"2", "4"}
    assert not found_of(tmp_path, "count", two, total)
    died = "Two more workers died in hospital in Veldra overnight, the ministry said."
    assert not found_of(tmp_path, "count", died, died.replace("Two", "Five"))


# --- possibilities, happenings of another moment, titled names (issue 25, sixth pass) ---------


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # 'could clear the way for the council to approve the levy on Saturday' dates no
        # approval (rule `grammar.modal`): another outlet's approval on Monday is no dispute
        (
            "The Saltmere harbour council approved the new port levy on Monday, officials said.",
            "Harbour officials struck a deal that could clear the way for the Saltmere council "
            "to approve the new port levy on Saturday.",
        ),
        # 'charged on Thursday following the shooting' does not date the shooting (rule
        # `date.sequence`): the shooting on Tuesday is no other day for the charge
        (
            "Deckhand Tomas Brenner shot two crewmen aboard a ferry in Saltmere on Tuesday night.",
            "Deckhand Tomas Brenner was charged on Thursday with murder following the shooting "
            "of two crewmen aboard a ferry in Saltmere.",
        ),
    ],
)
def test_a_possible_day_or_one_of_another_moment_is_no_other_day(tmp_path, first, second):
    assert not found_of(tmp_path, "date", first, second)


def test_a_speaker_named_after_a_title_is_read_whatever_the_small_model_types_the_name(tmp_path):
    """'said Harbour Watch Founder Ilse Varga' is a person (rule `person.titles`), so another
    outlet's other founder for the same remark is a disagreement of who said it."""
    said = "“We will rebuild the harbour within a year,” said Harbour Watch Founder"
    found = found_of(
        tmp_path,
        "person",
        f"{said} Ilse Varga, quoted by the Saltmere Courier.",
        f"{said} Tomas Brenner, quoted by the Saltmere Courier.",
    )
    assert {s.value for s in only(found, "person").sides} == {"Ilse Varga", "Tomas Brenner"}
