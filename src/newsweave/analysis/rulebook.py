"""The analysis's rules as data, one schema for every file of `analysis/rules/*.toml`.

Each file holds `[[rule]]` tables. A rule has an `id` ("count.units"), a `purpose` (one
sentence: what it is for), what it holds (`words`, a list; or `table`, a mapping of words to
what they read as; or `patterns`, regular expressions; or a `number`, a threshold), and
examples: `match`, sentences the rule must fire on, and `no_match`, sentences it must not fire
on. An example is a sentence, or `{ sentence = "...", paragraph = "..." }` when the rule reads
the paragraph around it. Fields beyond these are the reader's own (`Rule.options`: a page
furniture rule of `furniture.toml` says there which kind of furniture it catches and where to
look), checked by that reader. What "fire" means is the reader's: `values.probes` registers one
probe per rule of the value readers, and `analysis.furniture` says when a furniture rule holds;
tests/test_rules.py, generated from the files, runs them on every example, and a rule with
fewer than two examples of either kind fails it. Examples are written for the rules, in the
project's own words, never copied from evaluation data; a rule is never made for one sentence.

The word lists the analysis reads by (negations, modals, reporting verbs, pronouns ...) are rules
of the same schema in `VOCABULARY` (`analysis/vocabulary/*.toml`), read with `vocabulary`: a word
rule there fires on a sentence holding one of its words (or one of its table's words), which is
what tests/test_rules.py checks of each example.

A module of its own, beside the folder, so that every reader of rules (the value readers, the
furniture detector) loads them one way without importing another's package.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

__all__ = [
    "FOLDER",
    "VOCABULARY",
    "Example",
    "Rule",
    "RuleFileError",
    "all_rules",
    "compiled",
    "rule",
    "rules_in",
    "vocabulary",
]

FOLDER = Path(__file__).with_name("rules")
VOCABULARY = Path(__file__).with_name("vocabulary")
_SHARED = {"id", "purpose", "words", "table", "patterns", "number", "match", "no_match"}


@dataclass(frozen=True)
class Example:
    """A sentence a rule is written for, with the paragraph holding it (itself, when alone)."""

    sentence: str
    paragraph: str

    def __str__(self) -> str:
        return self.sentence


@dataclass(frozen=True)
class Rule:
    id: str
    purpose: str
    file: str
    words: frozenset[str] = frozenset()
    table: Mapping[str, str] | None = field(default=None, hash=False)
    patterns: tuple[str, ...] = ()
    number: float | None = None
    match: tuple[Example, ...] = ()
    no_match: tuple[Example, ...] = ()
    options: Mapping[str, Any] | None = field(default=None, hash=False)  # the reader's own fields


class RuleFileError(ValueError):
    """A rule file that cannot be read as rules."""


def all_rules() -> dict[str, Rule]:
    """Every rule of every file in `FOLDER`, by id."""
    return rules_in(FOLDER)


@cache
def rules_in(folder: Path) -> dict[str, Rule]:
    """Every rule of every `*.toml` file in `folder`, by id (a later stage keeps its own rule
    files in this schema: the briefs' `briefs/rules/`)."""
    out: dict[str, Rule] = {}
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            data = tomllib.load(fh)
        for entry in data.get("rule", []):
            if "id" not in entry or "purpose" not in entry:
                raise RuleFileError(f"{path.name}: a rule without an id or a purpose: {entry}")
            if entry["id"] in out:
                raise RuleFileError(f"{path.name}: rule {entry['id']} is defined twice")
            out[entry["id"]] = _rule(entry, path.name)
    return out


def _rule(entry: dict[str, Any], file: str) -> Rule:
    patterns = entry.get("patterns", ())
    return Rule(
        id=entry["id"],
        purpose=" ".join(entry["purpose"].split()),
        file=file,
        words=frozenset(entry.get("words", ())),
        table=entry.get("table"),
        patterns=(patterns,) if isinstance(patterns, str) else tuple(patterns),
        number=entry.get("number"),
        match=tuple(_example(item, file, entry["id"]) for item in entry.get("match", ())),
        no_match=tuple(_example(item, file, entry["id"]) for item in entry.get("no_match", ())),
        options={key: value for key, value in entry.items() if key not in _SHARED},
    )


def _example(item: object, file: str, rule_id: str) -> Example:
    if isinstance(item, str):
        return Example(item, item)
    if isinstance(item, dict) and set(item) == {"sentence", "paragraph"}:
        if item["sentence"] not in item["paragraph"]:
            raise RuleFileError(f"{file} {rule_id}: {item['sentence']!r} is not in its paragraph")
        return Example(item["sentence"], item["paragraph"])
    raise RuleFileError(f"{file} {rule_id}: an example is a string or {{sentence, paragraph}}")


@cache
def compiled(of: Rule) -> re.Pattern[str]:
    """A rule's patterns as one case-insensitive regular expression, compiled once."""
    return re.compile("|".join(f"(?:{p})" for p in of.patterns), re.IGNORECASE)


def rule(rule_id: str) -> Rule:
    try:
        return all_rules()[rule_id]
    except KeyError:
        raise RuleFileError(f"no rule {rule_id!r} in {FOLDER}") from None


def vocabulary(rule_id: str) -> Rule:
    """A word list of `VOCABULARY` by its id."""
    try:
        return rules_in(VOCABULARY)[rule_id]
    except KeyError:
        raise RuleFileError(f"no rule {rule_id!r} in {VOCABULARY}") from None
