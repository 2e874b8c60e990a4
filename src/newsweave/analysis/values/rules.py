"""The value readers' rules: their words, tables, patterns and numbers by rule id, and the
probes that say when each fires.

The rules are data in `analysis/rules/*.toml` (`FOLDER`), read by `newsweave.rulebook` (its
docstring gives the schema every rule file shares). Readers ask for a rule's words by id
(`words("count.units")`), loaded once per process. What it means for a rule to fire on an
example sentence is registered here per rule (`probe`, in `values.probes`), and
tests/test_rules.py runs each probe on its rule's examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import cache
from typing import TYPE_CHECKING

from newsweave.analysis.vocabularies import VALUE_RULES as FOLDER
from newsweave.analysis.vocabularies import value_words as words
from newsweave.rulebook import Rule, RuleFileError, compiled, rule_in, rules_in

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["FOLDER", "all_rules", "number", "pattern", "probe", "probes", "rule", "table", "words"]


def all_rules() -> dict[str, Rule]:
    """Every value rule of `FOLDER`'s files, by id."""
    return rules_in(FOLDER)


def rule(rule_id: str) -> Rule:
    return rule_in(FOLDER, rule_id)


@cache
def table(rule_id: str) -> Mapping[str, str]:
    return dict(rule(rule_id).table or {})


def number(rule_id: str) -> float:
    value = rule(rule_id).number
    if value is None:
        raise RuleFileError(f"rule {rule_id!r} holds no number")
    return value


@cache
def pattern(rule_id: str) -> re.Pattern[str]:
    """The rule's patterns as one case-insensitive regular expression."""
    return compiled(rule(rule_id))


Probe = Callable[["Doc"], bool]
_PROBES: dict[str, Probe] = {}


def probe(rule_id: str) -> Callable[[Probe], Probe]:
    """Register the function that says whether a rule fires in a parsed example."""

    def register(function: Probe) -> Probe:
        _PROBES[rule_id] = function
        return function

    return register


def probes() -> dict[str, Probe]:
    """Every registered probe (`analysis.values.probes`), by rule id."""
    from newsweave.analysis.values import probes as _  # noqa: F401 - registers them

    return dict(_PROBES)
