"""The embedded writer: a brief from an event's analysis, without any language model.

It selects, orders and lightly edits the sources' own sentences; it never writes a fact in its
own words. Its material is the analysis stage's output (`EventAnalysis`): claims (one event's
sentences aligned across outlets, with how many independent sources back each), disagreements,
quotes with resolved speakers, and statements (one remark as several outlets render it).

Choosing. Each claim becomes one candidate sentence: of the sentences that state it, the one
that reads best alone (no pronoun or connective it cannot carry with it, early in its article,
not too long). A candidate scores its claim's independent sources plus a bonus for coming early
in an article, where reports put what matters most:

    score = independent sources + POSITION_WEIGHT / (1 + its earliest sentence index)

Of candidates that score alike, the one closer to what the reports say together comes first:
the larger sum of the cosines of its content words with those of each sentence of the event
(the reports' common ground before one outlet's angle), then the earlier report's.

Then, in order: the **lead** is the best candidate among the first two sentences of the articles
that is not a direct quotation ("..., officials said" is fine: leads attribute); **why it matters**
is up to two candidates, not direct quotations, among the first WHY_POSITIONS sentences of the
reports, in which a report says what the event weighs or will bring (`sections.states_stakes`: "the
first time since 1987", "could cost the region 4,000 jobs", "a ruling is expected in the spring";
not the report's own assessment, "marks a significant setback", which the body gives as that
report's view): reports say why a story matters near their top, and such words further down are
mostly details; the **body** is the best of the rest, skipping any that repeats a chosen sentence
in any section (the same claim, the same fact in other words, the same happening, or another
report's sentence that tells a chosen one's fact: `selection.repeats`) or renders again a remark
already quoted, in paragraphs of three: facts and reported statements ("the ministry said ...") in
the order the sources tell them, then direct quotes (when a length is asked for and the distinct
facts run out before it, other renderings of the chosen claims follow, each adding at least
NEW_WORDS content words, and a third of its words, that the brief has not said: one outlet's
"disbanded two councils" after another's "disbanded two councils after chief executives quit in
protest"; such a sentence cites its own report); **where sources differ** states each side of each
stored disagreement in a sentence of its own sources, after saying what the sides give ("Sources
differ on the number of dead: 9 or 11.", for a count, a date, a place or a person; a yes/no one's
sentences say it themselves); **background** is the lead of each earlier event of the storyline,
dated by the report it comes from; **analysis** is up to two sentences in which those who read
events (analysts, experts, scholars) say what it means, or officials judge it
(`selection.is_analysis`: who speaks, not whom the sentence mentions); the **pull quote** is a
direct quote about the event, by a speaker named or given a role, that the brief does not already
carry (`assembly`). A section with no such material is left out.

Editing, and only this: a dateline ("PORT CASIMIR — "), a page's label ("Update: ") and a
leading connective ("But", "However,") are dropped; a quote's speaker given as a pronoun or a
title ("he said", "the minister said") is replaced by the name the quote extractor resolved, but
only when that name is in the sentence before and no other speaker of the article is (else the
sentence is not used); an opening "He", "She", "His" or "Her" is replaced by the person the
analysis found it stands for (`ClaimSentence.referent`: the one person the sentence before
names, as its subject); a person the brief first mentions by surname alone is named in full
there, as the cited articles print the name (`assemble`, for every writer); a sentence that
opens on a pronoun it cannot resolve ("It was ..."), one that opens with a definite
description of an act or a happening the brief has not told of before it in reading order
("The proposal came via ..." with no proposal named, "Because of the tone of the
correspondence, ..." before any letter; `lead.unresolved_description`, the lead's test too)
unless another report's rendering of its claim does not, a piece of a quotation running over several
sentences, a question and a sentence of under MIN_WORDS or over MAX_WORDS words are not used,
nor are the sentences of an article flagged non-English. A sentence that is a fact rather than
somebody's statement is marked `attributed=False`: verification marks it `single_source` (shown
as †) when one source alone is left supporting it. A claim holding a sentence on one side of a
disagreement is left to "where sources differ", never stated as fact. Where outlets render one
remark in different words, the brief quotes one rendering and notes the others: those in
quotation marks as printed ("The Veldra Observer reports the same remark as “…”"), and an outlet
that tells the remark in its own words without marks ("The Harbour Herald reports it in its own
words as ...").

The parts: `material` (what is read, and the source numbers), `selection` (the candidates and
the tests above), `edits` (each sentence's edits), `assembly` (the parts every writer shares,
and the notes and paragraphs of the body); `write_brief` here puts them in order.

Why by hand: no packaged summarizer keeps every sentence tied to the articles that state it, and
this one must, so verification can check each citation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from newsweave.briefs.assembly import assemble, in_paragraphs, variant_notes
from newsweave.briefs.lead import unresolved_description
from newsweave.briefs.material import (
    Material,
    cite,
    headline_text,
    source_list,
    source_numbers,
)
from newsweave.briefs.model import SECTION_KINDS, Brief, BriefSentence, Section
from newsweave.briefs.sections import states_stakes
from newsweave.briefs.selection import (
    Candidate,
    candidates_of,
    content_words,
    elaborations,
    is_analysis,
    lead_among,
    quotes_directly,
    repeats,
    statement_of,
)

__all__ = ["BODY_SENTENCES", "WHY_POSITIONS", "write_brief"]

BODY_SENTENCES = 8
WHY_POSITIONS = 6  # why it matters comes from the first sentences of a report
_OPENING = SECTION_KINDS[:2]  # the lead and why it matters, read before the rest


def write_brief(material: Material, *, max_words: int | None = None) -> Brief:
    """A draft brief (not yet verified) of one event. `max_words` sets its length instead of
    the usual body of BODY_SENTENCES (three for a one-source event): the body takes sentences
    until the prose reaches it, and the result is cut to it (the evaluation sets it to the
    reference's length)."""
    sources = source_list(material)
    number = source_numbers(material, sources)
    one_source = material.event.independent_sources <= 1
    candidates = candidates_of(material.analysis, material.articles)
    texts = {article.article_id: article.text for article in material.articles}
    chosen: list[Candidate] = []
    placed: list[tuple[str, Candidate]] = []  # each chosen candidate with its section
    headline = headline_text(material)
    used_statements: set[int] = set()

    def take(candidate: Candidate, section: str) -> BriefSentence | None:
        """The candidate as a brief sentence of `section`, unless it says again what the brief
        says. An elaboration restates a chosen claim with details of its own, and cites its own
        report; it may report a remark already reported, in its own words, but never quote it
        again."""
        elaboration = section == "elaboration"
        if chosen:
            resolved = _resolved(candidate, _told_before(candidate, section, placed, headline))
            if resolved is None:
                return None  # "The proposal ..." where the brief has told of no proposal
            candidate = resolved
        statement = statement_of(material.analysis, candidate)
        retold = elaboration and candidate.quote is not None and candidate.quote.kind == "indirect"
        if statement is not None and statement in used_statements and not retold:
            return None
        if not elaboration and repeats(candidate, chosen, texts):
            return None
        chosen.append(candidate)
        placed.append((section, candidate))
        if statement is not None:
            used_statements.add(statement)
        cited = (candidate.sentence.article_id,) if elaboration else candidate.claim.article_ids
        return BriefSentence(candidate.text, cite(cited, number), attributed=not candidate.is_fact)

    def take_up_to(limit: int, pool: Sequence[Candidate], section: str) -> list[BriefSentence]:
        taken: list[BriefSentence] = []
        for candidate in pool:
            if len(taken) >= limit:
                break
            sentence = take(candidate, section)
            if sentence:
                taken.append(sentence)
        return taken

    lead = lead_among(candidates)
    lead_sentence = take(lead, "lead") if lead else None
    significant = [
        c
        for c in candidates
        if not quotes_directly(c) and c.position < WHY_POSITIONS and states_stakes(c.text)
    ]
    why = take_up_to(2, significant, "why")
    analysis = take_up_to(
        2,
        sorted(
            (c for c in candidates if c.position > 0 and is_analysis(c)),
            key=lambda c: -c.position,
        ),
        "analysis",
    )
    body: list[tuple[Candidate, BriefSentence]] = []
    limit = 3 if one_source else BODY_SENTENCES
    for candidate in candidates:
        if max_words:  # fill the length asked for
            if _length(chosen) >= max_words:
                break
        elif len(body) >= limit:
            break
        if candidate in chosen:
            continue
        sentence = take(candidate, "body")
        if sentence:
            body.append((candidate, sentence))
    body.sort(key=lambda item: _body_order(item[0]))
    if max_words and _length(chosen) < max_words:  # the distinct facts are told: fill with details
        for candidate in elaborations(candidates, chosen):
            if _length(chosen) >= max_words:
                break
            sentence = take(candidate, "elaboration")
            if sentence:
                body.append((candidate, sentence))
    told = " ".join(sentence.text for _, sentence in body)
    body_sentences = [  # each a sentence, with the notes on its remark's renderings if any
        (sentence, *variant_notes(material.analysis, candidate, number, told))
        for candidate, sentence in body
    ]
    prose = [
        Section("lead", ((lead_sentence,),) if lead_sentence else ()),
        Section("why", (tuple(why),) if why else ()),
        Section("body", in_paragraphs(body_sentences)),
        Section("analysis", (tuple(analysis),) if analysis else ()),
    ]
    return assemble(material, prose, "embedded", max_words=max_words)


def _length(chosen: Sequence[Candidate]) -> int:
    return sum(len(c.text.split()) for c in chosen)


def _body_order(candidate: Candidate) -> tuple[bool, int]:
    """Where a body sentence stands: facts and reported statements in the order the reports
    tell them, then direct quotes."""
    return quotes_directly(candidate), candidate.position


def _told_before(
    candidate: Candidate, section: str, placed: Sequence[tuple[str, Candidate]], headline: str
) -> str:
    """What a reader has read before the candidate, in the brief's reading order: the headline,
    the lead and why it matters; for a body sentence, the body sentences that stand before it
    (`_body_order`); for an elaboration, which follows the body, the whole body and the
    elaborations before it. (Analysis follows the body, but is chosen before it.)"""

    def read_first(kind: str, other: Candidate) -> bool:
        if kind in _OPENING:
            return True
        if section == "elaboration":
            return kind != "analysis"
        return section == kind == "body" and _body_order(other) < _body_order(candidate)

    return " ".join([headline, *(other.text for kind, other in placed if read_first(kind, other))])


def _resolved(candidate: Candidate, told: str) -> Candidate | None:
    """The candidate, or another report's rendering of its claim when it opens on a
    description that nothing `told` names ("The proposal ..."; `lead.unresolved_description`)
    and that one does not; None when every rendering does."""
    if not unresolved_description(candidate.text, told):
        return candidate
    for rendering in candidate.renderings:
        if rendering.text != candidate.text and not unresolved_description(rendering.text, told):
            return replace(
                candidate,
                sentence=rendering.sentence,
                text=rendering.text,
                quote=rendering.quote,
                words=content_words(rendering.text),
            )
    return None
