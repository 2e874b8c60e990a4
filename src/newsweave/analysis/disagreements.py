"""Where the sources of one event disagree: a count, a date, a place, a person, or a yes/no fact.

`find_disagreements(articles)` reads every sentence of one event's articles for the values it
asserts (`analysis.values`: one reader per kind, its words and patterns in the rule files
`analysis/rules/*.toml`), decides which values are of the same happening, and reports each
happening the sources give more than one value for, with each side's sentences and
independent-source count (wire copies and one publisher family count once, as for claims).

Reading by meaning. Each value comes with what it is of (`Mention.what`): a count, the noun it
counts ("girl", "charge", "troop"; "dead" for any casualty noun or verb) with the words of its
kind and the places of its clause; a date, the happening it dates (its verb, or the event noun
it names the day of: "Thursday's talks", "the shooting on Sunday"), its days in every form its
article can give (the day itself when a publication date or a year resolves it, its weekday,
its month and day: two undated reports' "Tuesday" and "Thursday" for one happening differ); a
place, the word it is attached to in any construction ("a judge in Maryland", "a Maryland
judge", "the university in Murfreesboro") and its level (country, state, city); a person, the
remark they are the speaker of, or what they led. Two values are comparable when they are
values of the same sort of thing (`_comparable`: one noun of one kind, two dates with a form in
common, two places of one level, two speakers).

Same happening. Two comparable values of different articles are linked when they tell of one
happening (`_same_happening`), by what the project already measures of two sentences, their
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

One article, several values. Links are merged into groups of one happening, the surest first
(`_groups`), never so that one article gives two values in a group: an article that gives a
toll for each of two attacks is not contradicting itself, and still takes a side when another
outlet gives a different toll for one of them. A group with two linked mentions of different
articles that give different values is a disagreement (`_disagreement`); "late Tuesday" and
"early Wednesday" are one night told from either side of midnight, not two values. A place
disagreement whose every side names another side's place anywhere is none: each writer knew of
both places, and one may lie in the other ("Kenosha, Wisconsin"); an outlet's error is named by
no other outlet. So for people (two officials of one story say alike things), named with
tolerance (`people.same_person`: "Ilse" and "Ilse Varga", "Wolfe" and "Wolff"); one place's two
names are one place (`places.same_place`: "New York City", "New York"). A count disagreement is
none when a side's articles also give another side's figure of the same thing (that writer knew
both: two things or two moments), or when a sentence of the event says that figure rose (an
update of the story, not a dispute: `counts.updated`). A person disagreement that splits the
articles as a yes/no one does, with the same sentences ("led by Korda" against "represented
by Orlov", and against "Korda did not travel"), is that conflict told another way, stated
once (`_told`).

Each side's value is as its sources print it where the form allows: a count as a whole number
(a toll "including two gunmen" compared less them, shown as printed), a date as the day
("2026-03-05") when every mention resolves it, else the weekday ("Tuesday") or the month and
day ("March 5"), a place or a person as the fullest name printed.

Why by hand: no library extracts (quantity, what it counts) or tells the happening a date or a
place belongs to; spaCy's parse gives the heads these readers read, MiniLM's cosine (cached:
the claims step embedded the same sentences) says which sentences tell the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Literal

import numpy as np

from newsweave.analysis.claims import (
    Claim,
    ClaimSentence,
    EventText,
    align_claims,
    claim_sentence,
    count_sources,
    read_event,
)
from newsweave.analysis.dates import publication_day
from newsweave.analysis.nlp import Sentence, minilm
from newsweave.analysis.values import Mention, read_values
from newsweave.analysis.values.counts import (
    NOT,
    same_kind,
    updated,
    victim_classes,
    within_rounding,
)
from newsweave.analysis.values.days import is_same_night, same_form
from newsweave.analysis.values.people import same_holder, same_person
from newsweave.analysis.values.places import named_together, same_level, same_place
from newsweave.analysis.values.rules import words
from newsweave.analysis.values.yes_no import concept
from newsweave.analysis.vocabularies import words_for
from newsweave.model import Article
from newsweave.stories.embed import Embedder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Disagreement", "DisagreementKind", "Side", "find_disagreements"]

DisagreementKind = Literal["count", "date", "place", "person", "yes_no"]
KINDS: tuple[DisagreementKind, ...] = ("count", "date", "yes_no", "person", "place")

# Same happening (see the module doc): MiniLM cosines of two sentences, measured on the tune half
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
AGREEING = 0.05  # a link between two equal values goes before a link of the same score
# a name followed by one of these is a speaker ("Barr wrote"), not a modifier (quotes.toml)
SPEAKER_FORMS = tuple(sorted(words_for("quotes.reporting-forms", "core", "speaker")))


@dataclass(frozen=True)
class Side:
    # "9", "2026-03-05", "Tuesday", "yes" / "no", "Saltmere", "Vesna Korda": a count as its
    # first sentence prints it (a toll "including two gunmen" is compared less them), a
    # person's fullest name
    value: str
    article_ids: tuple[str, ...]
    sentences: tuple[ClaimSentence, ...]
    independent_sources: int


@dataclass(frozen=True)
class Disagreement:
    kind: DisagreementKind
    about: str  # what the values are of: "dead", "meet hold", "attend korda"
    sides: tuple[Side, ...]  # the most independently backed first


@dataclass(frozen=True)
class _Link:
    score: float
    a: int
    b: int


def find_disagreements(
    articles: Sequence[Article] | EventText,
    claims: Sequence[Claim] | None = None,
    docs: Sequence[Doc] | None = None,
    copy_groups: Mapping[str, str] | None = None,
    *,
    embedder: Embedder | None = None,
) -> list[Disagreement]:
    """The disagreements among one event's articles (see the module doc); claims are aligned
    here unless given. `embedder` is MiniLM unless given (its cache holds the sentences the
    claims embedded)."""
    event = articles if isinstance(articles, EventText) else read_event(articles, docs, copy_groups)
    claims = align_claims(event, embedder=embedder) if claims is None else claims
    bodies = _bodies(event)
    mentions = [m for m in read_values(event) if not _is_body(m, bodies)]
    pairs: dict[str, list[tuple[Mention, Mention]]] = {
        kind: [
            (a, b)
            for a, b in combinations([m for m in mentions if m.kind == kind], 2)
            if a.article != b.article and _comparable(a, b)
        ]
        for kind in KINDS
    }
    evidence = _Evidence.of(event, claims, mentions, pairs, embedder)
    moved = _updated(event)
    found: list[Disagreement] = []
    for kind in KINDS:
        of_kind = [m for m in mentions if m.kind == kind]
        index = {id(m): n for n, m in enumerate(of_kind)}
        links = []
        for a, b in pairs[kind]:
            score = _same_happening(evidence, a, b)
            if score is not None:
                bonus = 0.0 if _differ(a, b) else AGREEING
                links.append(_Link(score + bonus, index[id(a)], index[id(b)]))
        for group in _groups(of_kind, links):
            disagreement = _disagreement(event, of_kind, links, group)
            if disagreement is None or (kind == "count" and disagreement.about in moved):
                continue  # a figure an outlet says moved: an update, not a dispute
            if not _told(disagreement, found):
                found.append(disagreement)
    return found


# --- which values are about the same thing ----------------------------------------------------


def _comparable(a: Mention, b: Mention) -> bool:
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
class _Evidence:
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
    ) -> _Evidence:
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


def _same_happening(evidence: _Evidence, a: Mention, b: Mention) -> float | None:
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
    evidence: _Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    if a.what & victim_classes():  # one toll per happening: a casualty class says much
        return cosine if claimed or cosine >= CASUALTY else None
    # two clause words in common, one at least no name: the same people named tell no happening
    common = a.words & b.words
    shared = len(common) >= COUNT_WORDS and any(word.islower() for word in common)
    linked = claimed or cosine >= COUNT_ALONE or (shared and cosine >= COUNT_WITH_WORDS)
    return cosine if linked else None


def _same_date(
    evidence: _Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
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


def _dated_alike(evidence: _Evidence, a: Mention, b: Mention, claimed: bool, cosine: float) -> bool:
    """Two dates linked without a shared happening named: one's happening a verb of the
    other's clause, two ledes, or sentences nearly one."""
    told = (a.what & b.words) | (b.what & a.words)
    return bool(
        (told and (claimed or cosine >= DATE_TOLD))
        or cosine >= DATE_ALONE
        or (cosine >= LEDES and _are_ledes(evidence, a, b))
    )


