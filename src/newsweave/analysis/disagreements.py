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
values of the same sort of thing (`happenings.comparable`: one noun of one kind, two dates with a
form in common, two places of one level, two speakers).

Same happening. Two comparable values of different articles are linked when they tell of one
happening (`analysis.happenings`: their claim, their MiniLM cosine, and what the values are of).

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

from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Literal

from newsweave.analysis.claims import (
    Claim,
    ClaimSentence,
    EventText,
    align_claims,
    claim_sentence,
    count_sources,
    read_event,
)
from newsweave.analysis.happenings import Evidence, comparable, same_happening
from newsweave.analysis.values import Mention, read_values
from newsweave.analysis.values.counts import (
    NOT,
    updated,
    within_rounding,
)
from newsweave.analysis.values.days import is_same_night, same_form
from newsweave.analysis.values.people import same_person
from newsweave.analysis.values.places import named_together, same_level, same_place
from newsweave.model import Article
from newsweave.stories.embed import Embedder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = ["Disagreement", "DisagreementKind", "Side", "find_disagreements"]

DisagreementKind = Literal["count", "date", "place", "person", "yes_no"]
KINDS: tuple[DisagreementKind, ...] = ("count", "date", "yes_no", "person", "place")
AGREEING = 0.05  # a link between two equal values goes before a link of the same score


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
            if a.article != b.article and comparable(a, b)
        ]
        for kind in KINDS
    }
    evidence = Evidence.of(event, claims, mentions, pairs, embedder)
    moved = _updated(event)
    found: list[Disagreement] = []
    for kind in KINDS:
        of_kind = [m for m in mentions if m.kind == kind]
        index = {id(m): n for n, m in enumerate(of_kind)}
        links = []
        for a, b in pairs[kind]:
            score = same_happening(evidence, a, b)
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
