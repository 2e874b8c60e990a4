"""The rules behind the reading of values (src/newsweave/analysis/rules/*.toml), tested from
the files themselves: every rule says what it is for, holds examples that must and must not
match (two of each at least: no rule is made for one sentence), and its probe
(`analysis.values.probes`) fires on each `match` example and on no `no_match` one."""

from __future__ import annotations

import pytest

from conftest import rule_examples
from newsweave.analysis.nlp import load_nlp
from newsweave.analysis.values.rules import all_rules, probes

RULES = sorted(all_rules().values(), key=lambda rule: rule.id)
EXAMPLES = rule_examples(RULES)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


def test_there_are_rules_in_every_file():
    assert {rule.file for rule in RULES} == {
        "counts.toml",
        "dates.toml",
        "grammar.toml",
        "people.toml",
        "places.toml",
        "yes_no.toml",
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_says_what_it_is_for_and_has_examples_both_ways(rule):
    assert rule.purpose.strip().endswith("."), "a purpose is one sentence"
    assert len(rule.match) >= 2, f"{rule.id}: add examples it must match, from several events"
    assert len(rule.no_match) >= 2, f"{rule.id}: add examples it must not match"
    assert rule.words or rule.table or rule.patterns or rule.number or "one" in rule.id, (
        f"{rule.id} holds nothing"
    )


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.id)
def test_each_rule_has_a_probe(rule):
    assert rule.id in probes(), f"register a probe for {rule.id} in analysis/values/probes.py"


def test_every_probe_has_a_rule():
    assert set(probes()) <= {rule.id for rule in RULES}


@pytest.mark.parametrize("rule_id, text, expected", EXAMPLES)
def test_an_example_matches_as_its_rule_says(nlp, rule_id, text, expected):
    assert probes()[rule_id](nlp(text)) is expected, f"{rule_id}: {text!r}"