def _needs_clauses(evidence: _Evidence, a: Mention, b: Mention) -> bool:
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
    evidence: _Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    shared = (a.what & b.what) - words("grammar.light")  # one thing placed
    linked = cosine >= PLACE_ALONE or (shared and (claimed or cosine >= PLACE_SHARED))
    return cosine if linked else None


def _same_remark(
    evidence: _Evidence, a: Mention, b: Mention, claimed: bool, cosine: float
) -> float | None:
    if _is_named_in(a, b) or _is_named_in(b, a):
        return None  # both named in one sentence: two people of one remark, no dispute of who
    if (claimed and cosine >= SPEAKER_CLAIMED) or cosine >= SPEAKER_ALONE:
        return cosine
    if cosine >= REMARK_SENTENCES:
        said = evidence.similarity.of_texts(a.clause, b.clause)
        return said if said >= REMARKS else None
    return None


def _needs_remarks(evidence: _Evidence, a: Mention, b: Mention) -> bool:
    """Whether two speakers are linked only if their remarks are alike (`_same_remark`)."""
    if a.role != "said" or _is_named_in(a, b) or _is_named_in(b, a):
        return False
    cosine = evidence.similarity(a.sentence, b.sentence)
    told_alike = (evidence.claimed(a, b) and cosine >= SPEAKER_CLAIMED) or cosine >= SPEAKER_ALONE
    return not told_alike and cosine >= REMARK_SENTENCES


