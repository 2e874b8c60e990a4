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
that is not a direct quotation ("..., officials said" is fine: leads attribute); **why it
matters** is up to two candidates among the first WHY_POSITIONS sentences of the reports that
carry significance words ("first", though not "the first half", "largest", "since 2019",
"could lead to", "threatens"):
reports say why a story matters near their top, and such a word further down is mostly a
detail ("the first time the club..."); the **body** is the best of the rest, skipping any that
repeats a chosen sentence (content-word Jaccard at or above REPEAT, or MiniLM cosine at or above
SAME_MEANING) or renders again a remark already quoted, in paragraphs of three: facts and
reported statements ("the ministry said ...") in the order the sources tell them, then direct
quotes (when a length is asked for and the distinct facts run out before it, other renderings
of the chosen claims follow, each adding at least NEW_WORDS content words, and a third of its
words, that the brief has not said: one outlet's "disbanded two councils" after another's
"disbanded two councils after chief executives quit in protest"; such a sentence cites its own
report); **where sources differ** states each side of each
stored disagreement in a sentence of its own sources, after saying what the sides give ("Sources
differ on the number of dead: 9 or 11.", for a count, a date, a place or a person; a yes/no
one's sentences say it themselves); **background** is the lead of each earlier
event of the storyline, dated by the report it comes from; **analysis** is up to two sentences
in which analysts, experts or critics read the event (they are who speaks, not whom the sentence
mentions) or that weigh what is likely; the **pull quote** is the direct quote,
with a known speaker and of readable length, that the most outlets carry.

Editing, and only this: a dateline ("PORT CASIMIR — "), a page's label ("Update: ") and a
leading connective ("But", "However,") are dropped; a quote's speaker given as a pronoun or a
title ("he said", "the minister said") is replaced by the name the quote extractor resolved, but
only when that name is in the sentence before and no other speaker of the article is (else the
sentence is not used); an opening "He", "She", "His" or "Her" is replaced by the person the
analysis found it stands for (`ClaimSentence.referent`: the one person the sentence before
names, as its subject); a person the brief first mentions by surname alone is named in full
there, as the cited articles print the name (`assemble`, for every writer); a sentence that
opens on a pronoun it cannot resolve ("It was ..."), a piece of a quotation running over several
sentences, a question and a sentence of under MIN_WORDS or over MAX_WORDS words are not used,
nor are the sentences of an article flagged non-English. A sentence that is a fact rather than
somebody's statement is marked `attributed=False`: verification marks it `single_source` (shown
as †) when one source alone is left supporting it. A claim holding a sentence on one side of a
disagreement is left to "where sources differ", never stated as fact. Where outlets render one
remark in different words, the brief quotes one rendering and notes the others: those in
quotation marks as printed ("The Veldra Observer reports the same remark as “…”"), and an outlet
that tells the remark in its own words without marks ("The Harbour Herald reports it in its own
words as ...").

Why by hand: no packaged summarizer keeps every sentence tied to the articles that state it, and
this one must, so verification can check each citation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from newsweave.analysis.claims import Claim, ClaimSentence
from newsweave.analysis.disagreements import Disagreement
from newsweave.analysis.model import EventAnalysis
from newsweave.analysis.nlp import minilm
from newsweave.analysis.people import POSSESSIVES, PRONOUNS
from newsweave.analysis.quotes import Quote, quoted_stretches
from newsweave.analysis.statements import wordings_agree
from newsweave.analysis.words import jaccard
from newsweave.briefs.model import (
    SECTION_KINDS,
    Brief,
    BriefSentence,
    PullQuote,
    Section,
    SourceEntry,
)
from newsweave.model import Article, Event, publication_order

__all__ = [
    "Background",
    "Material",
    "assemble",
    "lead_of",
    "source_list",
    "trim",
    "write_brief",
]

POSITION_WEIGHT = 2.0
REPEAT = 0.45
SAME_MEANING = 0.8  # MiniLM cosine from which two sentences say one thing
BODY_SENTENCES = 8
WHY_POSITIONS = 4  # why it matters comes from the first sentences of a report
PARAGRAPH = 3
MIN_WORDS, MAX_WORDS = 6, 55
QUOTE_WORDS = (6, 40)
TERM_WORDS = 6
NEW_WORDS = 5  # content words an elaboration adds, at the least
# What a disputed count counts, as "where sources differ" names it; other counts are "a figure".
DISPUTED_COUNTS = {
    "dead": "the number of dead",
    "injured": "the number injured",
    "missing": "the number missing",
    "attacker dead": "the number of attackers dead",
}

_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’ -]{1,40}(?:,\s*[A-Z][A-Za-z.]+(?:\s+\d{1,2})?)?"  # SALTMERE, March 5
    r"(?:\s*\([A-Z][A-Za-z]{1,15}\))?\s*[—–-]{1,2}\s+"  # (CPA) —, (Reuters) -
    r"|\([A-Z]{2,8}\)\s*[—–-]\s*)"  # (CPA) -
)
_KICKER = re.compile(  # a label a web page puts before its opening: "Update: The committee..."
    r"^(?:update[ds]?|breaking(?: news)?|exclusive)\s*[:—–-]\s+(?=(?-i:[A-Z]))",
    re.IGNORECASE,
)
_CONNECTIVE = re.compile(r"^(?:But|And|However|Meanwhile|Still|Yet|Also|So|Instead),?\s+")
_UNRESOLVED = re.compile(r"^(?:He|She|They|It|This|That|These|Those|His|Her|Their|Its)\b")
_SIGNIFICANCE = re.compile(
    # "first", but not a match's or a day's ("in the first half", "on the first day")
    r"\b(?:first(?! (?:half|quarter|period|minute|round|leg|set|innings?|hour|day|week|night)\b)|"
    r"largest|biggest|worst|deadliest|highest|lowest|record|historic|since \d{4}|"
    r"in (?:almost |nearly |more than )?(?:two|three|four|five|ten|\d+) (?:years|decades)|"
    r"could (?:lead|mean|face|cost|see|affect|trigger)|threaten\w*|risk\w*|expected to|means?|"
    r"raises? (?:questions|fears|concerns))\b",
    re.IGNORECASE,
)
# lower case: "The Observer" is a newspaper; a speaker's first word is lowered before matching
_ANALYSTS = re.compile(r"\b(?:analysts?|experts?|observers?|economists?|critics|diplomats?)\b")
_WEIGHING = re.compile(r"\b(?:likely|unlikely|signals?|suggests?|test of)\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_AFTER_NAME = re.compile(r"\b[A-Z][\w.'’-]* $")  # "Mr. ", "Governor " just before a surname
_BEFORE_NAME = re.compile(r" [A-Z]")  # "Vilk Holdings"
_DETERMINER = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Tt]his|[Tt]hat) $")  # "the Trump administration"
_TITLE = re.compile(r"[Tt]he(?: [a-z][\w-]*)+")  # "the minister", not "The Supreme Court"
_STOP = STOP_WORDS | {"said", "says", "told"}


