"""Which sentences earn a place in a brief's "why it matters" and "analysis" sections.

A brief's sections after the lead are kept for what a reader cannot get from the facts alone,
and a section with no such material is left out rather than filled with another fact:

- **why it matters** (`states_stakes`): a sentence in which a report itself (not someone it
  quotes) says what the event
  weighs (a first, a record, the worst since a year, a setback; rule `why.significance`) or what
  it will bring (what it could cause, what is at stake, what happens next; rule
  `why.consequence`);
- **analysis** (`reads_the_event`): somebody's judgement of what the event means (it shows,
  signals or suggests something, it is likely, a sign of, a test; rule `analysis.judgement`),
  attributed (a reporting verb or an "according to", rule `analysis.attributed`, or a quote the
  analysis found) to somebody who reads events for a living or by office (an analyst, an expert,
  a scholar, an official by role; rule `analysis.judges`): not the event's own actors telling
  another fact.

Neither takes a sentence that leans on the one before it in its report ("The leader also
said ...", "This suggests ..."; rule `sections.leans-back`): alone in a section it dangles.

The words that decide are data, `briefs/rules/sections.toml`, in the format of the analysis'
rule files (`analysis.values.rules`), each rule with examples it must and must not match
(tests/test_sections.py). They were judged on a labelled set of candidate sentences from the
development events, half of it kept back (BENCHMARKS.md, issue 24).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from newsweave.analysis.values.rules import Rule, compiled, rules_in

__all__ = [
    "RULES_FOLDER",
    "leans_back",
    "matches",
    "reads_the_event",
    "section_rules",
    "states_stakes",
]

RULES_FOLDER = Path(__file__).with_name("rules")
# someone's words in quotation marks, three words or more: theirs, not the report's own
_QUOTATION = re.compile(r"[\"“][^\"”]*\w+\W+\w+\W+\w+[^\"”]*[\"”]")


@cache
def section_rules() -> dict[str, Rule]:
    """The rules of `RULES_FOLDER`, by id."""
    return rules_in(RULES_FOLDER)


@cache
def _pattern(rule_id: str) -> re.Pattern[str]:
    return compiled(section_rules()[rule_id])


def matches(rule_id: str, text: str) -> bool:
    """Whether the rule's patterns find anything in `text`."""
    return bool(_pattern(rule_id).search(text))


def leans_back(text: str) -> bool:
    return matches("sections.leans-back", text)


def states_stakes(text: str) -> bool:
    """Whether the sentence says why the event matters: what it weighs or what it will bring."""
    return (
        not leans_back(text)
        and not _QUOTATION.search(text)
        and (matches("why.significance", text) or matches("why.consequence", text))
    )


def reads_the_event(text: str, speaker: str | None = None, *, quoted: bool = False) -> bool:
    """Whether the sentence is a judgement of what the event means, attributed to an analyst,
    an expert or an official. `speaker` is the words the sentence names its speaker by, with
    what follows them ("Priya Raman, an industrial analyst"), when a quote extractor found
    them; else the whole sentence is read for who speaks. `quoted`: the sentence reports a
    quote, so it is attributed whatever its verb."""
    if leans_back(text) or not matches("analysis.judgement", text):
        return False
    if not (quoted or matches("analysis.attributed", text)):
        return False
    return matches("analysis.judges", speaker if speaker is not None else text)
