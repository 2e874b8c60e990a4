"""Which sentences earn a place in a brief's "why it matters" and "analysis" sections.

A brief's sections after the lead are kept for what a reader cannot get from the facts alone,
and a section with no such material is left out rather than filled with another fact:

- **why it matters** (`states_stakes`): a sentence in which a report itself (not someone it
  quotes) says what the event weighs (a first, a record, the worst since a year; rule
  `why.significance`), as a fact rather than its own assessment (not "marks a significant
  setback", "is seen as a test": rule `why.judgement`, `weighs_unattributed`), or what it will
  bring (what is expected or at stake, what happens next, rule `why.consequence`; what it
  could cause, `why.could`, unless a reporting verb before the modal makes it what somebody
  said they would do, `why.reported`);
- **analysis** (`reads_the_event`): what somebody who reads events for a living says of it (an
  analyst, an expert, a scholar; rule `analysis.experts`), or an official's judgement of what
  it means (rule `analysis.officials`, and it shows, signals or suggests something, it is
  likely, a sign of, a test; rule `analysis.judgement`), attributed (a reporting verb or an
  "according to", rule `analysis.attributed`, or a quote the analysis found): not the event's
  own actors telling another fact, nor a sentence that merely names an expert ("the fees for
  a Harvard professor were $92,700, the filing says"). Who speaks is the subject of a reporting
  verb of the sentence's main clause, or what follows its "according to", read from the parse
  (`speakers_in`); the experts a sentence merely mentions ("the experts include ...",
  "legislation that critics say ...") do not speak in it.

Neither takes a sentence that leans on the one before it in its report ("The leader also
said ...", "This suggests ..."; rule `sections.leans-back`): alone in a section it dangles.

The words that decide are data, `briefs/rules/sections.toml`, in the format of the analysis'
rule files (`analysis.values.rules`), each rule with examples it must and must not match
(tests/test_rules.py); the file also holds what a pull quote's speaker cannot be (rule
`pull-quote.clause`, read by `briefs.assembly`). They were judged on candidate sentences of the
development events labelled by hand, the last set kept back until the rules were frozen
(`bench/sections_eval.py`; BENCHMARKS.md, issue 24).
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING

from newsweave.analysis.nlp import parse
from newsweave.analysis.quotes import REPORTING_VERBS
from newsweave.briefs.lead import RULES_FOLDER
from newsweave.rulebook import Rule, compiled, rules_of_file

if TYPE_CHECKING:
    from spacy.tokens import Token

__all__ = [
    "leans_back",
    "matches",
    "reads_the_event",
    "section_rules",
    "speakers_in",
    "states_stakes",
    "weighs_unattributed",
]

# someone's words in quotation marks, three words or more: theirs, not the report's own
_QUOTATION = re.compile(r"[\"“][^\"”]*\w+\W+\w+\W+\w+[^\"”]*[\"”]")


@cache
def section_rules() -> dict[str, Rule]:
    """The rules of `RULES_FOLDER`'s sections.toml, by id."""
    return rules_of_file(RULES_FOLDER / "sections.toml")


@cache
def _pattern(rule_id: str) -> re.Pattern[str]:
    return compiled(section_rules()[rule_id])


def matches(rule_id: str, text: str) -> bool:
    """Whether the rule's patterns find anything in `text`."""
    return bool(_pattern(rule_id).search(text))


def leans_back(text: str) -> bool:
    return matches("sections.leans-back", text)


def states_stakes(text: str) -> bool:
    """Whether the sentence says why the event matters: what it weighs or what it will bring,
    as a fact the report states, not its own view of the event (`weighs_unattributed`)."""
    return (
        not leans_back(text)
        and not _QUOTATION.search(text)
        and not weighs_unattributed(text)
        and (
            matches("why.significance", text)
            or matches("why.consequence", text)
            or (matches("why.could", text) and not matches("why.reported", text))
        )
    )


def weighs_unattributed(text: str) -> bool:
    """Whether the sentence weighs the event in its report's own voice ("The refusal marks a
    significant setback ...", rule `why.judgement`) and says nobody's view (no reporting verb,
    rule `analysis.attributed`): an assessment, which no section states as the brief's own."""
    return matches("why.judgement", text) and not matches("analysis.attributed", text)


def reads_the_event(text: str, speaker: str | None = None, *, quoted: bool = False) -> bool:
    """Whether the sentence is a judgement of what the event means, attributed to an analyst,
    an expert or an official. `speaker` is the words the sentence names its speaker by, with
    what follows them ("Priya Raman, an industrial analyst"), when a quote extractor found
    them; else the speakers are read from the parse (`speakers_in`). `quoted`: the sentence
    reports a quote, so it is attributed whatever its verb."""
    if leans_back(text) or not (quoted or matches("analysis.attributed", text)):
        return False
    judgement = matches("analysis.judgement", text)
    official = judgement and matches("analysis.officials", text)
    if not (matches("analysis.experts", text) or official):
        return False  # nobody who could speak for it is named: no parse needed
    who = speaker if speaker is not None else " ; ".join(speakers_in(text))
    return matches("analysis.experts", who) or (judgement and matches("analysis.officials", who))


@cache
def speakers_in(text: str) -> tuple[str, ...]:
    """Who the sentence reports as speaking: the subject of each reporting verb of its main
    clause (`quotes.REPORTING_VERBS`, with the words in apposition to it: "Priya Raman, an
    industrial analyst at Vilk Securities, said ..."), and the words after "according to"."""
    doc = next(parse([text]))
    found = []
    for token in doc:
        if token.lemma_.lower() == "accord" and token.i + 1 < len(doc):
            objects = [c for c in doc[token.i + 1].children if c.dep_ == "pobj"]
            found += [_subtree(o) for o in objects]
        elif _main(token) and token.lemma_.lower() in REPORTING_VERBS:
            subjects = [c for c in token.children if c.dep_ in ("nsubj", "nsubjpass")]
            found += [_subtree(s) for s in subjects if s.dep_ == "nsubj"]
    return tuple(found)


def _main(token: Token) -> bool:
    """A verb of the sentence's main clause: its root, a verb joined to it or set beside it
    ("..., experts said"), not one of a clause inside ("legislation that critics say ...")."""
    while token.dep_ in ("conj", "parataxis") and token.head is not token:
        token = token.head
    return token.pos_ in ("VERB", "AUX") and token.dep_ == "ROOT"


def _subtree(token: Token) -> str:
    """The words a subject or object spans, its relative clauses left out ("critics who ...");
    nothing when it is the name of an organisation or a place, which holds no role ("The
    Observer could not confirm ...": a newspaper is no observer)."""
    clauses = [c for c in token.children if c.dep_ in ("relcl", "acl")]
    skipped = {t.i for c in clauses for t in c.subtree}
    words = [t for t in token.subtree if t.i not in skipped]
    named = [t for t in words if t.is_alpha and not t.is_stop]
    if named and all(t.ent_type_ in _NO_ROLE for t in named):
        return ""
    return " ".join(t.text for t in words)


_NO_ROLE = frozenset({"ORG", "GPE", "FAC", "NORP", "WORK_OF_ART", "PRODUCT"})