@dataclass(frozen=True)
class Background:
    """An earlier event of the same storyline, as the brief's background reads it."""

    event: Event
    articles: tuple[Article, ...]
    analysis: EventAnalysis
    copy_groups: Mapping[str, str]


@dataclass(frozen=True)
class Material:
    """Everything the writers read for one event."""

    event: Event
    articles: tuple[Article, ...]  # the event's, in event order
    analysis: EventAnalysis
    copy_groups: Mapping[str, str]  # article id -> copy group id
    background: tuple[Background, ...] = ()  # earlier events of the storyline, oldest first

    @property
    def article_by_id(self) -> dict[str, Article]:
        return {a.article_id: a for a in self.articles}


@dataclass(frozen=True)
class _Rendering:
    """A sentence that can state its claim alone, as the brief would print it."""

    sentence: ClaimSentence
    text: str  # the sentence, edited
    index: int  # its index among its article's claim sentences
    quote: Quote | None  # the quote whose cue lies in the sentence, if any


@dataclass(frozen=True)
class _Candidate:
    claim: Claim
    sentence: ClaimSentence  # the sentence chosen to state the claim
    text: str  # that sentence, edited
    position: int  # its claim's earliest sentence index in any article
    words: frozenset[str]
    vector: np.ndarray  # MiniLM, for telling repeats apart
    quote: Quote | None  # the quote whose cue lies in the sentence, if any
    score: float
    renderings: tuple[_Rendering, ...]  # every sentence that can state the claim, the best first

    @property
    def is_fact(self) -> bool:
        return self.quote is None


