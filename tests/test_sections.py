"""The two decisions built on the rules of a brief's sections (briefs/rules/sections.toml, whose
examples tests/test_rules.py runs): why it matters, and analysis."""

from __future__ import annotations

import pytest

from newsweave.briefs.sections import reads_the_event, speakers_in, states_stakes


@pytest.mark.parametrize(
    "text",
    [
        "The closure is the region's biggest job loss since 2009.",
        "The ruling could force the government to rewrite the law before the election.",
    ],
)
def test_stakes_are_why_it_matters(text):
    assert states_stakes(text)


@pytest.mark.parametrize(
    "text",
    [
        "Firefighters fought the blaze for seven hours.",
        "It could force the government to rewrite the law.",  # leans on the sentence before
    ],
)
def test_other_sentences_are_not(text):
    assert not states_stakes(text)


@pytest.mark.parametrize(
    "text",
    [
        "The refusal marks a significant setback for the harbour master's plan to reopen the port.",
        "The vote is widely seen as a test of the new premier's standing in the north.",
    ],
)
def test_a_reports_own_assessment_is_not_why_it_matters(text):
    """Weighing in the report's own voice is a view, not stakes the report states: the body
    gives it as that report's view."""
    assert not states_stakes(text)
    assert states_stakes(f"{text.removesuffix('.')}, the harbour authority said.")


@pytest.mark.slow
def test_analysis_is_a_judgement_attributed_to_someone_who_reads_events():
    judged = "The rate rise signals a harder line on inflation, said Priya Raman, an analyst."
    assert reads_the_event(judged)
    assert reads_the_event(judged, "Priya Raman, an analyst.")
    # the same judgement from someone not named by a role that reads events
    assert not reads_the_event(judged, "Tomas Berg, who lives nearby")
    # an expert's reported view is analysis; an official's, when it is a judgement
    assert reads_the_event("Rates will rise again in June, economists at Vilk Securities said.")
    assert reads_the_event("The rise signals a harder line, a finance ministry official said.")
    # a judgement that no one is said to hold is the report's own: not attributed analysis
    assert not reads_the_event("The rate rise signals a harder line on inflation.")
    # a fact an official tells is not a judgement
    assert not reads_the_event("The bank raised its rate to 3 per cent, an official said.")
    # leaning on the sentence before: "also"
    assert not reads_the_event(
        "The Korvanian minister also suggested the refusal would signal reluctance to talk."
    )


@pytest.mark.slow
def test_an_expert_a_sentence_names_without_letting_them_speak_is_no_analysis():
    # the speaker is the filing, not the professor it names
    assert not reads_the_event(
        "The fees for Ines Halloran, a professor at Saltmere University, were $9,200, "
        "the filing says."
    )
    assert not reads_the_event("The experts include Ines Halloran, who said the dam was safe.")
    # the expert speaks only in a clause inside the sentence, of something else
    assert not reads_the_event(
        "Shops face pressure to oppose a law that critics say would harm small traders."
    )
    assert reads_the_event(
        "The vote shows how far the party has drifted, said Lena Orsk, a political scientist."
    )
    assert reads_the_event("According to one economist, the rise is likely to be the last.")
    # a newspaper's name is no role
    assert not reads_the_event("The Saltmere Observer said the talks were likely to fail.")


@pytest.mark.slow
def test_the_speakers_are_the_subjects_of_the_main_reporting_verbs():
    assert speakers_in("The talks will fail, Priya Raman, an analyst at Vilk, said.") == (
        "Priya Raman , an analyst at Vilk ,",
    )
    assert speakers_in("According to the port authority, the terminal reopened.") == (
        "the port authority",
    )
    assert speakers_in("The ferry terminal reopened on Monday.") == ()
