"""The same-fact decision: its examples in facts.toml, its value rules, and finding the sentence
of an article that states a fact. MiniLM and spaCy run for real."""

from __future__ import annotations

import tomllib

import pytest

from newsweave.analysis.facts import (
    RULES_FILE,
    fact_of,
    load_fact_rules,
    same_fact,
    same_happening,
    stated_in,
    told_in,
    value_conflict,
)

EXAMPLES = tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))["examples"]


DECISIONS = [
    (same_fact, kind == "same", pair) for kind in ("same", "different") for pair in EXAMPLES[kind]
] + [
    (same_happening, kind == "happening", pair)
    for kind in ("happening", "not_happening")
    for pair in EXAMPLES[kind]
]


@pytest.mark.slow
@pytest.mark.parametrize("decide, one, pair", DECISIONS)
def test_the_decisions_hold_their_examples_both_ways_round(decide, one, pair):
    """same_fact: the same fact in other words is one fact, another fact or a changed value is
    not; same_happening: one happening told twice with details of its own is found, another
    happening with the same verb or actor is not."""
    a, b = pair
    assert decide(a, b) is bool(one) and decide(b, a) is bool(one)


def test_the_rules_say_what_they_are_for_and_hold_examples_both_ways():
    rules = load_fact_rules()
    assert 0 < rules.threshold < 1 and rules.weights["cosine"] > 0 and rules.weights["overlap"] > 0
    assert len(EXAMPLES["same"]) >= 2 and len(EXAMPLES["different"]) >= 2


@pytest.mark.slow
@pytest.mark.parametrize(
    "a, b, clash",
    [
        ("Turnout was 61 per cent in 2019.", "Turnout was 58 per cent in 2019.", True),
        ("The plan costs nearly $500 billion.", "The plan costs $484 billion.", False),
        ("He was jailed in 2004 for fraud.", "He was jailed in 2006 for fraud.", True),
        ("The vote is on Monday.", "The vote is on Thursday.", True),
        ("The vote is on Monday, 3 March.", "The vote is in March.", False),
        ("She may resign in June.", "She will resign in June.", False),
        ("It was his second arrest.", "He spent seven days in jail.", False),  # small numbers
        ("Sales fell 8% in March to $12 billion.", "Sales fell 8% in March.", False),  # a detail
        ("Investors rejected a £14m pay deal.", "59% of investors rejected the $20m pay.", False),
        ("Turnout was 61%.", "Turnout was 58 per cent.", True),  # a share against a share
        ("Yields rose 1.1 per cent.", "Inflation rose to 2.9 per cent.", True),  # small shares
        # a month's day and a digit ordinal are no amounts; a count after them still is
        ("The Senate voted on November 3.", "The Senate voted 52-48.", False),
        ("The board met on Nov. 9.", "The board has three co-chairs.", False),
        ("It marked the 20th anniversary.", "It released a 16-page report.", False),
        ("Nine died on March 3.", "Eleven died on March 3.", True),
    ],
)
def test_numbers_and_dates_must_agree(a, b, clash):
    assert (value_conflict(fact_of(a), fact_of(b)) is not None) is clash


@pytest.mark.slow
def test_the_sentence_of_an_article_that_states_a_fact_is_found_with_its_offsets():
    article = (
        "The publisher announced the memoir last spring. The memoir goes on sale Tuesday. "
        "It is priced at $30. Its author will tour eleven cities."
    )
    found = stated_in("The book goes on sale to the general public on Tuesday.", article)
    assert found is not None and article[found.start : found.end] == found.text
    assert found.text.startswith("The memoir goes on sale Tuesday")
    assert stated_in("The author will tour four cities.", article) is None


@pytest.mark.slow
def test_another_source_telling_a_fact_in_few_shared_words_lifts_the_dagger_alone():
    """`told_in` (the † alone) finds a paraphrase a citation's bar does not; a sentence of the
    other report that is closer to another sentence of the cited one tells that fact instead."""
    own = (
        "Lena Vass appeared at Saltmere Crown Court on Monday. "
        "Her lawyer said she would plead not guilty. The trial is set for March."
    )
    other = (
        "The former minister was in court on Monday. "
        "Her lawyer told reporters she denies the charges. "
        "Prosecutors said the trial would open in March."
    )
    sentence = "Her lawyer said she would plead not guilty."
    assert stated_in(sentence, other) is None
    found = told_in(sentence, other, own)
    assert found is not None and found.text == "Her lawyer told reporters she denies the charges."
    # the same sentence of the other report, but the cited one tells that denial itself
    own_with_denial = own + " Her lawyer told reporters she denies the charges."
    assert told_in(sentence, other, own_with_denial) is None