def write_brief(material: Material, *, max_words: int | None = None) -> Brief:
    """A draft brief (not yet verified) of one event. `max_words` sets its length instead of
    the usual body of BODY_SENTENCES (three for a one-source event): the body takes sentences
    until the prose reaches it, and the result is cut to it (the evaluation sets it to the
    reference's length)."""
    sources = source_list(material)
    number = _numbering(material, sources)
    one_source = material.event.independent_sources <= 1
    candidates = _candidates(material.analysis, material.articles)
    chosen: list[_Candidate] = []
    used_statements: set[int] = set()

    def take(candidate: _Candidate, *, elaboration: bool = False) -> BriefSentence | None:
        """The candidate as a brief sentence, unless it says again what the brief says. An
        elaboration restates a chosen claim with details of its own, and cites its own report;
        it may report a remark already reported, in its own words, but never quote it again."""
        statement = _statement_of(material.analysis, candidate)
        retold = elaboration and candidate.quote is not None and candidate.quote.kind == "indirect"
        if statement is not None and statement in used_statements and not retold:
            return None
        if not elaboration and _repeats(candidate, chosen):
            return None
        chosen.append(candidate)
        if statement is not None:
            used_statements.add(statement)
        cited = (candidate.sentence.article_id,) if elaboration else candidate.claim.article_ids
        return BriefSentence(candidate.text, _cite(cited, number), attributed=not candidate.is_fact)

    def take_up_to(limit: int, pool: Sequence[_Candidate]) -> list[BriefSentence]:
        taken: list[BriefSentence] = []
        for candidate in pool:
            if len(taken) >= limit:
                break
            sentence = take(candidate)
            if sentence:
                taken.append(sentence)
        return taken

    lead = _lead(candidates)
    lead_sentence = take(lead) if lead else None
    significant = [
        c
        for c in candidates
        if c.is_fact and c.position < WHY_POSITIONS and _SIGNIFICANCE.search(c.text)
    ]
    why = take_up_to(2, significant)
    analysis = take_up_to(
        2,
        sorted(
            (c for c in candidates if c.position > 0 and _is_analysis(c)),
            key=lambda c: -c.position,
        ),
    )
    body: list[tuple[_Candidate, BriefSentence]] = []
    limit = 3 if one_source else BODY_SENTENCES
    for candidate in candidates:
        if max_words:  # fill the length asked for
            if _length(chosen) >= max_words:
                break
        elif len(body) >= limit:
            break
        if candidate in chosen:
            continue
        sentence = take(candidate)
        if sentence:
            body.append((candidate, sentence))
    body.sort(key=lambda item: (_quotes_directly(item[0]), item[0].position))
    if max_words and _length(chosen) < max_words:  # the distinct facts are told: fill with details
        for candidate in _elaborations(candidates, chosen):
            if _length(chosen) >= max_words:
                break
            sentence = take(candidate, elaboration=True)
            if sentence:
                body.append((candidate, sentence))
    told = " ".join(sentence.text for _, sentence in body)
    body_sentences = [  # each a sentence, with the notes on its remark's renderings if any
        (sentence, *_variant_notes(material.analysis, candidate, number, told))
        for candidate, sentence in body
    ]
    prose = [
        Section("lead", ((lead_sentence,),) if lead_sentence else ()),
        Section("why", (tuple(why),) if why else ()),
        Section("body", _paragraphs(body_sentences)),
        Section("analysis", (tuple(analysis),) if analysis else ()),
    ]
    return assemble(material, prose, "embedded", max_words=max_words)


