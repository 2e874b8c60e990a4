"""The word lists the analysis reads by (negations, modals, reporting verbs, pronouns ...).

They are rules of the schema every rule file shares (`newsweave.rulebook`), kept in
`analysis/vocabulary/*.toml` (`VOCABULARY`) and asked for by id. A word rule there fires on a
sentence holding one of its words (or one of its table's words), which is what
tests/test_rules.py checks of each example. A table may give each word the use it is for, so
that one vocabulary serves readers that take different parts of it (`words_for`: the forms of
saying, one list for the disagreements, the writer's content words and the LLM writer).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from newsweave.rulebook import Rule, rule_in

__all__ = ["VALUE_RULES", "VOCABULARY", "value_words", "vocabulary", "words_for"]

VOCABULARY = Path(__file__).with_name("vocabulary")
VALUE_RULES = Path(__file__).with_name("rules")


def vocabulary(rule_id: str) -> Rule:
    """A word list of `VOCABULARY` by its id."""
    return rule_in(VOCABULARY, rule_id)


def words_for(rule_id: str, *uses: str) -> frozenset[str]:
    """The words of a table rule of `VOCABULARY` whose use (the value the table gives each
    word) is one of `uses`: one vocabulary that several readers take different parts of."""
    table = vocabulary(rule_id).table or {}
    return frozenset(word for word, use in table.items() if use in uses)


@cache
def value_words(rule_id: str) -> frozenset[str]:
    """The words of a value rule of `VALUE_RULES`: `analysis.values.rules.words` for the value
    readers, and here for a module they import and so cannot import back (the people of an
    article read a person's titles: "Chief Executive Claudia Reinholt" is Claudia Reinholt)."""
    return rule_in(VALUE_RULES, rule_id).words
