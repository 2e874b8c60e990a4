"""Assembling a brief: a writer's prose sections joined with the parts made from stored data.

Every writer (`embedded`, `llm`) gives its prose sections (lead, why it matters, body,
analysis); `assemble` adds the source list, **where sources differ** (each side of each stored
disagreement in a sentence of its own sources, after saying what the sides give: "Sources
differ on the number of dead: 9 or 11."), **background** (the lead of each earlier event of the
storyline, dated by the report it comes from) and the **pull quote** (`_pull_quote`: a direct
quote about the event, by a speaker named or given a role, that no sentence of the brief
already carries, in whole or in part), gives a sentence of "why it matters", the body or
"analysis" that weighs the event in its report's own voice as that report's view ("The
Harbour Herald writes: ...", rule `why.judgement`: the brief's voice stays neutral), names
people in full where the brief first mentions them (`edits.named_in_full`), gives the headline
(`headline_of`: the event's title, whole as `material.headline_text` gives it, with a count
the sources dispute in the form every side agrees on, "at least nine") and cuts the brief to a
length (`trim`).
`variant_notes` says how other outlets render a remark the body quotes; `in_paragraphs` puts
body sentences in paragraphs of PARAGRAPH.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from difflib import SequenceMatcher

from newsweave.analysis.disagreements import Disagreement
from newsweave.analysis.model import EventAnalysis
from newsweave.analysis.nlp import minilm
from newsweave.analysis.quotes import Quote
from newsweave.analysis.statements import wordings_agree
from newsweave.analysis.words import number_value
from newsweave.briefs.edits import named_in_full, tidied
from newsweave.briefs.lead import RULES_FOLDER
from newsweave.briefs.material import Material, cite, headline_text, source_list, source_numbers
from newsweave.briefs.model import (
    SECTION_KINDS,
    Brief,
    BriefSentence,
    PullQuote,
    Section,
    SectionKind,
)
from newsweave.briefs.sections import matches, weighs_unattributed
from newsweave.briefs.selection import Candidate, lead_of, statement_of
from newsweave.model import is_unnamed_source
from newsweave.rulebook import rule_in

__all__ = [
    "CENTRAL",
    "DISPUTED_COUNTS",
    "PARAGRAPH",
    "QUOTE_WORDS",
    "REPEATED_WORDS",
    "TERM_WORDS",
    "assemble",
    "headline_of",
    "in_paragraphs",
    "trim",
    "variant_notes",
]

PARAGRAPH = 3
QUOTE_WORDS = (6, 40)
CENTRAL = 0.15  # a pull quote's least mean MiniLM cosine with the lead and the headline
REPEATED_WORDS = 0.7  # the share of a quote's content words a sentence carrying it repeats
TERM_WORDS = 6
# What a disputed count counts, as "where sources differ" names it; other counts are "a figure".
DISPUTED_COUNTS = dict(rule_in(RULES_FOLDER, "briefs.disputed-counts").table or {})

_WORD = re.compile(r"[^\W_]+")
# numbers in words, in order from zero (rules/words.toml)
_SPELLED = list(rule_in(RULES_FOLDER, "briefs.spelled-numbers").table or {})
HEDGES = rule_in(RULES_FOLDER, "briefs.hedges").words  # "at least" nine: already hedged


def assemble(
    material: Material, prose: Sequence[Section], writer: str, *, max_words: int | None = None
) -> Brief:
    """A brief of a writer's prose sections (lead, why, body, analysis) and the parts every
    writer takes from the stored analysis: the source list, where sources differ, background
    and the pull quote; cut to `max_words` when given."""
    sources = source_list(material)
    number = source_numbers(material, sources)
    stored = [
        Section("differences", _differences(material, number)),
        Section("background", _background(material, number)),
    ]
    prose = [_judgement_attributed(material, number, section) for section in prose]
    sections = sorted((*prose, *stored), key=lambda section: SECTION_KINDS.index(section.kind))
    sections = named_in_full(sections, _people_by_number(material, number))
    brief = Brief(
        event_id=material.event.event_id,
        headline=headline_of(headline_text(material), material.analysis.disagreements),
        sections=(),
        pull_quote=_pull_quote(material, number, sections),
        sources=sources,
        independent_sources=material.event.independent_sources,
        writer=writer,
        written_at=datetime.now(UTC).isoformat(timespec="seconds"),
    ).with_sections(tuple(sections))
    return trim(brief, max_words) if max_words else brief


def _judgement_attributed(
    material: Material, number: Mapping[str, int], section: Section
) -> Section:
    """The section with each sentence after the lead that weighs the event in its report's
    own voice ("The refusal marks a significant setback ...", rule `why.judgement`) and says
    nobody's view (no reporting verb, rule `analysis.attributed`) given as that report's
    view: "The Harbour Herald writes: ...", cited to the reports that print it. The brief's
    own voice stays neutral. (The lead is chosen without weighing: `lead.lead_faults`.)"""
    if section.kind == "lead":
        return section
    by_number: dict[int, list[str]] = {}
    for article_id, n in number.items():
        by_number.setdefault(n, []).append(article_id)
    texts = {a.article_id: " ".join(a.text.split()) for a in material.articles}

    def attributed(sentence: BriefSentence) -> BriefSentence:
        if sentence.frame or not weighs_unattributed(sentence.text):
            return sentence
        words = " ".join(sentence.text.split())[:60]
        cited = [a for n in sentence.citations for a in by_number.get(n, ()) if a in texts]
        printing = [a for a in cited if words in texts[a]] or cited
        if not printing:
            return sentence
        outlets = material.analysis.outlets_of(printing)
        return replace(
            sentence,
            frame=f"{_report(outlets, verbs=('writes', 'write'))}: ",
            citations=cite(printing, number),
            attributed=True,
        )

    return Section(section.kind, tuple(tuple(map(attributed, p)) for p in section.paragraphs))


def headline_of(title: str, disagreements: Sequence[Disagreement]) -> str:
    """The event's title as the brief's headline, agreeing with the brief: where the title
    gives a count that the sources dispute ("Nine dead in ..." while others report eleven),
    the count becomes the form every side agrees on, "at least" the smallest ("At least nine
    dead in ..."), in the title's own form (a word or digits). A title already saying "at
    least" or "more than" before the count keeps its words and takes the smallest count."""
    words = title.split(" ")
    for disagreement in disagreements:
        if disagreement.kind != "count":
            continue
        values = {float(side.value) for side in disagreement.sides if _is_number(side.value)}
        if len(values) < 2:
            continue
        least = min(values)
        for i, word in enumerate(words):
            bare = word.lower().strip(",.;:'\"‘’“”")
            # a count: digits or a number word ("nine"), not an ordinal ("first")
            count = bare in _SPELLED or bare.replace(",", "").isdigit()
            value = number_value(bare) if count else None
            if value not in values or (value == least and _hedged(words[:i])):
                continue
            said = _count_as(least, word)
            words[i] = said if _hedged(words[:i]) else f"at least {said}"
            if i == 0 or words[i - 1].endswith((".", ":")):
                words[i] = words[i][:1].upper() + words[i][1:]
            return " ".join(words)
    return title


def _is_number(value: str) -> bool:
    return value.replace(".", "", 1).isdigit()


def _hedged(before: Sequence[str]) -> bool:
    return " ".join(before[-2:]).lower() in HEDGES


def _count_as(value: float, word: str) -> str:
    """`value` written as `word` writes its count: a number word ("nine") or digits."""
    whole = int(value)
    if word[:1].isalpha() and whole < len(_SPELLED):
        return _SPELLED[whole]
    return f"{whole:,}"


def trim(brief: Brief, max_words: int) -> Brief:
    """The brief with sentences dropped from the end of its reading order until its prose fits
    `max_words` (the lead is always kept); the pull quote stays only while the sentences leave
    room for it."""
    pull_quote, brief = brief.pull_quote, replace(brief, pull_quote=None)
    kept: list[tuple[SectionKind, BriefSentence]] = []
    words = 0
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


def variant_notes(
    analysis: EventAnalysis, candidate: Candidate, number: Mapping[str, int], told: str
) -> tuple[BriefSentence, ...]:
    """When the candidate quotes a word or phrase that other outlets render in other words
    (one remark, several renderings), notes giving those renderings, each cited to its outlet:
    one sentence for the words other outlets put in quotation marks, printed in the marks
    exactly as the outlets printed them, and one per outlet that tells the remark in its own
    words ("… was discourteous and full of sneering remarks", no quotation marks), which are
    its words, not the speaker's, so they are printed without marks (unless the body `told`
    them already)."""
    n = statement_of(analysis, candidate)
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
            BriefSentence(text, cite(cited, number), frame=frame, check="quotes", note=True)
        )
    for words, article_ids in own_words.items():
        outlets = analysis.outlets_of(article_ids)
        whose = "its" if len(outlets) == 1 else "their"
        notes.append(
            BriefSentence(
                f"{words}.",
                cite(article_ids, number),
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
            text = tidied(sentence.text)
            outlets = _report(
                material.analysis.outlets_of(side.article_ids), limit=3, opening=not i
            )
            frame = f"While {outlets}: " if i else f"{_differing(disagreement)}{outlets}: "
            sentences.append(BriefSentence(text, cite(side.article_ids, number), frame))
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
    elif disagreement.kind == "place":
        what = "the place"
    elif disagreement.kind == "person":
        what = "who said it" if disagreement.about == "say" else "who led"
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
        assert told is not None  # `before` holds only dated reports
        frame = f"{_long_date(told)}: "
        known = {a.article_id for a in before}
        cited = [article_id for article_id in lead.claim.article_ids if article_id in known]
        dated.append((told, BriefSentence(lead.text, cite(cited, number), frame)))
    sentences = [sentence for _, sentence in sorted(dated, key=lambda item: item[0])]
    return (tuple(sentences),) if sentences else ()


def _pull_quote(
    material: Material, number: Mapping[str, int], sections: Sequence[Section]
) -> PullQuote | None:
    """The direct quote, of readable length, by a speaker given as a name or a role (rule
    `pull-quote.clause`), that the brief's sentences do not already carry (word for word, or in
    most of its content words) and that is about the event: its words' MiniLM cosine with the
    brief's lead and headline, on average, at CENTRAL or above. Of those, the one the most
    outlets carry, then the closest to the event; None when no quote qualifies."""
    analysis = material.analysis
    said = [s.prose for section in sections for p in section.paragraphs for s in p]
    quotes = [
        (quote, article_id)
        for article_id, quotes in analysis.quotes.items()
        for quote in quotes
        if quote.kind == "direct"
        and quote.speaker
        and not matches("pull-quote.clause", quote.speaker)
        and QUOTE_WORDS[0] <= len(quote.content.split()) <= QUOTE_WORDS[1]
        and not any(_carries(text, quote.content) for text in said)
    ]
    if not quotes:
        return None
    lead = said[0] if said else material.event.title
    vectors = minilm().embed([lead, material.event.title, *(q.content for q, _ in quotes)])
    best: tuple[int, float] | None = None
    chosen: tuple[Quote, list[str]] | None = None
    for (quote, article_id), vector in zip(quotes, vectors[2:], strict=True):
        centrality = float(vector @ (vectors[0] + vectors[1])) / 2
        if centrality < CENTRAL:
            continue
        carriers = [
            a
            for a, others in analysis.quotes.items()
            if any(_same_words(quote.content, o.content) for o in others)
        ] or [article_id]
        key = (len(set(analysis.outlets_of(carriers))), centrality)
        if best is None or key > best:
            best, chosen = key, (quote, carriers)
    if chosen is None:
        return None
    quote, carriers = chosen
    return PullQuote(quote.content.strip(" ,"), quote.speaker or "", cite(carriers, number))


def _carries(text: str, quote: str) -> bool:
    """Whether a brief's sentence already says the quote: they share QUOTE_WORDS[0] words in a
    row or more (the quote inside the sentence, or a sentence quoting part of it: "I've got news
    for the Democratic establishment." against a pull quote that holds it), or the sentence
    holds most of the quote's content words (REPEATED_WORDS of them)."""
    words, said = _WORD.findall(quote.lower()), _WORD.findall(text.lower())
    if _longest_run(words, said) >= min(QUOTE_WORDS[0], len(words)):
        return True
    content = {w for w in words if len(w) > 3}
    return bool(content) and len(content & set(said)) >= REPEATED_WORDS * len(content)


def _longest_run(first: Sequence[str], second: Sequence[str]) -> int:
    """The most words in a row the two word lists share."""
    match = SequenceMatcher(None, first, second, autojunk=False)
    return match.find_longest_match(0, len(first), 0, len(second)).size


def in_paragraphs(
    units: Sequence[tuple[BriefSentence, ...]],
) -> tuple[tuple[BriefSentence, ...], ...]:
    """PARAGRAPH units a paragraph; a unit (a sentence and its note) is never split."""
    return tuple(
        tuple(s for unit in units[i : i + PARAGRAPH] for s in unit)
        for i in range(0, len(units), PARAGRAPH)
    )


def _same_words(first: str, second: str) -> bool:
    return _WORD.findall(first.lower()) == _WORD.findall(second.lower())


def _report(
    outlets: Sequence[str],
    *,
    limit: int | None = None,
    opening: bool = True,
    verbs: tuple[str, str] = ("reports", "report"),
) -> str:
    """ "The Harbour Herald reports", "Brask Tribune and HBN News report" (or other `verbs`,
    for one outlet and for several). An outlet the input did not name reads "an unnamed source
    (its file)", capitalised when it `opening` a sentence: the label alone would read as a
    name."""
    named = [f"an {name}" if is_unnamed_source(name) else name for name in outlets]
    said = f"{_and(named, limit=limit)} {verbs[0] if len(outlets) == 1 else verbs[1]}"
    return "An" + said[2:] if opening and said.startswith("an ") else said


def _and(names: Sequence[str], *, limit: int | None = None, word: str = "and") -> str:
    names = list(names)
    if limit and len(names) > limit:
        rest = len(names) - limit + 1
        names = [*names[: limit - 1], f"{rest} other outlets"]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {word} " + names[-1]
