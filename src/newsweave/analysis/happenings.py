"""Whether two values read in different articles of one event tell of one happening.

`analysis.disagreements` asks this of every pair of values of one kind (a count, a date, a place,
a person, a yes/no fact) before it groups them: two outlets' different tolls are a disagreement
only when they are tolls of the same attack.

Two comparable values (`comparable`) of different articles are linked when they tell of one
happening (`same_happening`), by what the project already measures of two sentences, their
claim (`claims.align_claims`) and their MiniLM cosine, with what the values are of:

    count   in one claim, or cosine >= 0.55, or >= 0.45 with two clause words shared (not only
            names); a
            casualty class (one toll per happening) >= 0.4
    date    the same happening named (>= 0.3, or one claim); the one's happening told by a verb
            of the other's clause (>= 0.5, or one claim); the same named participants (subject
            or object) and the two clauses alike (>= 0.55 and the clauses' cosine >= 0.45); two
            ledes' only days (the first two sentences of reports of one publication day, or
            undated, >= 0.6, neither report giving the other's day anywhere: a follow-up knows
            both); or cosine >= 0.85; never when one's sentence names the other's
            happening after "following" or "after" (another moment)
    place   the same word placed (>= 0.3, or one claim), or cosine >= 0.85
    person  a speaker: one claim and cosine >= 0.7, cosine >= 0.8, or the two remarks (the
            quotation, or the clause of saying) >= 0.75; never when one's sentence names the
            other ("X said, according to Y"); a leader: the same holder named
    yes_no  one claim, or each one's subject named in the other's sentence

The thresholds were set on the "tune" half of bench/planted_disagreements.py (BENCHMARKS.md)
and the sample corpus, then, that benchmark's held-out half once scored, on both its halves;
never on its fresh set (ECB+ events, `build --fresh`), which is scored once per pass.

Why by hand: no library tells the happening a value belongs to; spaCy's parse gives the heads
the value readers read, MiniLM's cosine (cached: the claims step embedded the same sentences)
says which sentences tell the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass

import numpy as np

from newsweave.analysis.claims import Claim, EventText
from newsweave.analysis.dates import publication_day
from newsweave.analysis.nlp import Sentence, minilm
from newsweave.analysis.values import Mention
from newsweave.analysis.values.counts import same_kind, victim_classes
from newsweave.analysis.values.days import same_form
from newsweave.analysis.values.people import same_holder
from newsweave.analysis.values.places import same_level
from newsweave.analysis.values.rules import words
from newsweave.analysis.values.yes_no import concept
from newsweave.analysis.vocabularies import words_for
from newsweave.stories.embed import Embedder

__all__ = ["CLAIMED", "Evidence", "comparable", "same_happening"]

# MiniLM cosines of two sentences, measured on the tune half
COUNT_ALONE, COUNT_WITH_WORDS, COUNT_WORDS = 0.55, 0.45, 2
CASUALTY = 0.4  # a count of dead, injured or missing: one toll per happening
DATE_SHARED, DATE_TOLD, DATE_ALONE = 0.3, 0.5, 0.85
DATE_PARTIES, DATE_CLAUSES = 0.55, 0.45  # the same named participants, and their clauses
LEDE, LEDES = 1, 0.6  # the last sentence (from 0) of a lede; two ledes' cosine
PLACE_SHARED, PLACE_ALONE = 0.3, 0.85
SPEAKER_CLAIMED, SPEAKER_ALONE = 0.7, 0.8
REMARKS, REMARK_SENTENCES = 0.75, 0.4  # two remarks' cosine, when their sentences are this alike
CLAIMED = 1.0  # the score of two sentences of one claim
NAMED = 1.0  # added to the score of two dates of one named happening: they merge first
# a name followed by one of these is a speaker ("Barr wrote"), not a modifier (quotes.toml)
SPEAKER_FORMS = tuple(sorted(words_for("quotes.reporting-forms", "core", "speaker")))


def comparable(a: Mention, b: Mention) -> bool:
    """Whether two mentions of one kind are values of the same sort of thing (before asking
    whether of the same happening)."""
    if a.kind == "count":
        return (
            a.what == b.what
            and same_kind(a, b)
            and (not a.days or not b.days or bool(a.days & b.days))
        )
    if a.kind == "date":
        return same_form(a, b) is not None
    if a.kind == "place":  # "University of Pavia in Italy", "Liverpool ... University in the UK"
        kinds = not a.kinds or not b.kinds or bool(a.kinds & b.kinds)
        return same_level(a, b) and kinds and a.role == b.role  # "near" only with "near"
    if a.kind == "person":
        return a.role == b.role and (a.role != "led" or same_holder(a, b))
    return concept(a) == concept(b)


@dataclass(frozen=True)
class Evidence:
    """What tells two sentences of one event apart: their claims, their cosines, and the days
    each article gives."""

    event: EventText
    claim_of: Mapping[tuple[str, int], int]  # (article id, sentence end) -> claim
    similarity: _Similarity
    days_of: Sequence[frozenset[str]]  # every form of every day each article gives

    @classmethod
    def of(
        cls,
        event: EventText,
        claims: Sequence[Claim],
        mentions: Sequence[Mention],
        pairs: Mapping[str, Sequence[tuple[Mention, Mention]]],
        embedder: Embedder | None,
    ) -> Evidence:
        claim_of = {
            (s.article_id, s.end): n for n, claim in enumerate(claims) for s in claim.sentences
        }
        similarity = _Similarity(
            [m.sentence for kind in pairs.values() for pair in kind for m in pair], embedder
        )
        days_of = [
            frozenset(
                v for m in mentions if m.kind == "date" and m.article == n for _, v in m.forms
            )
            for n in range(len(event.articles))
        ]
        evidence = cls(event, claim_of, similarity, days_of)
        similarity.prefetch(  # the clauses and remarks the tests will compare, in one call
            text
            for kind, needs in (("date", _needs_clauses), ("person", _needs_remarks))
            for a, b in pairs[kind]
            if needs(evidence, a, b)
            for text in (a.clause, b.clause)
        )
        return evidence

    def claimed(self, a: Mention, b: Mention) -> bool:
        """Whether the two mentions' sentences are aligned in one claim."""
        articles = self.event.articles
        claim = self.claim_of.get((articles[a.article].article_id, a.sentence.end))
        return claim is not None and claim == self.claim_of.get(
            (articles[b.article].article_id, b.sentence.end)
        )


