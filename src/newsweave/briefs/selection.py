"""Choosing the embedded writer's sentences: one candidate per claim, scored and ranked.

Each claim becomes one candidate sentence (`candidates_of`): of the sentences that state it,
the one that reads best alone (no pronoun or connective it cannot carry with it, early in its
article, not too long; `edits.edited` says which can stand alone and how they read). A
candidate scores its claim's independent sources plus a bonus for coming early in an article,
where reports put what matters most:

    score = independent sources + POSITION_WEIGHT / (1 + its earliest sentence index)

Of candidates that score alike, the one closer to what the reports say together comes first:
the larger sum of the cosines of its content words with those of each sentence of the event
(the reports' common ground before one outlet's angle), then the earlier report's. A claim
holding a sentence on one side of a disagreement is no candidate, nor is a sentence of an
article flagged non-English.

The tests the writer chooses by are here too: the lead (`lead_among`), a sentence that repeats
a chosen one (`repeats`: a rendering of the same claim, a sentence stating the same fact in any
wording, `facts.same_fact`, telling the same happening, `facts.same_happening`, or the sentence
of another report that tells a chosen one's fact as the two reports' closest match both ways,
`facts.told_in`), one that reads the event (`is_analysis`, by the rules of `sections`), and the
other renderings of a chosen claim that add details of their own (`elaborations`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from newsweave.analysis.claims import Claim, ClaimSentence
from newsweave.analysis.facts import load_fact_rules, same_fact, same_happening, told_in
from newsweave.analysis.model import EventAnalysis
from newsweave.analysis.quotes import Quote
from newsweave.analysis.vocabularies import words_for
from newsweave.briefs.edits import edited, speaker_offsets
from newsweave.briefs.lead import choose_lead
from newsweave.briefs.sections import reads_the_event
from newsweave.model import Article

__all__ = [
    "LEAD_POSITIONS",
    "NEW_WORDS",
    "POSITION_WEIGHT",
    "Candidate",
    "Rendering",
    "candidates_of",
    "content_words",
    "elaborations",
    "is_analysis",
    "lead_among",
    "lead_of",
    "quotes_directly",
    "repeats",
    "retells",
    "statement_of",
]

POSITION_WEIGHT = 2.0
NEW_WORDS = 5  # content words an elaboration adds, at the least
LEAD_POSITIONS = 3  # the lead comes from the first sentences of the reports

_APPOSITION = re.compile(r"^,\s*[^,.;\"”]{1,80}")  # ", an industrial analyst at Vilk Securities"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Rendering:
    """A sentence that can state its claim alone, as the brief would print it."""

    sentence: ClaimSentence
    text: str  # the sentence, edited
    index: int  # its index among its article's claim sentences
    quote: Quote | None  # the quote whose cue lies in the sentence, if any


@dataclass(frozen=True)
class Candidate:
    claim: Claim
    sentence: ClaimSentence  # the sentence chosen to state the claim
    text: str  # that sentence, edited
    position: int  # its claim's earliest sentence index in any article
    words: frozenset[str]
    quote: Quote | None  # the quote whose cue lies in the sentence, if any
    score: float
    renderings: tuple[Rendering, ...]  # every sentence that can state the claim, the best first

    @property
    def is_fact(self) -> bool:
        return self.quote is None


def candidates_of(analysis: EventAnalysis, articles: Sequence[Article]) -> list[Candidate]:
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
            text = edited(sentence, quote, quotes, texts[sentence.article_id])
            if text is not None:
                at = index[(sentence.article_id, sentence.start)]
                renderings.append(Rendering(sentence, text, at, quote))
        if renderings:
            renderings.sort(key=lambda r: (r.index, len(r.text)))
            position = min(index[(s.article_id, s.start)] for s in claim.sentences)
            score = claim.independent_sources + POSITION_WEIGHT / (1 + position)
            out.append((claim, renderings[0], position, score, tuple(renderings)))
    if not out:
        return []
    candidates = [_candidate(*item) for item in out]
    # ties: the one closer to what the reports say together, then the earlier report's
    event = [content_words(s.text) for claim in analysis.claims for s in claim.sentences]
    centrality = {id(c): _centrality(c.words, event) for c in candidates}
    rank = {a.article_id: n for n, a in enumerate(articles)}
    return sorted(
        candidates,
        key=lambda c: (-c.score, c.position, -centrality[id(c)], rank[c.sentence.article_id]),
    )


def _candidate(
    claim: Claim,
    rendering: Rendering,
    position: int,
    score: float,
    renderings: tuple[Rendering, ...],
) -> Candidate:
    """The claim as the rendering states it."""
    return Candidate(
        claim,
        rendering.sentence,
        rendering.text,
        position,
        content_words(rendering.text),
        rendering.quote,
        score,
        renderings,
    )


def elaborations(candidates: Sequence[Candidate], chosen: Sequence[Candidate]) -> list[Candidate]:
    """The renderings of the chosen claims, other than the chosen one, that add details of
    their own: at least NEW_WORDS content words, and a third of their words, not yet in the
    brief or in an elaboration before them. Their claims' order; of a claim's renderings, the
    one adding the most such words first (the details it adds are why it is there: a rendering
    that mostly says again what the brief told, with a few words more, comes last or not at
    all)."""
    chosen_claims = {id(c.claim) for c in chosen}
    said = frozenset().union(*(c.words for c in chosen))
    picked: list[tuple[Candidate, Rendering]] = []
    for candidate in candidates:
        if id(candidate.claim) not in chosen_claims:
            continue
        left = list(candidate.renderings)
        while left:
            rendering = max(left, key=lambda r: len(content_words(r.text) - said))
            left.remove(rendering)
            words = content_words(rendering.text)
            new = words - said
            if len(new) >= NEW_WORDS and 3 * len(new) >= len(words):
                picked.append((candidate, rendering))
                said |= words
    return [
        _candidate(c.claim, rendering, c.position, c.score, c.renderings) for c, rendering in picked
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


def lead_of(analysis: EventAnalysis, articles: Sequence[Article]) -> Candidate | None:
    """The sentence the embedded writer would lead this event's brief with."""
    return lead_among(candidates_of(analysis, articles))


