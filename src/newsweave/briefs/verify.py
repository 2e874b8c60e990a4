"""Verification: every sentence of a brief checked against the articles it cites.

Whichever writer drafted it, a brief goes through `verify_brief` before it is stored or shown:

1. quotes: every stretch in quotation marks must be found word for word in one of the sentence's
   cited articles (`support.verbatim_span`: the kind of quotation mark, letter case and
   whitespace aside); a sentence with a quotation that is not is removed, since a paraphrase
   in quotation marks puts words in someone's mouth;
2. citations: each cited article is checked on its own: a sentence the article prints word for
   word, or with a pronoun, a title or a surname alone replaced by a name the article prints
   ("He is held", "Vilk called" as "Bohdan Vilk called"), is supported by it;
   else the support checker decides, strictly (no content word of the sentence may be one the
   article neither has nor closely matches: a sentence must not add to its sources), and must
   hold the sentence's quotations word for word; a citation whose article does not support the
   sentence is dropped. When none supports it alone but the cited articles together do (one says
   who, another says when), all stay;
3. missing sources: every other article of the same event that supports the sentence on its own
   is added to its citations, and so is every one that states the same fact in its own words
   (`facts.stated_in`: "goes on sale Tuesday" for "goes on sale to the general public
   Tuesday", its numbers and dates agreeing), with that sentence of it as the evidence; a
   sentence holding a quotation is cited only where the quoted words are. Which of the
   event's other articles are looked at is bounded (`LikelySources`): those that print the
   sentence (word for word, or with a name for a pronoun), those with a sentence that
   `facts.stated_in` would take (its score at the search bar or above: none of those is
   passed over), and the CANDIDATES others whose sentences come closest to it by that score.
   The support checker reads each article it is given afresh, so checking every article of
   an event of a few hundred reports for every sentence costs sentences × reports checks;
   this way it costs sentences × CANDIDATES, and each article's sentences are read once;
4. a bare fact (`attributed` False: no "X said" of its own) that one source alone is left
   stating, in an event with several, is marked `single_source` (shown as † after its
   citation, "reported by one source only"): no other source of the event states it in any
   wording. Whether one does is asked with a looser bar than a citation's (`facts.told_in`: a
   paraphrase sharing few words, "her lawyer told reporters she denies the charges" for "her
   lawyer said she would plead not guilty", counts when it matches back to this sentence rather
   than to another of the cited article), and such a source lifts the † without being cited: a
   citation must be right, while a † too many tells a reader that facts several reports agree
   on stand on one. The mark, not words in the sentence, says so: the sentence stays the
   source's own words, and a reader sees at once which facts stand on one report;
5. a sentence left with no supporting citation is removed, or, with `keep_unsupported` (for
   debugging a writer), kept and marked `unsupported`.

Sentences whose `check` is "quotes" (the note listing other outlets' renderings of a remark) are
all quotation: step 1 alone decides them. A `note` (that one, or an outlet's own words for the
remark) goes when the sentence it follows goes. A paragraph of "where sources differ" stays
whole or goes whole: one side left alone states no disagreement, and the paragraph's opening
names every side's value. The pull quote must be verbatim in each article
it cites; citations that do not hold it are dropped, and with none left it is removed.

Afterwards the source list is renumbered: cited sources first, in the order the brief first
cites them, then the event's uncited sources (every report of the event stays listed);
background sources that are no longer cited leave the list. A `Verification` report records what
was done.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cache

from newsweave.analysis.facts import (
    Fact,
    fact_of,
    facts_of,
    load_fact_rules,
    pair_score,
    stated_in,
    told_in,
)
from newsweave.analysis.nli import NliModel
from newsweave.analysis.quotes import quoted_stretches
from newsweave.analysis.support import check_support, verbatim_pattern, verbatim_span
from newsweave.briefs.lead import RULES_FOLDER
from newsweave.briefs.model import (
    Brief,
    BriefSentence,
    Evidence,
    Section,
    SourceEntry,
    Verification,
)
from newsweave.model import Article
from newsweave.rulebook import rule_in

__all__ = ["CANDIDATES", "LikelySources", "named_extract", "quoted_spans", "verify_brief"]

# Of the event's uncited articles, how many a sentence's support is checked against beyond
# those that print it or state it by `facts.stated_in` (measured: BENCHMARKS.md, issue 27,
# sixth session)
CANDIDATES = 8


def quoted_spans(text: str) -> list[str]:
    """The words inside quotation marks in `text`, found as the quote extractor finds them
    (`quotes.quoted_stretches`)."""
    return [text[start:end] for start, end in (m.inner for m in quoted_stretches(text))]


class LikelySources:
    """Which of a brief's sources may state a sentence its citations leave out (step 3 of the
    module doc): the sources to check, not a verdict. Each source's sentences are read
    (`facts.facts_of`) once, when a sentence first asks about it, and kept for the brief."""

    def __init__(
        self, brief: Brief, articles: Mapping[str, Article], limit: int | None = None
    ) -> None:
        self._text = {entry.number: articles[entry.article_id].text for entry in brief.sources}
        self._facts: dict[int, tuple[Fact, ...]] = {}
        self._limit = CANDIDATES if limit is None else limit

    def among(self, text: str, numbers: Sequence[int]) -> frozenset[int]:
        """Those of `numbers` to check for `text`: every one that prints it (word for word, or
        with a name for a pronoun), every one with a sentence at `stated_in`'s bar, and the
        `limit` others whose closest sentence scores highest."""
        bar = load_fact_rules().search_threshold
        fact = fact_of(text)
        closest = {n: self._closest(fact, n) for n in numbers}
        ranked = sorted(numbers, key=lambda n: (-closest[n], n))
        return frozenset(
            n
            for rank, n in enumerate(ranked)
            if rank < self._limit or closest[n] >= bar or _prints(text, self._text[n])
        )

    def _closest(self, fact: Fact, number: int) -> float:
        """The highest `facts.pair_score` of `fact` against a sentence of source `number`."""
        if number not in self._facts:
            self._facts[number] = tuple(other for _, other in facts_of(self._text[number]))
        return max((pair_score(fact, other) for other in self._facts[number]), default=0.0)


def _prints(text: str, article: str) -> bool:
    return verbatim_span(text, article) is not None or named_extract(text, article) is not None


def verify_brief(
    brief: Brief,
    articles: Mapping[str, Article],
    *,
    keep_unsupported: bool = False,
    nli: NliModel | None = None,
) -> Brief:
    """The brief with what its sources do not support removed (see the module doc).
    `articles` holds at least every article its source list names, by id."""
    sources = {entry.number: entry for entry in brief.sources}
    likely = LikelySources(brief, articles)

    @cache
    def supports(text: str, numbers: tuple[int, ...]) -> tuple[Evidence, ...]:
        """Where the cited articles support `text`, best passage per article; () if not."""
        cited = [articles[sources[n].article_id] for n in numbers]
        if not all(verbatim(span, numbers) for span in quoted_spans(text)):
            return ()  # who said those words, in those words, is part of the claim
        if len(cited) == 1:
            found = verbatim_span(text, cited[0].text) or named_extract(text, cited[0].text)
            if found:
                return (_evidence(cited[0], found),)
        result = check_support(text, cited, nli=nli, strict=True)
        if result.verdict != "supported":
            return ()
        best: dict[int, Evidence] = {}  # by the article's position in `cited`
        for span in result.evidence:  # best first
            best.setdefault(span.article, _evidence(cited[span.article], (span.start, span.end)))
        return tuple(best.values())

    def verbatim(span: str, numbers: tuple[int, ...]) -> bool:
        return any(
            verbatim_span(span, articles[sources[n].article_id].text) is not None for n in numbers
        )

    def quoted_evidence(sentence: BriefSentence, spans: list[str]) -> tuple[Evidence, ...]:
        """Where each cited article prints the first of the quoted words it holds."""
        found = []
        for number in sentence.citations:
            article = articles[sources[number].article_id]
            where = (verbatim_span(span, article.text) for span in spans)
            first = next((at for at in where if at is not None), None)
            if first is not None:
                found.append(_evidence(article, first))
        return tuple(found)

    report = {"checked": 0, "citations": 0, "dropped": 0, "added": 0, "quotes": 0, "verbatim": 0}
    removed: list[str] = []

    def check(sentence: BriefSentence, kind: str) -> BriefSentence | None:
        report["checked"] += 1
        spans = quoted_spans(sentence.text)
        report["quotes"] += len(spans)
        good = sum(verbatim(span, sentence.citations) for span in spans)
        report["verbatim"] += good
        fails = good < len(spans) or (sentence.check == "quotes" and not spans)
        if not fails and sentence.check == "support":
            citations, evidence = _checked_citations(sentence, brief, supports, likely, report)
            fails = not citations
            if citations and not spans:
                supported = len(citations)
                citations, evidence = _confirmed(
                    sentence.text, citations, evidence, brief, articles, likely
                )
                report["added"] += len(citations) - supported
            sentence = replace(sentence, citations=citations, evidence=evidence)
            single = (
                len(citations) == 1
                and not sentence.attributed
                and brief.independent_sources > 1
                and not _told_elsewhere(sentence.text, citations[0], brief, articles, likely)
            )
            sentence = replace(sentence, single_source=single)
        elif not fails:
            sentence = replace(sentence, evidence=quoted_evidence(sentence, spans))
        if fails:
            removed.append(sentence.prose)
            return replace(sentence, unsupported=True) if keep_unsupported else None
        return sentence

    def checked(paragraph: tuple[BriefSentence, ...], kind: str) -> tuple[BriefSentence, ...]:
        kept = _checked_paragraph(paragraph, kind, check)
        if kind == "differences" and len(kept) < len(paragraph):
            removed.extend(sentence.prose for sentence in kept)
            return ()
        return kept

    sections = tuple(
        Section(
            section.kind,
            tuple(
                kept
                for paragraph in section.paragraphs
                for kept in [checked(paragraph, section.kind)]
                if kept
            ),
        )
        for section in brief.sections
    )
    pull_quote = brief.pull_quote
    if pull_quote is not None:
        report["quotes"] += 1
        holding = tuple(n for n in pull_quote.citations if verbatim(pull_quote.text, (n,)))
        report["verbatim"] += bool(holding)
        pull_quote = replace(pull_quote, citations=holding) if holding else None
    verification = Verification(
        sentences_checked=report["checked"],
        sentences_kept=report["checked"] - len(removed),
        sentences_removed=tuple(removed),
        citations_checked=report["citations"],
        citations_dropped=report["dropped"],
        citations_added=report["added"],
        quotes_checked=report["quotes"],
        quotes_verbatim=report["verbatim"],
    )
    verified = replace(brief, pull_quote=pull_quote, verification=verification)
    return _renumbered(verified.with_sections(sections))


_NAME_RUN = re.compile(r"\b[A-Z][\w'’-]+(?: [A-Z][\w'’-]+){0,3}")
# what the writer may replace by a name: a pronoun (rules/words.toml) or a title ("the minister")
_PRONOUNS = "|".join(sorted(rule_in(RULES_FOLDER, "briefs.named-pronouns").words))
_POSSESSIVES = "|".join(sorted(rule_in(RULES_FOLDER, "briefs.named-possessives").words))
_MENTION = rf"\b(?:{_PRONOUNS}|the(?: [a-z][\w-]*){{1,3}})"
_POSSESSIVE = re.compile(r"['’]s$")  # "Kyle Rittenhouse’s lawyer", for "His lawyer"


def named_extract(text: str, article: str) -> tuple[int, int] | None:
    """Where `article` prints `text` with a pronoun, a title or a surname alone ("he", "the
    minister", "Vilk") in place of a name the article prints, as (start, end), or None: the
    writer's one edit inside a sentence ("He said" → "Tomas Rellik said", "His lawyer" →
    "Kyle Rittenhouse’s lawyer", "Vilk called" → "Bohdan Vilk called")."""
    for run in _NAME_RUN.finditer(text):
        name = _POSSESSIVE.sub("", run[0])
        if name not in article:
            continue
        surname = re.escape(name.split()[-1])
        if name != run[0]:
            mention = rf"\b(?:{_POSSESSIVES}|{surname}['’]s)\b"
        else:
            mention = rf"(?:{_MENTION}|\b{surname})\b"
        rest = text[run.end() :].rstrip(".")
        before, after = verbatim_pattern(text[: run.start()]), verbatim_pattern(rest)
        pattern = r"\s*".join(p for p in (before, mention, after) if p)
        found = re.search(pattern, article, flags=re.IGNORECASE)
        if found:
            return found.span()
    return None


def _checked_paragraph(paragraph, kind, check) -> tuple[BriefSentence, ...]:
    """The paragraph's sentences that pass `check`; a note (on a remark's renderings) goes
    with the sentence before it when that one is removed."""
    kept: list[BriefSentence] = []
    previous_kept = True
    for sentence in paragraph:
        if sentence.note and not previous_kept:
            continue
        checked = check(sentence, kind)
        previous_kept = checked is not None and not checked.unsupported
        if checked is not None:
            kept.append(checked)
    return tuple(kept)


def _checked_citations(sentence, brief, supports, likely, report):
    """The sentence's citations after steps 2 and 3 (none when it failed), with the evidence
    of each supporting article; of the uncited, those `likely` names are checked."""
    cited = sentence.citations
    report["citations"] += len(cited)
    evidence = {n: supports(sentence.text, (n,)) for n in cited}
    kept = tuple(n for n in cited if evidence[n])
    joint = () if kept or not cited else supports(sentence.text, cited)
    if joint:
        kept = cited
    report["dropped"] += len(cited) - len(kept)
    events = {brief.source(n).event_id for n in cited} or {None}  # uncited: the event's own
    uncited = [e.number for e in brief.sources if e.number not in cited and e.event_id in events]
    for number in sorted(likely.among(sentence.text, uncited)):
        evidence[number] = supports(sentence.text, (number,))
    added = tuple(n for n in evidence if n not in cited and evidence[n])
    report["added"] += len(added)
    found = joint + tuple(span for n in sorted(kept + added) for span in evidence[n])
    return tuple(sorted(kept + added)), found


def _confirmed(
    text: str,
    citations: tuple[int, ...],
    evidence: tuple[Evidence, ...],
    brief: Brief,
    articles: Mapping[str, Article],
    likely: LikelySources,
) -> tuple[tuple[int, ...], tuple[Evidence, ...]]:
    """The citations and evidence with every other article of the cited event(s) that states
    the same fact in its own words added (step 3), each with the sentence that states it; of
    the uncited, those `likely` names are looked at."""
    events = {brief.source(n).event_id for n in citations}
    added: list[int] = []
    found = list(evidence)
    uncited = [
        e.number for e in brief.sources if e.number not in citations and e.event_id in events
    ]
    for number in sorted(likely.among(text, uncited)):
        article = articles[brief.source(number).article_id]
        where = stated_in(text, article.text)
        if where is not None:
            added.append(number)
            found.append(_evidence(article, (where.start, where.end)))
    return tuple(sorted(citations + tuple(added))), tuple(found)


def _told_elsewhere(
    text: str,
    citation: int,
    brief: Brief,
    articles: Mapping[str, Article],
    likely: LikelySources,
) -> bool:
    """Whether another article of the cited event tells the sentence's fact in its own words
    (`facts.told_in`, a looser bar than a citation's): then the sentence is not marked †,
    though that article is not cited for it (step 4). Of a large event, the articles `likely`
    names are asked: those whose closest sentence scores highest by the same score."""
    cited = brief.source(citation)
    own = articles[cited.article_id].text
    others = [
        entry.number
        for entry in brief.sources
        if entry.number != citation and entry.event_id == cited.event_id
    ]
    return any(
        told_in(text, articles[brief.source(number).article_id].text, own) is not None
        for number in sorted(likely.among(text, others))
    )


def _evidence(article: Article, span: tuple[int, int]) -> Evidence:
    start, end = span
    return Evidence(article.article_id, start, end, article.text[start:end])


def _renumbered(brief: Brief) -> Brief:
    order: list[int] = []
    for _, sentence in brief.sentences():
        order += [n for n in sentence.citations if n not in order]
    if brief.pull_quote:
        order += [n for n in brief.pull_quote.citations if n not in order]
    order += [e.number for e in brief.sources if e.event_id is None and e.number not in order]
    new = {old: i for i, old in enumerate(order, start=1)}

    def renumber(numbers: tuple[int, ...]) -> tuple[int, ...]:
        return tuple(sorted(new[n] for n in numbers))

    sources: tuple[SourceEntry, ...] = tuple(
        replace(brief.source(old), number=new[old]) for old in order
    )
    sections = tuple(
        Section(
            section.kind,
            tuple(
                tuple(replace(s, citations=renumber(s.citations)) for s in paragraph)
                for paragraph in section.paragraphs
            ),
        )
        for section in brief.sections
    )
    pull_quote = brief.pull_quote
    if pull_quote is not None:
        pull_quote = replace(pull_quote, citations=renumber(pull_quote.citations))
    return replace(brief, sections=sections, pull_quote=pull_quote, sources=sources)