def same_happening(evidence: Evidence, a: Mention, b: Mention) -> float | None:
    """How surely two comparable mentions tell of one happening (a score, the surest highest),
    or None when they do not (see the module doc)."""
    claimed = evidence.claimed(a, b)
    if a.kind == "yes_no":
        named = _names_in(a.what - {concept(a)}, b.sentence) and _names_in(
            b.what - {concept(b)}, a.sentence
        )
        return CLAIMED if claimed or named else None
    if a.kind == "person" and a.role == "led":
        return CLAIMED  # the holder names what was led
    cosine = evidence.similarity(a.sentence, b.sentence)
    test = {"count": _same_count, "date": _same_date, "place": _same_place}.get(
        a.kind, _same_remark
    )
    score = test(evidence, a, b, claimed, cosine)
    if score is None:
        return None
    return CLAIMED if claimed else score


def _same_count(
    evidence: Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    if a.what & victim_classes():  # one toll per happening: a casualty class says much
        return cosine if claimed or cosine >= CASUALTY else None
    # two clause words in common, one at least no name: the same people named tell no happening
    common = a.words & b.words
    shared = len(common) >= COUNT_WORDS and any(word.islower() for word in common)
    linked = claimed or cosine >= COUNT_ALONE or (shared and cosine >= COUNT_WITH_WORDS)
    return cosine if linked else None


def _same_date(
    evidence: Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    if _told_apart(a, b) or _told_apart(b, a):
        return None  # "charged on Thursday following the shootings": the shooting's another day
    if a.what & b.what and (claimed or cosine >= DATE_SHARED):
        return NAMED + cosine  # one named happening: merged before the rest
    if _dated_alike(evidence, a, b, claimed, cosine):
        return cosine
    if _needs_clauses(evidence, a, b):  # the same people named: are the clauses alike?
        alike = evidence.similarity.of_texts(a.clause, b.clause) >= DATE_CLAUSES
        return cosine if alike else None
    return None


def _told_apart(a: Mention, b: Mention) -> bool:
    """Whether a date's sentence tells the other date's happening at another moment ("charged
    following the shootings" and "shot on Tuesday"), a verb and its noun counting as one word."""
    return any(_one_word(x, y) for x in a.apart for y in b.what)


def _one_word(x: str, y: str) -> bool:
    """Whether two lemmas are one word's noun and verb ("shooting" / "shoot", "striking" /
    "strike")."""
    x, y = (w.removesuffix("e") if len(w) > 4 else w for w in (x, y))
    return x == y or (min(len(x), len(y)) >= 4 and (x.startswith(y) or y.startswith(x)))


def _dated_alike(evidence: Evidence, a: Mention, b: Mention, claimed: bool, cosine: float) -> bool:
    """Two dates linked without a shared happening named: one's happening a verb of the
    other's clause, two ledes, or sentences nearly one."""
    told = (a.what & b.words) | (b.what & a.words)
    return bool(
        (told and (claimed or cosine >= DATE_TOLD))
        or cosine >= DATE_ALONE
        or (cosine >= LEDES and _are_ledes(evidence, a, b))
    )


def _needs_clauses(evidence: Evidence, a: Mention, b: Mention) -> bool:
    """Whether two dates are linked only if their clauses are alike: no other route links them,
    and their verbs' subjects or objects share a name, the sentences alike enough."""
    claimed, cosine = evidence.claimed(a, b), evidence.similarity(a.sentence, b.sentence)
    if a.what & b.what and (claimed or cosine >= DATE_SHARED):
        return False
    names = any(p.istitle() or p.isupper() for p in a.parties & b.parties)
    return (
        names
        and (claimed or cosine >= DATE_PARTIES)
        and not _dated_alike(evidence, a, b, claimed, cosine)
    )


def _same_place(
    evidence: Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    shared = (a.what & b.what) - words("grammar.light")  # one thing placed
    linked = cosine >= PLACE_ALONE or (shared and (claimed or cosine >= PLACE_SHARED))
    return cosine if linked else None


def _same_remark(
    evidence: Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    if _is_named_in(a, b) or _is_named_in(b, a):
        return None  # both named in one sentence: two people of one remark, no dispute of who
    if (claimed and cosine >= SPEAKER_CLAIMED) or cosine >= SPEAKER_ALONE:
        return cosine
    if cosine >= REMARK_SENTENCES:
        said = evidence.similarity.of_texts(a.clause, b.clause)
        return said if said >= REMARKS else None
    return None


def _needs_remarks(evidence: Evidence, a: Mention, b: Mention) -> bool:
    """Whether two speakers are linked only if their remarks are alike (`_same_remark`)."""
    if a.role != "said" or _is_named_in(a, b) or _is_named_in(b, a):
        return False
    cosine = evidence.similarity(a.sentence, b.sentence)
    told_alike = (evidence.claimed(a, b) and cosine >= SPEAKER_CLAIMED) or cosine >= SPEAKER_ALONE
    return not told_alike and cosine >= REMARK_SENTENCES


def _are_ledes(evidence: Evidence, a: Mention, b: Mention) -> bool:
    """Whether two dates are their articles' ledes' only days, the articles published on one
    day (or undated), and neither gives the other's day anywhere: the first sentences of the
    reports of one event tell its main happening, unless a report is a later day's (it leads
    with what happened next) or knows of both days (a follow-up's lede, "the city woke on
    Tuesday to ...", beside "the fire started on Monday")."""
    published = [evidence.event.articles[m.article].published_at for m in (a, b)]
    days_of = evidence.days_of
    return (
        len({publication_day(day) if day else None for day in published}) == 1
        and all(m.sentence.index <= LEDE and len(m.days) == 1 for m in (a, b))
        and not {value for _, value in b.forms} & days_of[a.article]
        and not {value for _, value in a.forms} & days_of[b.article]
    )


def _is_named_in(speaker: Mention, other: Mention) -> bool:
    """Whether the other speaker's sentence names this one as a person ("the Biden
    administration" names an administration)."""
    return any(
        e.label == "PERSON"
        and e.text.split()[-1].lower() == speaker.value
        and not _is_modifier(other.sentence, e.end)
        for e in other.sentence.entities
    )


def _is_modifier(sentence: Sentence, end: int) -> bool:
    """Whether a name ending at `end` is followed by a noun it modifies ("Biden
    administration") or a possessive."""
    after = sentence.text[end - sentence.start :].lstrip()
    return (after[:1].islower() and not after.startswith(SPEAKER_FORMS)) or (
        after.startswith(("'s", "’s"))
    )


def _names_in(names: Set[str], sentence: Sentence) -> bool:
    return bool(names) and any(name in sentence.text.lower() for name in names)


class _Similarity:
    """MiniLM cosines of the sentences mentions are in, embedded in one call, and of other
    texts (a date's clause, a speaker's remark) embedded when first asked for."""

    def __init__(self, sentences: Sequence[Sentence], embedder: Embedder | None) -> None:
        self.embedder = embedder or minilm()
        texts = list(dict.fromkeys(s.text for s in sentences))
        self.row = {text: n for n, text in enumerate(texts)}
        self.vectors = self.embedder.embed(texts) if texts else np.empty((0, 1))
        self.others: dict[str, np.ndarray] = {}

    def __call__(self, a: Sentence, b: Sentence) -> float:
        return float(self.vectors[self.row[a.text]] @ self.vectors[self.row[b.text]])

    def of_texts(self, a: str, b: str) -> float:
        if not a or not b:
            return 0.0
        self.prefetch((a, b))
        return float(self.others[a] @ self.others[b])

    def prefetch(self, texts: Iterable[str]) -> None:
        """Embed these texts in one call, for `of_texts` to read."""
        missing = list(dict.fromkeys(t for t in texts if t and t not in self.others))
        if missing:
            self.others.update(zip(missing, self.embedder.embed(missing), strict=True))