def _are_ledes(evidence: _Evidence, a: Mention, b: Mention) -> bool:
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


def _bodies(event: EventText) -> frozenset[str]:
    """The organisations the event's articles name, lower-cased."""
    return frozenset(
        e.text.lower().removeprefix("the ")
        for doc in event.docs
        for e in doc.ents
        if e.label_ == "ORG"
    )


def _is_body(mention: Mention, bodies: Set[str]) -> bool:
    """Whether a person's name of two words or more begins a longer one the event's articles
    print as an organisation's (the small model tags "Kleiner Perkins said" a person, and
    "Kleiner Perkins Caufield & Byers" a firm; it tags people as bodies too, so a name that
    is a body's in one sentence is still read)."""
    name = mention.shown.lower()
    if mention.kind != "person" or len(name.split()) < 2:
        return False  # one word ("Trump") the small model calls a body as often as not
    return any(body.startswith(name + " ") for body in bodies)


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


# --- groups and sides -------------------------------------------------------------------------


def _forms(mention: Mention) -> tuple[tuple[str, str], ...]:
    return mention.forms or (("value", mention.value),)


def _value_in(mention: Mention, form: str) -> str:
    return dict(_forms(mention))[form]


def _differ(a: Mention, b: Mention) -> bool:
    """Whether two mentions give values that cannot both be true."""
    if a.kind == "date":
        form = same_form(a, b)
        if form is None or _value_in(a, form) == _value_in(b, form):
            return False
        return not is_same_night(a, b, form)
    if a.kind == "count" and within_rounding(a, b):
        return False
    if a.kind == "person":
        return not same_person(a, b)  # "Ilse" and "Ilse Varga", "Wolfe" and "Wolff"
    if a.kind == "place":
        return not same_place(a, b)  # "New York City" and "New York"
    return not ({a.value, a.also} - {None}) & ({b.value, b.also} - {None})


def _groups(mentions: Sequence[Mention], links: Sequence[_Link]) -> list[list[int]]:
    """Mentions of one happening, merged along the links, the surest first, never so that one
    article gives two values in a group (an article that gives a toll for each of two attacks
    is not contradicting itself) nor that its dates share no form."""
    group_of = list(range(len(mentions)))
    members: dict[int, list[int]] = {n: [n] for n in range(len(mentions))}
    for link in sorted(links, key=lambda link: -link.score):
        x, y = group_of[link.a], group_of[link.b]
        if x == y or not _can_merge(mentions, members[x], members[y]):
            continue
        members[x] += members.pop(y)
        for n in members[x]:
            group_of[n] = x
    return [group for group in members.values() if len(group) > 1]


def _can_merge(mentions: Sequence[Mention], x: Sequence[int], y: Sequence[int]) -> bool:
    if mentions[x[0]].kind == "date" and _common_form([mentions[n] for n in (*x, *y)]) is None:
        return False
    if mentions[x[0]].kind == "place" and not all(
        same_level(mentions[i], mentions[j]) for i in x for j in y
    ):
        return False  # a city and a state joined through a name of both levels ("New York")
    return not any(
        mentions[i].article == mentions[j].article and _differ(mentions[i], mentions[j])
        for i in x
        for j in y
    )


def _common_form(mentions: Sequence[Mention]) -> str | None:
    """The most precise form every mention has."""
    shared = set.intersection(*({form for form, _ in _forms(m)} for m in mentions))
    return next((form for form, _ in _forms(mentions[0]) if form in shared), None)