def assemble(
    material: Material, prose: Sequence[Section], writer: str, *, max_words: int | None = None
) -> Brief:
    """A brief of a writer's prose sections (lead, why, body, analysis) and the parts every
    writer takes from the stored analysis: the source list, where sources differ, background
    and the pull quote; cut to `max_words` when given."""
    sources = source_list(material)
    number = _numbering(material, sources)
    stored = [
        Section("differences", _differences(material, number)),
        Section("background", _background(material, number)),
    ]
    sections = sorted((*prose, *stored), key=lambda section: SECTION_KINDS.index(section.kind))
    sections = _named_in_full(sections, _people_by_number(material, number))
    brief = Brief(
        event_id=material.event.event_id,
        headline=material.event.title,
        sections=(),
        pull_quote=_pull_quote(material, number),
        sources=sources,
        independent_sources=material.event.independent_sources,
        writer=writer,
        written_at=datetime.now(UTC).isoformat(timespec="seconds"),
    ).with_sections(tuple(sections))
    return trim(brief, max_words) if max_words else brief


def trim(brief: Brief, max_words: int) -> Brief:
    """The brief with sentences dropped from the end of its reading order until its prose fits
    `max_words` (the lead is always kept); the pull quote stays only while the sentences leave
    room for it."""
    pull_quote, brief = brief.pull_quote, replace(brief, pull_quote=None)
    kept, words = [], 0
    for kind, sentence in brief.sentences():
        size = len(sentence.prose.split())
        if kept and words >= max_words:
            break
        kept.append((kind, sentence))
        words += size
    sections = []
    for section in brief.sections:
        paragraphs = tuple(
            tuple(s for s in paragraph if (section.kind, s) in kept)
            for paragraph in section.paragraphs
        )
        sections.append(Section(section.kind, tuple(p for p in paragraphs if p)))
    room = words < max_words
    return replace(brief, pull_quote=pull_quote if room else None).with_sections(tuple(sections))


def _people_by_number(material: Material, number: Mapping[str, int]) -> dict[int, dict[str, str]]:
    """The people each source of the list names (surname key -> full name), by its number."""
    people = {a: p for bg in material.background for a, p in bg.analysis.people.items()}
    people.update(material.analysis.people)
    by_number: dict[int, dict[str, str]] = {}
    for article_id, n in number.items():
        by_number.setdefault(n, {}).update(people.get(article_id, {}))
    return by_number


