"""The rules of a brief's "why it matters" and "analysis" sections (briefs/rules/sections.toml),
tested from the file itself: every rule says what it is for and holds examples, at least two
each way, that it must and must not match; and the two decisions built on them."""

from __future__ import annotations

import pytest

from newsweave.briefs.sections import matches, reads_the_event, section_rules, states_stakes

RULES = sorted(section_rules().values(), key=lambda rule: rule.id)
EXAMPLES = [
    pytest.param(rule.id, text, expected, id=f"{rule.id}:{'match' if expected else 'no'}:{n}")
    for rule in RULES
    for expected, texts in ((True, rule.match), (False, rule.no_match))
    for n, text in enumerate(texts)
]


def test_the_file_holds_the_rules_the_sections_read():
    assert {rule.id for rule in RULES} == {
        "why.significance",
        "why.consequence",
        "why.could",
        "why.reported",
        "analysis.judgement",
        "analysis.experts",
        "analysis.officials",
        "analysis.attributed",
        "sections.leans-back",
        "pull-quote.clause",
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_says_what_it_is_for_and_has_examples_both_ways(rule):
    assert rule.purpose.strip().endswith("."), "a purpose is one sentence"
    assert len(rule.match) >= 2 and len(rule.no_match) >= 2, rule.id
    assert rule.patterns, f"{rule.id} holds nothing"


@pytest.mark.parametrize("rule_id, text, expected", EXAMPLES)
def test_an_example_matches_as_its_rule_says(rule_id, text, expected):
    assert matches(rule_id, text) is expected, f"{rule_id}: {text!r}"


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