def _disagreement(
    event: EventText, mentions: Sequence[Mention], links: Sequence[_Link], group: Sequence[int]
) -> Disagreement | None:
    """The group's values as sides, when two linked mentions in different articles give
    different values."""
    members = set(group)
    if not any(
        link.a in members and link.b in members and _differ(mentions[link.a], mentions[link.b])
        for link in links
    ):
        return None
    of_group = [mentions[n] for n in group]
    form = _common_form(of_group) or "value"
    by_value: dict[str, list[Mention]] = {}
    for mention in of_group:  # a person or place under the first name of it told so
        value = _value_in(mention, form)
        if mention.kind in ("person", "place"):
            named = (v for v, ms in by_value.items() if not _differ(ms[0], mention))
            value = next(named, value)
        by_value.setdefault(value, []).append(mention)
    if len(by_value) < 2:
        return None
    kind = of_group[0].kind
    if kind in ("place", "person") and named_together(event, list(by_value.values()), _name):
        return None  # each writer knew both: one place in the other, alike remarks of two
    if kind == "count" and _known_together(mentions, list(by_value.values())):
        return None
    sides = sorted((_side(event, ms, form) for ms in by_value.values()), key=_side_order)
    return Disagreement(kind, _about(of_group), tuple(sides))


def _name(mention: Mention) -> str:
    """A place as printed; a person by surname as printed ("Varga" names "Ilse Varga")."""
    return mention.shown.split()[-1] if mention.kind == "person" else mention.shown


def _known_together(mentions: Sequence[Mention], sides: Sequence[Sequence[Mention]]) -> bool:
    """Whether a side's articles give another side's figure somewhere, as a count of the same
    thing: that writer knew both figures, so they are of two things or two moments (a
    player's season and his months with a team, a toll on two days), and the other side
    gives one of them, not a figure disputed. An outlet's error is given by no other outlet."""
    what = sides[0][0].what
    given: dict[int, set[str]] = {}
    for m in mentions:
        if m.what == what:
            given.setdefault(m.article, set()).add(m.value)
    values = [{m.value for m in side} for side in sides]
    return any(
        given[m.article] & values[j]
        for i, side in enumerate(sides)
        for m in side
        for j in range(len(sides))
        if j != i
    )


def _updated(event: EventText) -> frozenset[str]:
    """What the counts of the event's sentences that say a figure changed count."""
    out: set[str] = set()
    for doc, sentences in zip(event.docs, event.sentences, strict=True):
        for sentence in sentences:
            span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
            out |= updated(span) if span is not None else set()
    return frozenset(out)


def _side(event: EventText, mentions: Sequence[Mention], form: str) -> Side:
    sentences = tuple(dict.fromkeys(claim_sentence(event, m.article, m.sentence) for m in mentions))
    article_ids = tuple(dict.fromkeys(s.article_id for s in sentences))
    first = mentions[0]
    if first.kind == "count":  # as the side's first sentence prints it, attackers in
        shown = first.also or first.value
    elif first.kind == "date":
        value = _value_in(first, form)
        shown = value if form == "day" else value.title()
    else:
        shown = max((m.shown for m in mentions), key=len) or first.value  # the fullest name
    return Side(shown, article_ids, sentences, count_sources(event, article_ids)[1])


def _side_order(side: Side) -> tuple[int, int, str]:
    """The most independently backed first; counts that tie, smallest first."""
    return -side.independent_sources, int(side.value) if side.value.isdigit() else 0, side.value


def _about(mentions: Sequence[Mention]) -> str:
    """What the values are of: a count's noun or casualty class; else the words their `what`s
    share most, up to three."""
    if mentions[0].kind == "count":
        return next(word for word in sorted(mentions[0].what) if word != NOT)
    counts: dict[str, int] = {}
    for mention in mentions:
        for word in mention.what:
            counts[word] = counts.get(word, 0) + 1
    return " ".join(sorted(counts, key=lambda w: (-counts[w], w))[:3])


def _told(disagreement: Disagreement, found: Sequence[Disagreement]) -> bool:
    """Whether a person disagreement is a yes/no one already found, told by who went instead:
    "led by Korda" / "represented by Orlov" splits the articles as "Korda led" / "Korda did not
    travel" does, and its sentences are that one's. One conflict is stated once."""
    camps = {frozenset(side.article_ids) for side in disagreement.sides}
    sentences = {sentence for side in disagreement.sides for sentence in side.sentences}
    return disagreement.kind == "person" and any(
        earlier.kind == "yes_no"
        and {frozenset(side.article_ids) for side in earlier.sides} == camps
        and any(sentence in sentences for side in earlier.sides for sentence in side.sentences)
        for earlier in found
    )
