"""The lead: the tests a lead must pass (`briefs/rules/lead.toml`, whose examples
tests/test_rules.py checks with every other rule file's) and the choice among report openings
(`briefs.lead.choose_lead`, and `selection.lead_among` through the embedded writer on reports
written for the test)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from conftest import reports
from newsweave.briefs.lead import (
    FAULTS,
    choose_lead,
    dangling_reference,
    lead_faults,
    lead_rules,
    unresolved_description,
)
from newsweave.briefs.stage import brief_from_articles


def test_every_fault_the_lead_test_names_is_a_rule_of_the_file():
    assert set(FAULTS) == set(lead_rules())


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Korvania's president turned down an invitation to meet Veldra's leader on Monday.",
        "The Veldra court freed the activist on Tuesday after two years in prison.",
        "Nine people were killed when a fire swept through a chemical plant in Saltmere.",
    ],
)
def test_a_sentence_that_says_what_happened_has_no_fault(text):
    assert lead_faults(text) == ()
    assert dangling_reference(text) is None


@dataclass
class Fake:
    text: str
    score: float = 1.0


@pytest.mark.slow
def test_the_lead_is_the_first_opening_without_a_fault():
    openings = [
        Fake("The decision marks a turning point for the port of Saltmere."),
        Fake("He told reporters the harbour would stay shut."),
        Fake("Saltmere closed its harbour to cruise ships on Monday."),
        Fake("The harbour of Saltmere was shut on Monday."),
    ]
    assert choose_lead(openings) is openings[2]
    assert choose_lead(openings[1:2]) is None, "a dangling reference never leads"


@pytest.mark.slow
def test_a_reaction_more_sources_open_with_than_any_faultless_sentence_stays():
    reaction = Fake("The opposition condemned the harbour closure as reckless.", score=3.0)
    news = Fake("Saltmere closed its harbour to cruise ships on Monday.", score=1.0)
    assert choose_lead([reaction, news]) is reaction
    assert choose_lead([Fake(reaction.text, score=1.0), news]).text == news.text


@pytest.mark.slow
def test_the_writer_leads_with_the_happening_not_the_history_the_reports_open_on(tmp_path):
    """Each report opens on what had been agreed before, then says what happened: the brief
    leads with what happened."""
    history = "Korvania and Veldra had agreed in March to hold talks in Saltmere."
    news = [
        "President Tomas Rellik of Korvania turned down an invitation to the talks on Monday.",
        "On Monday, Korvania's President Tomas Rellik turned down the invitation to the talks.",
        "Tomas Rellik, Korvania's president, turned down an invitation to the talks on Monday.",
    ]
    articles = reports(
        tmp_path,
        *(
            (outlet, f"{history} {sentence} Veldra said it regretted the decision.")
            for outlet, sentence in zip(
                ["Brask Tribune", "Saltmere Courier", "Veldra Observer"], news, strict=True
            )
        ),
    )
    lead = brief_from_articles(articles).section("lead")
    assert lead is not None
    assert lead.paragraphs[0][0].text in news


@pytest.mark.slow
def test_a_definite_description_of_an_act_the_brief_has_not_told_of_dangles():
    told = "Korvania's president rejected a request from Veldra's leader for a meeting in Saltmere."
    assert unresolved_description("The proposal came in a letter sent on Thursday.", told) == (
        "The proposal"
    )
    assert unresolved_description("This development follows a week of talks.", told)
    assert unresolved_description("The proposal, made amid fighting, surprised many.", told)


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "The refusal marks a setback for Veldra.",  # "rejected": its meaning, told before
        "The request came in a letter sent on Thursday.",  # its own word, told before
        "The proposal of the Veldra council came in a letter.",  # says whose
        "The Korvanian leader flew home on Friday.",  # a person, not an act
        "The company said it would close the plant.",  # an actor's noun: the lead's test
        "Fishermen in Saltmere welcomed the decision.",  # no description opens it
    ],
)
def test_a_description_the_brief_resolves_does_not_dangle(text):
    told = "Korvania's president rejected a request from Veldra's leader for a meeting in Saltmere."
    assert unresolved_description(text, told) is None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("text", "points_back"),
    [
        ("The letter, signed by forty mayors, asks the minister to resign.", True),
        ("The shooting happened outside a school in Saltmere on Monday.", True),
        ("The company said on Monday that it would close the plant.", True),
        ("The government's lending program for small businesses is on hold.", False),
        ("The letter the forty mayors signed asks the minister to resign.", False),
        ("The Korvanian government rejected the proposal on Tuesday.", False),
    ],
)
def test_a_lead_and_a_later_sentence_are_read_by_one_test_of_a_pointing_description(
    text, points_back
):
    """A lead is a sentence before which nothing is told: the lead's test of a pointing
    description and the later sentences' test are one."""
    assert (dangling_reference(text) is not None) is points_back
    assert (unresolved_description(text, "") is not None) is points_back