def _named_in_full(
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


def lead_of(analysis: EventAnalysis, articles: Sequence[Article]) -> _Candidate | None:
    """The sentence the embedded writer would lead this event's brief with."""
    return _lead(_candidates(analysis, articles))


def source_list(material: Material) -> tuple[SourceEntry, ...]:
    """One entry per independent report of the event (wire copies together, crediting every
    outlet that ran them), in event order, then the background events' reports."""
    entries: list[SourceEntry] = []
    for event_id, articles, groups in [
        (None, material.articles, material.copy_groups),
        *((b.event.event_id, b.articles, b.copy_groups) for b in material.background),
    ]:
        by_group: dict[str, list[Article]] = {}
        for article in articles:
            by_group.setdefault(groups.get(article.article_id, article.article_id), []).append(
                article
            )
        for copies in by_group.values():
            first = min(copies, key=publication_order)
            entries.append(
                SourceEntry(
                    number=len(entries) + 1,
                    article_id=first.article_id,
                    outlet=first.source.name,
                    title=first.title,
                    url=first.canonical_url or first.url,
                    published_at=first.published_at.isoformat() if first.published_at else None,
                    also_ran=tuple(
                        dict.fromkeys(
                            a.source.name for a in copies if a.source.name != first.source.name
                        )
                    ),
                    event_id=event_id,
                )
            )
    return tuple(entries)


# -- candidates ---------------------------------------------------------------------------


def _candidates(analysis: EventAnalysis, articles: Sequence[Article]) -> list[_Candidate]:
    """One candidate per claim that some sentence can state alone, the best first. A claim
    holding a side of a disagreement is left out."""
    texts = {a.article_id: a.text for a in articles if not a.has_flag("non_english")}
    index = _sentence_index(analysis.claims)
    disputed = {
        (sentence.article_id, sentence.start)
        for disagreement in analysis.disagreements
        for side in disagreement.sides
        for sentence in side.sentences
    }
    out = []
    for claim in analysis.claims:
        if any((s.article_id, s.start) in disputed for s in claim.sentences):
            continue  # one side of a disagreement: "where sources differ" states it
        renderings = []
        for sentence in claim.sentences:
            if sentence.article_id not in texts:
                continue
            quotes = analysis.quotes.get(sentence.article_id, ())
            quote = _quote_in(quotes, sentence)
            text = _edited(sentence, quote, quotes, texts[sentence.article_id])
            if text is not None:
                at = index[(sentence.article_id, sentence.start)]
                renderings.append(_Rendering(sentence, text, at, quote))
        if renderings:
            renderings.sort(key=lambda r: (r.index, len(r.text)))
            position = min(index[(s.article_id, s.start)] for s in claim.sentences)
            score = claim.independent_sources + POSITION_WEIGHT / (1 + position)
            out.append((claim, renderings[0], position, score, tuple(renderings)))
    if not out:
        return []
    vectors = minilm().embed([rendering.text for _, rendering, *_ in out])
    candidates = [
        _candidate(claim, rendering, position, score, renderings, vector)
        for (claim, rendering, position, score, renderings), vector in zip(
            out, vectors, strict=True
        )
    ]
    # ties: the one closer to what the reports say together, then the earlier report's
    event = [_words(s.text) for claim in analysis.claims for s in claim.sentences]
    centrality = {id(c): _centrality(c.words, event) for c in candidates}
    rank = {a.article_id: n for n, a in enumerate(articles)}
    return sorted(
        candidates,
        key=lambda c: (-c.score, c.position, -centrality[id(c)], rank[c.sentence.article_id]),
    )


def _candidate(
    claim: Claim,
    rendering: _Rendering,
    position: int,
    score: float,
    renderings: tuple[_Rendering, ...],
    vector: np.ndarray,
) -> _Candidate:
    """The claim as the rendering states it; `vector` is the rendering's MiniLM vector."""
    return _Candidate(
        claim,
        rendering.sentence,
        rendering.text,
        position,
        _words(rendering.text),
        vector,
        rendering.quote,
        score,
        renderings,
    )


def _elaborations(
    candidates: Sequence[_Candidate], chosen: Sequence[_Candidate]
) -> list[_Candidate]:
    """The renderings of the chosen claims, other than the chosen one, that add details of
    their own: at least NEW_WORDS content words, and a third of their words, not yet in the
    brief or in an elaboration before them. Their claims' order, each claim's best first."""
    chosen_claims = {id(c.claim) for c in chosen}
    said = frozenset().union(*(c.words for c in chosen))
    picked: list[tuple[_Candidate, _Rendering]] = []
    for candidate in candidates:
        if id(candidate.claim) not in chosen_claims:
            continue
        for rendering in candidate.renderings:
            words = _words(rendering.text)
            new = words - said
            if len(new) >= NEW_WORDS and 3 * len(new) >= len(words):
                picked.append((candidate, rendering))
                said |= words
    if not picked:
        return []
    vectors = minilm().embed([rendering.text for _, rendering in picked])
    return [
        _candidate(c.claim, rendering, c.position, c.score, c.renderings, vector)
        for (c, rendering), vector in zip(picked, vectors, strict=True)
    ]


def _sentence_index(claims: Sequence[Claim]) -> dict[tuple[str, int], int]:
    """Each claim sentence's index among its article's claim sentences."""
    starts: dict[str, list[int]] = {}
    for claim in claims:
        for sentence in claim.sentences:
            starts.setdefault(sentence.article_id, []).append(sentence.start)
    return {
        (article_id, start): i
        for article_id, values in starts.items()
        for i, start in enumerate(sorted(values))
    }


def _quote_in(quotes: Sequence[Quote], sentence: ClaimSentence) -> Quote | None:
    """The sentence's first quote, its direct rendering when a cue has both (`called the
    letter "presumptuous"` quotes "presumptuous", as statements group it)."""
    inside = [q for q in quotes if sentence.start <= q.cue_span[0] < sentence.end]
    return min(inside, key=lambda q: (q.cue_span, q.kind != "direct"), default=None)


def _edited(
    sentence: ClaimSentence, quote: Quote | None, quotes: Sequence[Quote], article: str
) -> str | None:
    """The sentence as the brief can use it, or None when it cannot stand alone."""
    text = sentence.text
    if sum(map(text.count, '"“”')) % 2:  # a mixed pair, “…", counts as a pair
        return None  # a piece of a quotation that runs over several sentences
    if text[:1] in '"“' and quote is None:
        return None
    if quote is not None and (at := _speaker_offsets(quote, sentence)):
        start, end = at
        mention = text[start:end]
        if mention.lower() in {"he", "she", "they"} or _TITLE.fullmatch(mention):
            if not _clear_antecedent(quote, quotes, article, sentence.start):
                return None
            text = text[:start] + _name_as_printed(quote.speaker or "", article) + text[end:]
    if sentence.referent:
        text = _named_opening(text, _name_as_printed(sentence.referent, article))
    text = _tidied(text)
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


def _tidied(text: str) -> str:
    """The sentence without a dateline, a page's label or a leading connective."""
    text = _KICKER.sub("", _DATELINE.sub("", text, count=1), count=1)
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


def _is_analysis(candidate: _Candidate) -> bool:
    """Whether a sentence reads the event: an analyst, expert, observer, economist, critic or
    diplomat is who speaks ("Analysts said ...", "... said Priya Raman, an industrial analyst";
    not "a ceasefire monitored by observers"), or it weighs what is likely."""
    quote, sentence = candidate.quote, candidate.sentence
    if quote is not None and (at := _speaker_offsets(quote, sentence)):
        speaker = sentence.text[at[0] : at[1]]
        if _ANALYSTS.search(speaker[:1].lower() + speaker[1:]):
            return True
    return bool(_WEIGHING.search(candidate.text))


def _speaker_offsets(quote: Quote, sentence: ClaimSentence) -> tuple[int, int] | None:
    """Where the mention a quote is attributed to lies in the sentence's text; None when it has
    none or it lies outside the sentence."""
    if quote.speaker_span is None:
        return None
    start, end = (offset - sentence.start for offset in quote.speaker_span)
    return (start, end) if 0 <= start < end <= len(sentence.text) else None


def _quotes_directly(candidate: _Candidate) -> bool:
    return candidate.quote is not None and candidate.quote.kind == "direct"


def _lead(candidates: Sequence[_Candidate]) -> _Candidate | None:
    """The best candidate among the claims a report opens with (else among its second
    sentences) that is not a direct quotation. "X said" at its end is fine (leads often
    attribute), and so is a phrase quoted in a sentence that reports ('Trump has said there is a
    "very substantial chance" the summit may not happen')."""
    ledes = [c for c in candidates if not _quotation(c)]
    early = [c for c in ledes if c.position == 0] or [c for c in ledes if c.position == 1]
    return (early or [c for c in candidates if c.is_fact] or list(candidates) or [None])[0]


def _quotation(candidate: _Candidate) -> bool:
    """Whether the sentence is someone's words: it opens on a quotation, or quoted words make
    half of it or more."""
    quote = candidate.quote
    if quote is None or quote.kind != "direct":
        return False
    return candidate.text[:1] in "\"“‘'" or 2 * len(quote.content) >= len(candidate.text)


def _centrality(words: frozenset[str], event: Sequence[frozenset[str]]) -> float:
    """The sum of the cosines of a sentence's content words with those of each sentence of
    the event."""
    if not words:
        return 0.0
    return sum(len(words & other) / math.sqrt(len(words) * len(other)) for other in event if other)


def _repeats(candidate: _Candidate, chosen: Sequence[_Candidate]) -> bool:
    return any(
        candidate.claim is other.claim
        or jaccard(candidate.words, other.words) >= REPEAT
        or float(candidate.vector @ other.vector) >= SAME_MEANING
        for other in chosen
    )


def _statement_of(analysis: EventAnalysis, candidate: _Candidate) -> int | None:
    if candidate.quote is None:
        return None
    where = (candidate.sentence.article_id, candidate.quote)
    for n, statement in enumerate(analysis.statements):
        if any((variant.article, variant.quote) == where for variant in statement.variants):
            return n
    return None


# -- sections -----------------------------------------------------------------------------


def _variant_notes(
    analysis: EventAnalysis, candidate: _Candidate, number: Mapping[str, int], told: str
) -> tuple[BriefSentence, ...]:
    """When the candidate quotes a word or phrase that other outlets render in other words
    (one remark, several renderings), notes giving those renderings, each cited to its outlet:
    one sentence for the words other outlets put in quotation marks, printed in the marks
    exactly as the outlets printed them, and one per outlet that tells the remark in its own
    words ("… was discourteous and full of sneering remarks", no quotation marks), which are
    its words, not the speaker's, so they are printed without marks (unless the body `told`
    them already)."""
    n = _statement_of(analysis, candidate)
    if n is None or candidate.quote is None or not _is_term(candidate.quote):
        return ()
    quoted: dict[str, list[str]] = {}
    own_words: dict[str, list[str]] = {}
    for variant in analysis.statements[n].variants:
        quote = variant.quote
        if (
            variant.article == candidate.sentence.article_id
            or variant.is_paraphrase
            or wordings_agree(quote.focus, candidate.quote.content)
        ):
            continue
        if _is_term(quote):
            quoted.setdefault(quote.content.strip(" ,.;:"), []).append(variant.article)
        elif (
            quote.kind == "indirect"
            and len(quote.focus.split()) <= TERM_WORDS
            and quote.focus not in told
        ):
            own_words.setdefault(quote.focus.strip(" ,.;:"), []).append(variant.article)
    notes = []
    if quoted:
        cited = [a for article_ids in quoted.values() for a in article_ids]
        if len(quoted) == 1:  # "The Veldra Observer reports the same remark as “…”."
            frame = f"{_report(analysis.outlets_of(cited))} the same remark as "
            text = f"“{next(iter(quoted))}”."
        else:
            frame = "Other outlets report the same remark as "
            text = " and ".join(
                f"“{words}” ({_and(analysis.outlets_of(article_ids))})"
                for words, article_ids in quoted.items()
            )
            text += "."
        notes.append(
            BriefSentence(text, _cite(cited, number), frame=frame, check="quotes", note=True)
        )
    for words, article_ids in own_words.items():
        outlets = analysis.outlets_of(article_ids)
        whose = "its" if len(outlets) == 1 else "their"
        notes.append(
            BriefSentence(
                f"{words}.",
                _cite(article_ids, number),
                frame=f"{_report(outlets)} it in {whose} own words as ",
                note=True,
            )
        )
    return tuple(notes)


def _is_term(quote: Quote) -> bool:
    """A direct quote of a word or a phrase: the renderings a remark's variants are noted for.
    (Longer direct quotes that differ are paraphrases or other remarks; indirect ones are the
    outlet's words, not to be put in quotation marks.)"""
    return quote.kind == "direct" and len(quote.content.split()) <= TERM_WORDS


def _differences(
    material: Material, number: Mapping[str, int]
) -> tuple[tuple[BriefSentence, ...], ...]:
    paragraphs = []
    for disagreement in material.analysis.disagreements:
        sentences = []
        for i, side in enumerate(disagreement.sides):
            sentence = side.sentences[0]
            text = _tidied(sentence.text)
            outlets = _report(material.analysis.outlets_of(side.article_ids), limit=3)
            frame = f"While {outlets}: " if i else f"{_differing(disagreement)}{outlets}: "
            sentences.append(BriefSentence(text, _cite(side.article_ids, number), frame))
        paragraphs.append(tuple(sentences))
    return tuple(paragraphs)


def _differing(disagreement: Disagreement) -> str:
    """What the sides give, said before them: "Sources differ on the number of dead: 9 or
    11. " A yes/no disagreement's two sentences say it themselves (one that it happened, one
    that it did not), so it gets no such words."""
    values = [side.value for side in disagreement.sides]
    if disagreement.kind == "count":
        what = DISPUTED_COUNTS.get(disagreement.about, "a figure")
        values = [f"{int(value):,}" if value.isdigit() else value for value in values]
    elif disagreement.kind == "date":
        what = "the date"
        values = [_spoken_day(value) for value in values]
    elif disagreement.kind in ("place", "person"):
        what = "the place" if disagreement.kind == "place" else "who led"
    else:
        return ""
    return f"Sources differ on {what}: {_and(values, word='or')}. "


def _spoken_day(value: str) -> str:
    """ "2026-03-05" as "Thursday, March 5, 2026"; a value that is no day, as it is."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day:%A}, {_long_date(day)}"


def _long_date(day: date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


def _background(
    material: Material, number: Mapping[str, int]
) -> tuple[tuple[BriefSentence, ...], ...]:
    """The lead of each earlier event of the storyline, oldest first, as its reports told it
    before this event began, citing only those reports: an earlier event's later reports may
    already tell of this one ("Korda did not travel to the talks", in an event that began with
    the plans for them). An undated report is not read, as it cannot be placed before."""
    start = material.event.first_seen
    dated = []
    for earlier in material.background:
        before = [
            a for a in earlier.articles if a.published_at and start and a.published_at < start
        ]
        lead = lead_of(earlier.analysis, before)
        if lead is None:
            continue
        # the day of the report the sentence is from: its "on Thursday" counts from there
        told = next(a.published_at for a in before if a.article_id == lead.sentence.article_id)
        frame = f"{_long_date(told)}: "
        known = {a.article_id for a in before}
        cited = [article_id for article_id in lead.claim.article_ids if article_id in known]
        dated.append((told, BriefSentence(lead.text, _cite(cited, number), frame)))
    sentences = [sentence for _, sentence in sorted(dated, key=lambda item: item[0])]
    return (tuple(sentences),) if sentences else ()


def _pull_quote(material: Material, number: Mapping[str, int]) -> PullQuote | None:
    analysis = material.analysis
    best: tuple[int, int, str] | None = None
    quote_of: dict[tuple[int, int, str], tuple[Quote, list[str]]] = {}
    for article_id, quotes in analysis.quotes.items():
        for quote in quotes:
            words = len(quote.content.split())
            if (
                quote.kind != "direct"
                or not quote.speaker
                or not (QUOTE_WORDS[0] <= words <= QUOTE_WORDS[1])
            ):
                continue
            carriers = [
                a
                for a, others in analysis.quotes.items()
                if any(_same_words(quote.content, o.content) for o in others)
            ]
            key = (len(set(analysis.outlets_of(carriers))), words, quote.content)
            quote_of[key] = (quote, carriers or [article_id])
            if best is None or key > best:
                best = key
    if best is None:
        return None
    quote, carriers = quote_of[best]
    return PullQuote(quote.content.strip(" ,"), quote.speaker or "", _cite(carriers, number))


def _paragraphs(
    units: Sequence[tuple[BriefSentence, ...]],
) -> tuple[tuple[BriefSentence, ...], ...]:
    """PARAGRAPH units a paragraph; a unit (a sentence and its note) is never split."""
    return tuple(
        tuple(s for unit in units[i : i + PARAGRAPH] for s in unit)
        for i in range(0, len(units), PARAGRAPH)
    )


# -- small helpers ------------------------------------------------------------------------


def _numbering(material: Material, sources: Sequence[SourceEntry]) -> dict[str, int]:
    """The source number of every article: its copy group's entry."""
    entry_of_group = {}
    groups = dict(material.copy_groups)
    for background in material.background:
        groups.update(background.copy_groups)
    articles = [*material.articles, *(a for b in material.background for a in b.articles)]
    by_id = {entry.article_id: entry.number for entry in sources}
    for article in articles:
        if article.article_id in by_id:
            entry_of_group[groups.get(article.article_id, article.article_id)] = by_id[
                article.article_id
            ]
    return {a.article_id: entry_of_group[groups.get(a.article_id, a.article_id)] for a in articles}


def _cite(article_ids: Sequence[str], number: Mapping[str, int]) -> tuple[int, ...]:
    return tuple(sorted({number[a] for a in article_ids if a in number}))


def _length(chosen: Sequence[_Candidate]) -> int:
    return sum(len(c.text.split()) for c in chosen)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP)


def _same_words(first: str, second: str) -> bool:
    return _WORD.findall(first.lower()) == _WORD.findall(second.lower())


def _report(outlets: Sequence[str], *, limit: int | None = None) -> str:
    """ "The Harbour Herald reports", "Brask Tribune and HBN News report"."""
    return f"{_and(outlets, limit=limit)} {'reports' if len(outlets) == 1 else 'report'}"


def _and(names: Sequence[str], *, limit: int | None = None, word: str = "and") -> str:
    names = list(names)
    if limit and len(names) > limit:
        rest = len(names) - limit + 1
        names = [*names[: limit - 1], f"{rest} other outlets"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {word} " + names[-1]
