"""The rules behind the reading of values, as data: `analysis/rules/*.toml`.

Each file holds `[[rule]]` tables. A rule has an `id` ("count.units"), a `purpose` (one
sentence: what it is for), what it holds (`words`, a list; or `table`, a mapping of words to
what they read as; or `patterns`, regular expressions), and examples: `match`, sentences the
rule must fire on, and `no_match`, sentences it must not fire on. What "fire" means for a rule
is the reader's (a rule may hold a `number` instead, a threshold): `values.probes` registers
one probe per rule (`probe`), which tests/test_rules.py runs on every example; a rule without
a probe, or with fewer than two examples of either kind, fails that test. Examples are written
for the rules, in the project's own words, never copied from evaluation data; a rule is never
made for one sentence.

Readers ask for a rule's words by id (`words("count.units")`), loaded once per process.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "Rule",
    "all_rules",
    "number",
    "pattern",
    "probe",
    "probes",
    "read_rules",
    "rule",
    "table",
    "words",
]

FOLDER = Path(__file__).parents[1] / "rules"


@dataclass(frozen=True)
class Rule:
    id: str
    purpose: str
    file: str
    words: frozenset[str] = frozenset()
    table: Mapping[str, str] | None = None
    patterns: tuple[str, ...] = ()
    number: float | None = None
    match: tuple[str, ...] = ()
    no_match: tuple[str, ...] = ()


class RuleFileError(ValueError):
    """A rule file that cannot be read as rules."""


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule of every file in `FOLDER`, by id."""
    return read_rules(FOLDER)


@cache
def read_rules(folder: Path) -> dict[str, Rule]:
    """Every rule of every `*.toml` file in `folder`, by id (another stage's rules, kept in
    the same form beside the step that reads them, load through this too)."""
    out: dict[str, Rule] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for entry in data.get("rule", []):
            if "id" not in entry or "purpose" not in entry:
                raise RuleFileError(f"{path.name}: a rule without an id or a purpose: {entry}")
            if entry["id"] in out:
                raise RuleFileError(f"{path.name}: rule {entry['id']} is defined twice")
            out[entry["id"]] = Rule(
                id=entry["id"],
                purpose=entry["purpose"],
                file=path.name,
                words=frozenset(entry.get("words", ())),
                table=entry.get("table"),
                patterns=tuple(entry.get("patterns", ())),
                number=entry.get("number"),
                match=tuple(entry.get("match", ())),
                no_match=tuple(entry.get("no_match", ())),
            )
    return out


def rule(rule_id: str) -> Rule:
    try:
        return all_rules()[rule_id]
    except KeyError:
        raise RuleFileError(f"no rule {rule_id!r} in {FOLDER}") from None


@cache
def words(rule_id: str) -> frozenset[str]:
    return rule(rule_id).words


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
    return re.compile("|".join(f"(?:{p})" for p in rule(rule_id).patterns), re.IGNORECASE)


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
