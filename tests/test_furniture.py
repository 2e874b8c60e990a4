"""The page-furniture detector (ingest.furniture): how it reads a sentence in its paragraph and
its rule file; every example of every rule is tested by tests/test_rules.py."""

from __future__ import annotations

import re
import tomllib

import pytest

from newsweave.ingest.furniture import (
    CHROME,
    FILE,
    FOLDER,
    furniture_at,
    furniture_kind,
    furniture_rule,
    furniture_rule_of,
    load_rules,
    without_dateline,
)
from newsweave.rulebook import Rule

RULES = load_rules()


def test_the_furniture_rules_are_those_of_their_file_in_order() -> None:
    with (FOLDER / FILE).open("rb") as file:
        assert [entry["id"] for entry in tomllib.load(file)["rule"]] == [r.id for r in RULES]


def test_clean_stage_chrome_is_furniture_without_a_rule_of_its_own() -> None:
    assert furniture_rule("Share this article") is CHROME
    assert furniture_kind("Read more: Ferry strike ends in Saltmere") == "chrome"


def test_a_sentence_of_news_with_furniture_words_is_news() -> None:
    paragraph = (
        "The minister shared a photo of the flooded harbour on Twitter. "
        "Officials said the video would be published on Monday."
    )
    for sentence in re.split(r"(?<=\.) ", paragraph):
        assert furniture_kind(sentence, paragraph=paragraph) is None


def test_a_sentence_is_read_with_the_paragraph_its_offsets_fall_in() -> None:
    text = (
        "Ferries stopped at Saltmere on Monday after the storm.\n\n"
        "The new ferry leaves Saltmere harbour. (ANA VILK/CPA)\n\n"
        "The port will reopen on Friday, the harbour master said."
    )
    caption = text.index("The new ferry")
    first_end = text.index(".") + 1
    assert furniture_at(text, 0, first_end) is None
    assert furniture_at(text, caption, text.index("harbour.") + len("harbour.")) == "caption"
    last = text.index("The port")
    assert furniture_at(text, last, len(text)) is None


def test_blank_text_is_not_furniture() -> None:
    assert furniture_kind("   ") is None


def test_a_broken_rule_names_the_rule_and_its_fault() -> None:
    def rule(**options: object) -> Rule:
        return Rule(
            "furniture.x", "A.", FILE, patterns=("a",), options={"kind": "credit"} | options
        )

    assert furniture_rule_of(rule()).kind == "credit"
    with pytest.raises(ValueError, match="kind 'weather'"):
        furniture_rule_of(rule(kind="weather"))
    with pytest.raises(ValueError, match="does not compile"):
        furniture_rule_of(rule(unless="("))
    with pytest.raises(ValueError, match="unknown field"):
        furniture_rule_of(rule(about="A."))


@pytest.mark.parametrize(
    ("sentence", "news"),
    [
        ("SALTMERE, March 5 (CPA) — The port reopened.", "The port reopened."),
        ("VELDRA (CPA) —The port reopened.", "The port reopened."),  # the dash glued on
        ("PORT CASIMIR—The port reopened.", "The port reopened."),
        ("PORT CASIMIR--After a week, the port reopened.", "After a week, the port reopened."),
        ("SALTMEREThe port reopened on Monday.", "The port reopened on Monday."),  # no mark
        ("SALTMERE, Teskaria (CPA) - The port reopened.", "The port reopened."),
        ("NORTH HAVEN, Vt. (WVLD/WCPA) – Two ferries sailed.", "Two ferries sailed."),
        ("(CPA) - The port reopened.", "The port reopened."),
        ("(CPA) -- After a week, the port reopened.", "After a week, the port reopened."),
        ("Saltmere (CPA) Ferries sailed again.", "Ferries sailed again."),  # mixed case, no dash
        ("(CPA) Ferries sailed again.", "Ferries sailed again."),
        ("North Haven, Vt. (WVLD) The ferry sailed.", "The ferry sailed."),
        ("(CPA Health) - Ferry crews slept less.", "Ferry crews slept less."),
        ("MONDAY, March 5, 2026 (CPA News) -- Ferry fares rose.", "Ferry fares rose."),
        ("Saltmere, TK - Monday, a judge heard evidence.", "Monday, a judge heard evidence."),
        ("SALTMERE Ferry fares are rising again.", "Ferry fares are rising again."),
        ("PORT CASIMIR Ferries sailed again.", "Ferries sailed again."),
        ("SUMMARY THE HARBOUR Ferries sailed again.", "Ferries sailed again."),
    ],
)
def test_a_dateline_opening_a_sentence_is_dropped_glued_or_not(sentence: str, news: str) -> None:
    assert without_dateline(sentence) == news


@pytest.mark.parametrize(
    "sentence",
    [
        "U.S.-Teskaria talks resumed on Monday.",
        "The CPA–Veldra council met in Saltmere.",
        "CPA Director Ana Vilk said the port would reopen.",
        "NATO said the exercise would go ahead.",
        "The port reopened on Monday.",
        "Senator Ana Vilk (R-Veldra) Thursday called for a vote.",  # a party, not an agency
        "Saltmere Ports (SLP) shares fell on Monday.",  # a ticker, then lower case
        "NATO Secretary General Ana Vilk said the port would reopen.",  # an acronym
        "CPA Director Ana Vilk said the port would reopen.",
        "FERRY STRIKE ENDS IN SALTMERE",  # capitals alone: no sentence after them
        "Vilk, MD, said the port would reopen.",  # a comma and capitals, but no dash
    ],
)
def test_a_sentence_without_a_dateline_is_left_as_it_is(sentence: str) -> None:
    assert without_dateline(sentence) == sentence


def test_a_short_line_among_a_pages_opening_lines_is_read_as_one_of_them() -> None:
    report = (
        "The strike that closed the port of Saltmere for a week ended after the unions and the"
        " port authority agreed on pay."
    )
    opening = f"Ferry strike ends in Saltmere\nPort reopens to ferries.\n{report}\n"
    deck = opening.index("Port reopens")
    assert furniture_at(opening, deck, deck + len("Port reopens to ferries.")) == "heading"
    inside = f"{report}\nPort reopens to ferries.\n"
    later = inside.index("Port reopens")
    assert furniture_at(inside, later, later + len("Port reopens to ferries.")) is None
    assert furniture_kind("Port reopens to ferries.") is None  # where it stands is not known