def lead_among(candidates: Sequence[Candidate]) -> Candidate | None:
    """The lead (`briefs.lead`): the best candidate, in the candidates' order, that is not a
    direct quotation, that some report opens with (else that comes second in a report) and that
    is no dangling reference, weighing, reaction or history; when each of those has such a
    fault, the same among the first LEAD_POSITIONS sentences of the reports; else the best
    opening as before, fault or not. "X said" at its end is fine (leads often attribute), and so
    is a phrase quoted in a sentence that reports ('Trump has said there is a "very substantial
    chance" the summit may not happen')."""
    ledes = [c for c in candidates if not _quotation(c)]
    early = [c for c in ledes if c.position == 0] or [c for c in ledes if c.position == 1]
    lead = choose_lead(early) or choose_lead([c for c in ledes if c.position < LEAD_POSITIONS])
    return lead or next(iter(early or [c for c in candidates if c.is_fact] or candidates), None)


def _quotation(candidate: Candidate) -> bool:
    """Whether the sentence is someone's words: it opens on a quotation, or quoted words make
    half of it or more."""
    quote = candidate.quote
    if quote is None or quote.kind != "direct":
        return False
    return candidate.text[:1] in "\"“‘'" or 2 * len(quote.content) >= len(candidate.text)


def is_analysis(candidate: Candidate) -> bool:
    """Whether a sentence reads the event (`sections.reads_the_event`): somebody's judgement of
    what it means, attributed to an analyst, an expert or an official. Who speaks is read from
    the words the quote extractor found naming the speaker, with the role before them and the
    apposition after ("economist Priya Raman", "Priya Raman, an industrial analyst"; not "a
    ceasefire monitored by observers"), else from the whole sentence."""
    quote, sentence = candidate.quote, candidate.sentence
    speaker = None
    if quote is not None and (at := speaker_offsets(quote, sentence)):
        before = sentence.text[: at[0]].split()[-2:]
        after = _APPOSITION.match(sentence.text[at[1] :])
        speaker = " ".join([*before, sentence.text[at[0] : at[1]], after[0] if after else ""])
    return reads_the_event(candidate.text, speaker, quoted=quote is not None)


def quotes_directly(candidate: Candidate) -> bool:
    return candidate.quote is not None and candidate.quote.kind == "direct"


def _centrality(words: frozenset[str], event: Sequence[frozenset[str]]) -> float:
    """The sum of the cosines of a sentence's content words with those of each sentence of
    the event."""
    if not words:
        return 0.0
    return sum(len(words & other) / math.sqrt(len(words) * len(other)) for other in event if other)


def repeats(candidate: Candidate, chosen: Sequence[Candidate], texts: Mapping[str, str]) -> bool:
    """Whether the candidate says again what a chosen sentence says, in whatever section that
    one stands (the lead, why it matters, the body, analysis): it renders the same claim,
    states the same fact in other words (`facts.same_fact`), tells the same happening with
    details of its own (`facts.same_happening`: "shareholders rejected the pay package" after
    "59% of investors rejected Dudley's 20% rise"), or is the sentence by which its report
    tells a chosen sentence's fact (`retells`; `texts` holds the event's articles by id)."""
    return any(
        candidate.claim is other.claim
        or same_fact(candidate.text, other.text)
        or same_happening(candidate.text, other.text)
        or retells(candidate.sentence, other, texts)
        for other in chosen
    )


def retells(sentence: ClaimSentence, chosen: Candidate, texts: Mapping[str, str]) -> bool:
    """Whether `sentence`, of another report than the chosen sentence's, is the one by which
    that report tells the chosen sentence's fact (`facts.told_in`: the closest match both ways,
    at `retell_threshold`, under a pair's bar: "is offering a new deal: promise not to pursue
    this case" and "said it would waive its attempt to recover legal costs if she agrees not to
    pursue an appeal").
    A report seldom tells one fact twice, so a sentence of the chosen one's own report, or one
    its report has a closer sentence for, is another fact."""
    own = chosen.sentence.article_id
    if sentence.article_id == own or sentence.article_id not in texts or own not in texts:
        return False
    bar = load_fact_rules().retell_threshold
    found = told_in(chosen.text, texts[sentence.article_id], texts[own], bar)
    return found is not None and found.start == sentence.start


def statement_of(analysis: EventAnalysis, candidate: Candidate) -> int | None:
    if candidate.quote is None:
        return None
    where = (candidate.sentence.article_id, candidate.quote)
    for n, statement in enumerate(analysis.statements):
        if any((variant.article, variant.quote) == where for variant in statement.variants):
            return n
    return None


def content_words(text: str) -> frozenset[str]:
    """The lowercased words of a text that are not stop words (nor "said", "says", "told")."""
    stop = _stop_words()
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in stop)


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS  # importing spaCy takes a second: when used

    return frozenset(STOP_WORDS | words_for("quotes.reporting-forms", "core"))
