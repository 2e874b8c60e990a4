"""Language rules as data, one schema for every rule file of every stage: ingest's page-furniture
detector and cleaning (`ingest/rules/`), the stories' calendar and stop words (`stories/rules/`),
the value readers' (`analysis/rules/`) and the analysis' word lists (`analysis/vocabulary/`),
the writer's (`briefs/rules/`).

Each file holds `[[rule]]` tables. A rule has an `id` ("count.units"), a `purpose` (one
sentence: what it is for), what it holds (`words`, a list; or `table`, a mapping of words to
what they read as; or `patterns`, regular expressions; or a `number`, a threshold), and
examples: `match`, sentences the rule must fire on, and `no_match`, sentences it must not fire
on. An example is a sentence, or `{ sentence = "...", paragraph = "..." }` when the rule reads
the paragraph around it. Fields beyond these are the reader's own (`Rule.options`: a page
furniture rule of `furniture.toml` says there which kind of furniture it catches and where to
look), checked by that reader. What "fire" means is the reader's: `values.probes` registers one
probe per rule of the value readers, and `ingest.furniture` says when a furniture rule holds;
tests/test_rules.py, generated from the files, runs them on every example, and a rule with
fewer than two examples of either kind fails it. Examples are written for the rules, in the
project's own words, never copied from evaluation data; a rule is never made for one sentence.

A module of the shared base, below every stage, so that every reader of rules (the furniture
detector in ingest, the value readers, the writer's sections and lead) loads them one way
without importing a later stage. Each stage keeps its files in its own `rules/` folder and
reads them with `rules_in(folder)`.
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
    "Example",
    "Rule",
    "RuleFileError",
    "compiled",
    "rule_in",
    "rules_in",
    "rules_of_file",
]

_SHARED = {"id", "purpose", "words", "table", "patterns", "number", "match", "no_match"}


@dataclass(frozen=True)
class Example:
    """A sentence a rule is written for, with the paragraph holding it (itself, when alone) and,
    for a rule that reads where the paragraph stands in its article, the article's text before
    the paragraph (None: not given)."""

    sentence: str
    paragraph: str
    before: str | None = None

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


@cache
def rules_in(folder: Path) -> dict[str, Rule]:
    """Every rule of every `*.toml` file in `folder`, by id (a later stage keeps its own rule
    files in this schema in a folder of its own: `ingest/rules/`, `analysis/rules/`,
    `briefs/rules/`)."""
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


def rule_in(folder: Path, rule_id: str) -> Rule:
    """The rule of `folder`'s files with that id; a RuleFileError naming the folder when none."""
    try:
        return rules_in(folder)[rule_id]
    except KeyError:
        raise RuleFileError(f"no rule {rule_id!r} in {folder}") from None


def rules_of_file(path: Path) -> dict[str, Rule]:
    """The rules of one file of a rule folder, by id (read with the whole folder, so an id
    used twice across the folder's files is still refused)."""
    return {key: rule for key, rule in rules_in(path.parent).items() if rule.file == path.name}


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
    if isinstance(item, dict) and {"sentence"} <= set(item) <= {"sentence", "paragraph", "before"}:
        sentence = str(item["sentence"])
        paragraph = str(item.get("paragraph", sentence))
        if sentence not in paragraph:
            raise RuleFileError(f"{file} {rule_id}: {sentence!r} is not in its paragraph")
        before = item.get("before")
        return Example(sentence, paragraph, None if before is None else str(before))
    raise RuleFileError(
        f"{file} {rule_id}: an example is a string or {{sentence, paragraph, before}}"
    )


@cache
def compiled(of: Rule) -> re.Pattern[str]:
    """A rule's patterns as one case-insensitive regular expression, compiled once."""
    return re.compile("|".join(f"(?:{p})" for p in of.patterns), re.IGNORECASE)
