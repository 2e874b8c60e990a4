"""Every language rule of ingest (src/newsweave/ingest/rules/furniture.toml), of the analysis
(src/newsweave/analysis/rules/*.toml) and of the briefs
(src/newsweave/briefs/rules/*.toml: sections, lead), tested from the files themselves: every rule
says what it is for, holds examples that must and must not match (two of each at least: no rule
is made for one sentence), and fires on each `match` example and on no `no_match` one. What
"fire" means is its reader's: a value rule's probe (`analysis.values.probes`) on the parsed
example; a page-furniture rule (`ingest.furniture`) holds on the sentence in its paragraph, and
a news example is left alone by the detector as a whole; a section rule by its patterns
(`briefs.sections.matches`); a lead rule when `briefs.lead.lead_faults` names it; an edit rule
(briefs/rules/edits.toml) when its pattern matches the sentence's start. A word list of
src/newsweave/analysis/vocabulary/*.toml fires on a sentence holding one of its words or of its
table's words (needing no parse, so those examples run in the fast loop)."""

from __future__ import annotations

import re

import pytest

from newsweave.analysis.nlp import load_nlp
from newsweave.analysis.values.rules import all_rules, probes
from newsweave.analysis.vocabularies import VOCABULARY
from newsweave.briefs.edits import edit_pattern, edit_rules
from newsweave.briefs.lead import lead_faults, lead_rules
from newsweave.briefs.sections import matches, section_rules
from newsweave.ingest.furniture import FILE as FURNITURE
from newsweave.ingest.furniture import FOLDER as INGEST_RULES
from newsweave.ingest.furniture import furniture_rule, furniture_rule_of
from newsweave.rulebook import Example, Rule, rules_in

VALUE_RULES = sorted(all_rules().values(), key=lambda rule: rule.id)
FURNITURE_RULES = sorted(rules_in(INGEST_RULES).values(), key=lambda rule: rule.id)
RULES = VALUE_RULES + FURNITURE_RULES
SECTION_RULES = sorted(section_rules().values(), key=lambda rule: rule.id)
LEAD_RULES = sorted(lead_rules().values(), key=lambda rule: rule.id)
VOCABULARY_RULES = sorted(rules_in(VOCABULARY).values(), key=lambda rule: rule.id)
EDIT_RULES = sorted(edit_rules().values(), key=lambda rule: rule.id)


def examples_of(rules: list[Rule]) -> list:
    """Each example of each rule, with whether the rule must fire on it, as test parameters."""
    return [
        pytest.param(rule, example, expected, id=f"{rule.id}:{'match' if expected else 'no'}:{n}")
        for rule in rules
        for expected, examples in ((True, rule.match), (False, rule.no_match))
        for n, example in enumerate(examples)
    ]


EXAMPLES = examples_of(RULES + SECTION_RULES + LEAD_RULES)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_there_are_rules_in_every_file():
    assert {rule.file for rule in FURNITURE_RULES} == {"furniture.toml"}
    assert {rule.file for rule in VALUE_RULES} == {
        "counts.toml",
        "dates.toml",
        "grammar.toml",
        "people.toml",
        "places.toml",
        "yes_no.toml",
    }


def test_the_sections_file_holds_the_rules_the_sections_read():
    assert {rule.id for rule in SECTION_RULES} == {
        "why.significance",
        "why.consequence",
        "why.could",
        "why.reported",
        "why.judgement",
        "analysis.judgement",
        "analysis.experts",
        "analysis.officials",
        "analysis.attributed",
        "sections.leans-back",
        "pull-quote.clause",
    }


@pytest.mark.parametrize(
    "rule",
    RULES + SECTION_RULES + LEAD_RULES + VOCABULARY_RULES + EDIT_RULES,
    ids=lambda rule: rule.id,
)
def test_each_rule_says_what_it_is_for_and_has_examples_both_ways(rule):
    assert rule.purpose.strip().endswith("."), "a purpose is one sentence"
    assert len(rule.match) >= 2, f"{rule.id}: add examples it must match, from several events"
    assert len(rule.no_match) >= 2, f"{rule.id}: add examples it must not match"
    assert rule.words or rule.table or rule.patterns or rule.number or "one" in rule.id, (
        f"{rule.id} holds nothing"
    )


@pytest.mark.parametrize("rule", VALUE_RULES, ids=lambda rule: rule.id)
def test_each_value_rule_has_a_probe(rule):
    assert rule.id in probes(), f"register a probe for {rule.id} in analysis/values/probes.py"


def test_every_probe_has_a_rule():
    assert set(probes()) <= {rule.id for rule in VALUE_RULES}


@pytest.mark.parametrize("rule, example, expected", EXAMPLES)
def test_an_example_matches_as_its_rule_says(nlp, rule: Rule, example: Example, expected: bool):
    if rule in SECTION_RULES:
        assert matches(rule.id, example.sentence) is expected, f"{rule.id}: {example}"
        return
    if rule in LEAD_RULES:
        faults = lead_faults(example.sentence)
        assert (rule.id in faults) is expected, f"{rule.id}: {example} {faults}"
        return
    if rule.file != FURNITURE:
        assert probes()[rule.id](nlp(example.sentence)) is expected, f"{rule.id}: {example}"
        return
    found = furniture_rule(example.sentence, paragraph=example.paragraph)
    if expected:
        sentence, paragraph = (" ".join(t.split()) for t in (example.sentence, example.paragraph))
        assert furniture_rule_of(rule).holds(sentence, paragraph), f"{rule.id}: {example}"
        assert found is not None
    else:
        assert found is None, f"{example.sentence!r} caught by {found and found.id}"


def test_the_vocabulary_holds_the_word_lists_the_analysis_reads():
    assert {rule.file for rule in VOCABULARY_RULES} == {
        "dates.toml",
        "people.toml",
        "quotes.toml",
        "words.toml",
    }
    assert not {rule.id for rule in VOCABULARY_RULES} & {rule.id for rule in RULES}


@pytest.mark.parametrize(
    "rule, example, expected",
    examples_of(VOCABULARY_RULES),
)
def test_a_vocabulary_example_holds_one_of_its_words_as_its_rule_says(
    rule: Rule, example: Example, expected: bool
):
    words = set(re.findall(r"[a-z]+(?:'[a-z]+)?", example.sentence.lower()))
    listed = (
        rule.words
        | set(rule.table or {})
        | {word for others in (rule.table or {}).values() for word in others.split()}
    )
    assert bool(words & listed) is expected, f"{rule.id}: {example} {sorted(words & listed)}"


def test_the_edits_file_holds_the_rules_the_writer_edits_by():
    assert {rule.id for rule in EDIT_RULES} == {
        "edits.connective",
        "edits.kicker",
        "edits.unresolved-opening",
    }


@pytest.mark.parametrize(
    "rule, example, expected",
    examples_of(EDIT_RULES),
)
def test_an_edit_example_matches_at_its_start_as_its_rule_says(
    rule: Rule, example: Example, expected: bool
):
    found = edit_pattern(rule.id).match(example.sentence)
    assert (found is not None) is expected, f"{rule.id}: {example}"
