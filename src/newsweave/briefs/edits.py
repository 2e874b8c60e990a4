"""The embedded writer's edits to a source's sentence, and the sentences it cannot use.

Editing, and only this (`edited`): a dateline ("PORT CASIMIR — "), a page's label ("Update: ")
and a leading connective ("But", "However,") are dropped (`tidied`); a quote's speaker given as
a pronoun or a title ("he said", "the minister said") is replaced by the name the quote
extractor resolved, but only when that name is in the sentence before and no other speaker of
the article is (else the sentence is not used); an opening "He", "She", "His" or "Her" is
replaced by the person the analysis found it stands for (`ClaimSentence.referent`). A sentence
that opens on a pronoun it cannot resolve ("It was ..."), a piece of a quotation running over
several sentences, a question and a sentence of under MIN_WORDS or over MAX_WORDS words are not
used. Across a whole brief, for every writer, a person first mentioned by surname alone is
named in full there, as the cited articles print the name (`named_in_full`). What is dropped and
what is not used are rules of rules/edits.toml (`edit_rules`), each with its examples.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache

from newsweave.analysis.claims import ClaimSentence
from newsweave.analysis.people import POSSESSIVES, PRONOUNS
from newsweave.analysis.quotes import Quote, quoted_stretches
from newsweave.briefs.lead import RULES_FOLDER
from newsweave.briefs.model import BriefSentence, Section
from newsweave.ingest.furniture import without_dateline
from newsweave.rulebook import Rule, RuleFileError, rule_in, rules_of_file

__all__ = [
    "MAX_WORDS",
    "MIN_WORDS",
    "edit_pattern",
    "edit_rules",
    "edited",
    "named_in_full",
    "speaker_offsets",
    "tidied",
]

MIN_WORDS, MAX_WORDS = 6, 55


def edit_rules() -> dict[str, Rule]:
    """The rules of `rules/edits.toml`, by id."""
    return rules_of_file(RULES_FOLDER / "edits.toml")


@cache
def edit_pattern(rule_id: str) -> re.Pattern[str]:
    """An edit rule's patterns as one expression, matched as written (case counts unless the
    pattern says otherwise), at the start of a sentence."""
    try:
        rule = edit_rules()[rule_id]
    except KeyError:
        raise RuleFileError(f"no rule {rule_id!r} in {RULES_FOLDER / 'edits.toml'}") from None
    return re.compile("|".join(rule.patterns))


_KICKER = edit_pattern("edits.kicker")  # a web page's label: "Update: The committee..."
_CONNECTIVE = edit_pattern("edits.connective")
_UNRESOLVED = edit_pattern("edits.unresolved-opening")
_AFTER_NAME = re.compile(r"\b[A-Z][\w.'’-]* $")  # "Mr. ", "Governor " just before a surname
_BEFORE_NAME = re.compile(r" [A-Z]")  # "Vilk Holdings"
# "the Trump administration": a determiner (rules/words.toml), its first letter either case
_DETERMINERS = sorted(rule_in(RULES_FOLDER, "briefs.name-determiners").words)
_DETERMINER = re.compile(
    rf"\b(?:{'|'.join(f'[{w[0].upper()}{w[0]}]{w[1:]}' for w in _DETERMINERS)}) $"
)
_NAMED_PRONOUNS = rule_in(RULES_FOLDER, "briefs.named-pronouns").words  # "he", read as a name
_TITLE = re.compile(r"[Tt]he(?: [a-z][\w-]*)+")  # "the minister", not "The Supreme Court"


def edited(
    sentence: ClaimSentence, quote: Quote | None, quotes: Sequence[Quote], article: str
) -> str | None:
    """The sentence as the brief can use it, or None when it cannot stand alone."""
    text = sentence.text
    if sum(map(text.count, '"“”')) % 2:  # a mixed pair, “…", counts as a pair
        return None  # a piece of a quotation that runs over several sentences
    if text[:1] in '"“' and quote is None:
        return None
    if quote is not None and (at := speaker_offsets(quote, sentence)):
        start, end = at
        mention = text[start:end]
        if mention.lower() in _NAMED_PRONOUNS or _TITLE.fullmatch(mention):
            if not _clear_antecedent(quote, quotes, article, sentence.start):
                return None
            text = text[:start] + _name_as_printed(quote.speaker or "", article) + text[end:]
    if sentence.referent:
        text = _named_opening(text, _name_as_printed(sentence.referent, article))
    text = tidied(text)
    if not (MIN_WORDS <= len(text.split()) <= MAX_WORDS) or _UNRESOLVED.match(text):
        return None
    if not text.rstrip("”\"’' )").endswith((".", "!")):
        return None  # a question, a heading or a truncated sentence
    return text


def _name_as_printed(name: str, article: str) -> str:
    """The speaker's name as the article prints it: the full name when it appears there, else
    the surname (the quote extractor may join a title's words to a name)."""
    return name if name in article else name.split()[-1]


def _named_opening(text: str, name: str) -> str:
    """The sentence with its opening pronoun replaced by the name it stands for ("He is held"
    → "Kyle Rittenhouse is held", "His lawyer" → "Kyle Rittenhouse’s lawyer")."""
    pronoun, space, rest = text.partition(" ")
    if pronoun.lower() in PRONOUNS:
        return name + space + rest
    if pronoun.lower() in POSSESSIVES:
        return f"{name}’s{space}{rest}"
    return text  # the quote's speaker, the same pronoun, was replaced already


def tidied(text: str) -> str:
    """The sentence without a dateline, a page's label or a leading connective."""
    text = _KICKER.sub("", without_dateline(text), count=1)
    stripped = _CONNECTIVE.sub("", text, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped != text else text


def _clear_antecedent(quote: Quote, quotes: Sequence[Quote], article: str, at: int) -> bool:
    """Whether the speaker a pronoun stands for is named in the sentence before it and no other
    speaker of the article is: only then can the name replace the pronoun safely."""
    if not quote.speaker:
        return False
    before = re.split(r"(?<=[.!?])[\"”’]?\s+", article[max(0, at - 400) : at].rstrip())[-1]
    surname = quote.speaker.split()[-1]
    others = {q.speaker.split()[-1] for q in quotes if q.speaker and q.speaker != quote.speaker}
    return surname in before and not any(other in before for other in others - {surname})


def speaker_offsets(quote: Quote, sentence: ClaimSentence) -> tuple[int, int] | None:
    """Where the mention a quote is attributed to lies in the sentence's text; None when it has
    none or it lies outside the sentence."""
    if quote.speaker_span is None:
        return None
    start, end = (offset - sentence.start for offset in quote.speaker_span)
    return (start, end) if 0 <= start < end <= len(sentence.text) else None


def named_in_full(
    sections: Sequence[Section], people: Mapping[int, Mapping[str, str]]
) -> list[Section]:
    """The sections, in reading order, with a person whom a sentence names by surname alone,
    where no sentence before has named them in full, named in full as each of the sentence's
    cited articles prints the name ("Vilk called on ..." → "Bohdan Vilk called on ..."). Words
    in quotation marks stay as printed."""
    named: set[str] = set()  # surname keys already named in full

    def name(sentence: BriefSentence) -> BriefSentence:
        first, *others = [people.get(n, {}) for n in sentence.citations] or [{}]
        text = sentence.text
        for key, full in first.items():
            if key in named or any(other.get(key) != full for other in others):
                continue  # every cited article prints the name, so each still holds the sentence
            if sentence.check == "support" and full not in text:
                text = _with_full_name(text, full)
            if full in text:
                named.add(key)
        return replace(sentence, text=text) if text != sentence.text else sentence

    return [
        Section(section.kind, tuple(tuple(map(name, p)) for p in section.paragraphs))
        for section in sections
    ]


def _with_full_name(text: str, name: str) -> str:
    """The text with its first mention of the surname alone, outside quotation marks, replaced
    by the full name; unchanged when there is none. A surname right after a capitalised word
    ("Mr. Vilk", "Governor Arnfeldt") or before one ("Vilk Holdings") is not alone, and one
    that describes something ("the Trump administration", "an Obama-era rule") is no mention
    of the person; nor is one just after the name's first word ("Kleiner, Perkins")."""
    surname = name.split()[-1]
    quoted = [m.outer for m in quoted_stretches(text)]
    for match in re.finditer(rf"\b{re.escape(surname)}\b", text):
        start, end = match.span()
        if any(a <= start < b for a, b in quoted):
            continue
        if _AFTER_NAME.search(text, 0, start) or _BEFORE_NAME.match(text, end):
            continue
        if _DETERMINER.search(text, 0, start) or text[end : end + 1] == "-":
            continue
        if name.split()[0] in text[max(0, start - len(name) - 3) : start]:
            continue  # "Kleiner, Perkins, Caufield": the name's other words are right there
        return text[:start] + name + text[end:]
    return text
