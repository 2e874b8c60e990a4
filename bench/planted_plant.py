"""Planting one event's disagreements for the benchmark (bench/planted_disagreements.py).

A value is planted when one article of an event of two or more articles states it once and
another article states the same value of the same kind (the same number and noun, weekday, day,
place, surname) of the same happening (`SAME`: the two sentences' MiniLM cosine, or a lower one
with content words shared by the two clauses). It is changed in that one article, minimally: a
count to a nearby one in the same form ("12" -> "14", "three" -> "five", "136,000" ->
"135,000"); a weekday to the day before or after; a month's day by one to three days; a place to
one of the same kind named twice or more elsewhere in the file and nowhere in the event, a city
to one named with the same states and countries (`_nearest`); a person to another speaker of the
file named nowhere in the event, in the same form (surname, or as many words), of the same gender
where pronouns tell it. Up to `PER_EVENT` values per event and kind (one date: weekdays are many),
chosen with a fixed seed, so the same data always gives the same cases.

The half is by a hash of the event id (`half_of`), "tune" or "held-out", for cases and controls
alike; the fresh set's events (ECB+, `build --fresh`) are the "fresh" half.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsweave.analysis.words import MONTHS, WEEKDAYS
from planted_read import (
    KINDS,
    NUMBER_WORDS,
    TENS,
    Mention,
    Similarity,
    count_value,
    place_kind,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc

HALVES = ("tune", "held-out", "fresh", "new", "again", "unseen-tune", "unseen-held-out")
FRESH_FILE = "cluster-ecbplus.jsonl"  # events no one tuned on: the fresh held-out set
SEED = 25
# The new held-out set (`build --new`): the summarization events planted again with this seed,
# its cases of the "new" half, or "again" for a value the seed-25 set planted (`build`).
NEW_SEED = 2512
# The unseen set (`build --unseen`): the ECB+ events planted again with this seed and no cap,
# keeping only the values the fresh set (FRESH_SEED, `PER_EVENT`) did not plant; its events fall
# in "unseen-tune" and "unseen-held-out" by `unseen_half`.
UNSEEN_SEED = 4125
# The salt of the unseen set's halves: of 0-199, the one that splits each kind's cases most
# evenly (every kind within 3% of half), chosen from the built cases' counts alone before any
# case was scored.
UNSEEN_SALT = 12

# When two mentions of one value are of one happening: (sentence cosine enough alone, shared
# clause words, cosine enough with them). Read on the dev pairs (see the module doc): a count's
# number and noun are specific, so a little likeness does; a weekday or a place is named for
# many happenings of one story; a person is the same speaker of another remark unless the two
# sentences tell the same remark.
# Values planted per event and kind, at most: weekdays are many, the others few.
PER_EVENT = {"count": 3, "date": 1, "place": 3, "person": 3}
PER_EVENT_NEW = {"count": 100, "date": 100, "place": 100, "person": 100}
SAME = {"count": (0.3, 1, 0.0), "date": (0.5, 2, 0.3), "place": (0.5, 2, 0.3)}
SAME["person"] = (0.6, 1000, 1.0)
SHORT = 6  # words: a shorter sentence tells too little of what happened ('"Yes," Clinton said.')
US_NAMES = frozenset({"U.S.", "US", "USA", "U.S.A.", "America", "United States"})


@dataclass(frozen=True)
class Case:
    case_id: str
    file: str
    event_id: str
    half: str
    kind: str
    article_id: str  # the edited article, as the file names it
    old: str
    new: str
    key: str  # the old value as compared ("12 people"); the new one is `new_key`
    new_key: str
    before: str
    after: str
    others: tuple[str, ...]  # the other articles that state the old value
    other_sentence: str  # one of them, as it states it
    text: str = field(repr=False)  # the edited article's whole text


@dataclass(frozen=True)
class Article:
    article_id: str
    text: str


@dataclass
class Plan:
    """What planting one file found: its cases, and the shared values each rule rejected."""

    cases: list[Case] = field(default_factory=list)
    rejected: list[tuple[str, str, Mention]] = field(default_factory=list)  # (event id, rule, m)


def plant_event(
    file: str,
    event_id: str,
    articles: Sequence[Article],
    mentions: Sequence[Sequence[Mention]],
    pools: Pools,
    similarity: Similarity,
    seed: int = SEED,
    half: str | None = None,
) -> Plan:
    """The planted cases of one event (see the module doc): for each kind, up to `PER_EVENT`
    values its articles share that the rules let through, each changed in one article;
    `mentions` are each article's (`find_mentions`), `pools` the file's places and speakers
    (`build_pools`), to take a new value from; `similarity` the cosine of two sentences
    (MiniLM's, in `build`); `half`, when given, is the cases' half and their ids' prefix, and
    every shared value is planted (no cap)."""
    plan = Plan()
    texts = [article.text for article in articles]
    digest = hashlib.sha1(f"{file}:{event_id}".encode()).hexdigest()[:10]
    prefix = "unseen-" if half else "new-" if seed == NEW_SEED else ""
    for kind in KINDS:
        rng = random.Random(f"{seed}:{file}:{event_id}:{kind}")
        of_kind = [[m for m in ms if m.kind == kind] for ms in mentions]
        most = (PER_EVENT_NEW if seed == NEW_SEED or half else PER_EVENT)[kind]
        chosen = _choose(kind, of_kind, event_id, plan, rng, similarity, most)
        for number, (index, mention, partners) in enumerate(chosen, start=1):
            new = _new_value(mention, texts, of_kind, pools, rng)
            if new is None:
                plan.rejected.append((event_id, "no-replacement", mention))
                continue
            text, new_key = new
            at = mention.start - mention.sentence_start
            plan.cases.append(
                Case(
                    case_id=f"{prefix}{kind}-{digest}-{number}",
                    file=file,
                    event_id=event_id,
                    half=half or ("new" if seed == NEW_SEED else half_of(file, event_id)),
                    kind=kind,
                    article_id=articles[index].article_id,
                    old=mention.text,
                    new=text,
                    key=mention.key,
                    new_key=new_key,
                    before=mention.sentence,
                    after=mention.sentence[:at] + text + mention.sentence[at + len(mention.text) :],
                    others=tuple(dict.fromkeys(articles[j].article_id for j, _ in partners)),
                    other_sentence=partners[0][1].sentence,
                    text=texts[index][: mention.start] + text + texts[index][mention.end :],
                )
            )
    return plan


def _choose(
    kind: str,
    of_kind: Sequence[Sequence[Mention]],
    event_id: str,
    plan: Plan,
    rng: random.Random,
    similarity: Similarity,
    most: int,
) -> list[tuple[int, Mention, list[tuple[int, Mention]]]]:
    """The mentions to edit, of different values: each a value an article states once, with
    another article stating it of the same happening; rejected values that another article
    shares are recorded in `plan`."""
    candidates = []
    for i, mentions in enumerate(of_kind):
        for m in mentions:
            shared = [
                (j, other)
                for j, others in enumerate(of_kind)
                if j != i
                for other in others
                if other.key == m.key and other.rejected is None
            ]
            if not shared:
                continue
            rule = m.rejected
            if rule is None and len(m.sentence.split()) < SHORT:
                rule = "short"
            if rule is None and m.kind != "person" and _is_repeated(m, mentions):
                rule = "repeated"
            partners = rule is None and [
                (j, other) for j, other in shared if _same_happening(m, other, similarity)
            ]
            if rule is None and not partners:
                rule = "other-happening"
            if rule is not None:
                plan.rejected.append((event_id, rule, m))
            else:
                candidates.append((i, m, partners))
    keys = sorted({m.key for _, m, _ in candidates})
    keys = rng.sample(keys, min(len(keys), most))
    return [rng.choice([c for c in candidates if c[1].key == key]) for key in keys]


def _is_repeated(mention: Mention, mentions: Sequence[Mention]) -> bool:
    return sum(m.key == mention.key for m in mentions) > 1


def _same_happening(a: Mention, b: Mention, similarity: Similarity) -> bool:
    """Whether two mentions of one value tell of one happening (`SAME`): their sentences are
    alike, or a little alike and their clauses share content words besides the value, one of
    them at least a verb, noun or adjective (two sentences naming the same people can tell of
    two happenings)."""
    alone, words, with_words = SAME[a.kind]
    cosine = similarity(a.sentence, b.sentence)
    shared = a.words & b.words
    what = any(word.islower() for word in shared)  # not only the same people named
    return cosine >= alone or (len(shared) >= words and what and cosine >= with_words)


def _new_value(
    mention: Mention,
    texts: Sequence[str],
    of_kind: Sequence[Sequence[Mention]],
    pools: Pools,
    rng: random.Random,
) -> tuple[str, str] | None:
    """The edited value as printed, and its key; None when no value fits."""
    taken = {m.key for ms in of_kind for m in ms}
    if mention.kind == "count":
        noun = mention.key.split(" ", 1)[1]
        for _ in range(20):
            text = other_count(mention.text, rng)
            value = _count_value(mention, text)
            if text and value is not None and f"{value:g} {noun}" not in taken:
                return text, f"{value:g} {noun}"
        return None
    if mention.kind == "date":
        return _other_date(mention, taken, rng)
    everything = "\n".join(texts)
    pool = [
        value
        for value in pools.values.get((mention.kind, mention.form), [])
        if not any(re.search(rf"\b{re.escape(w)}\b", everything) for w in value.split())
    ]
    if mention.kind == "place" and mention.form in ("city", "county"):
        pool = _nearest(pool, everything, pools)
    if mention.kind == "person" and mention.key in pools.gender:  # "he said" stays right
        gender = pools.gender[mention.key]
        pool = [v for v in pool if pools.gender.get(v.split()[-1].lower()) == gender]
    if not pool:
        return None
    text = rng.choice(pool)
    return text, (text.lower() if mention.kind == "place" else text.split()[-1].lower())


def _count_value(mention: Mention, text: str) -> float | None:
    old_key = float(mention.key.split(" ", 1)[0])
    old, new = count_value(mention.text), count_value(text)
    return None if old is None or new is None or old == 0 else old_key * new / old


def other_count(text: str, rng: random.Random) -> str:
    """A plausible different count in the same form: a word for a word ("three" -> "five"),
    digits with the same separators and decimals ("1,200" -> "1,300", "2.5" -> "2.8"), never
    below 2 and stepping by the number's own rounding (136,000 moves by thousands)."""
    lower = text.lower()
    if lower in NUMBER_WORDS or lower in TENS:
        value = NUMBER_WORDS.index(lower) if lower in NUMBER_WORDS else TENS[lower]
        if value >= 20:
            words = {v: w for w, v in TENS.items()}
            new = words[rng.choice([value + s for s in (-10, 10, 20) if value + s in words])]
        else:
            new = NUMBER_WORDS[_step(value, 1, rng, top=20)]
        return new.capitalize() if text[:1].isupper() else new
    if "." in text:
        decimals = text.split(".", 1)[1]
        unit = 10 ** -len(decimals)
        value = float(text.replace(",", ""))
        new = value + unit * rng.choice([-3, -2, 2, 3])
        return f"{new:.{len(decimals)}f}" if new >= 1 else f"{value + 3 * unit:.{len(decimals)}f}"
    value = int(text.replace(",", ""))
    zeros = len(str(value)) - len(str(value).rstrip("0"))
    zeros = min(zeros, len(str(value)) - 1)
    new = _step(value, 10**zeros, rng, top=None)
    return f"{new:,}" if "," in text else str(new)


def _step(value: int, unit: int, rng: random.Random, top: int | None) -> int:
    choices = [value + unit * d for d in (-2, -1, 1, 2, 3)]
    choices = [c for c in choices if c >= 2 and c != value and (top is None or c <= top)]
    # as many digits as before: 12 -> 14, not 12 -> 9; 800 -> 900, not 800 -> 1000
    choices = [c for c in choices if len(str(c)) == len(str(value))] or choices
    return rng.choice(choices)


def _other_date(mention: Mention, taken: set[str], rng: random.Random) -> tuple[str, str] | None:
    if mention.key in WEEKDAYS:
        at = WEEKDAYS.index(mention.key)
        options = [WEEKDAYS[(at + d) % 7] for d in (-1, 1)]
        free = [w for w in options if w not in taken] or options
        new = rng.choice(free)
        return (new.capitalize() if mention.text[:1].isupper() else new), new
    month, day = mention.key.split()
    options = [int(day) + d for d in (-3, -2, -1, 1, 2, 3) if 1 <= int(day) + d <= 28]
    free = [d for d in options if f"{month} {d}" not in taken] or options
    if not free:
        return None
    new = rng.choice(free)
    suffix = re.sub(r"^\d+", "", mention.text)
    if suffix:
        suffix = {1: "st", 2: "nd", 3: "rd"}.get(new % 10 if new not in (11, 12, 13) else 0, "th")
    return f"{new}{suffix}", f"{month} {new}"


def half_of(file: str, event_id: str) -> str:
    """ "fresh" for the fresh set's file, else "tune" or "held-out" by a hash of the event id
    (stable across runs and machines)."""
    if file == FRESH_FILE:
        return "fresh"
    return HALVES[hashlib.sha256(event_id.encode()).digest()[0] % 2]


def unseen_half(event_id: str) -> str:
    """The unseen set's half of an event, by a salted hash of its id (`UNSEEN_SALT`)."""
    digest = hashlib.sha256(f"{UNSEEN_SALT}:{event_id}".encode()).digest()
    return ("unseen-tune", "unseen-held-out")[digest[0] % 2]


@dataclass(frozen=True)
class Pools:
    """A file's values to plant from: its places by kind and its speakers by shape (surname,
    "2 words"...), each named in two or more of the file's sentences the rules let through, in
    sorted order (so a seed gives one choice); the regions (states, provinces, countries) named
    in the articles that name each city, so a city is replaced by one of the same region; and
    each surname's gender as the pronouns after its mentions tell it ("m", "f"; absent when
    they do not)."""

    values: dict[tuple[str, str], list[str]]
    regions: dict[str, frozenset[str]]
    gender: dict[str, str]


def build_pools(articles: Iterable[tuple[Doc, Sequence[Mention]]]) -> Pools:
    """The pools of a file from its articles' parses and mentions."""
    named: Counter[tuple[str, str, str]] = Counter()
    regions: dict[str, set[str]] = defaultdict(set)
    docs = []
    for doc, mentions in articles:
        docs.append(doc)
        around = {e.text for e in doc.ents if e.label_ == "GPE" and _is_region(e.text)}
        for m in mentions:
            if m.kind == "place" and _is_cut(doc, m.end):
                continue  # "Santa" of "Santa Rosa", which the small model cut: no place's name
            if m.rejected is None and m.kind == "place" and m.form != "street":
                named["place", m.form, m.text] += 1
                regions[m.text] |= around
            elif m.rejected is None and m.kind == "person" and m.form != "surname":
                named["person", m.form, m.text] += 1
                named["person", "surname", m.text.split()[-1]] += 1
    values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for (kind, form, text), times in sorted(named.items()):
        if times >= 2:
            values[kind, form].append(text)
    frozen = {place: frozenset(names) for place, names in regions.items()}
    return Pools(dict(values), frozen, _genders(docs))


def _is_cut(doc: Doc, end: int) -> bool:
    """Whether a name ending at character `end` goes on in a capitalised proper noun that is
    no weekday or month: the entity is part of a longer name."""
    at = next((t for t in doc if t.idx == end + 1), None)
    return (
        at is not None
        and at.pos_ == "PROPN"
        and at.is_title
        and at.lower_ not in WEEKDAYS
        and not any(m.startswith(at.lower_.rstrip(".")) for m in MONTHS if len(at.text) >= 3)
    )


def _is_region(name: str) -> bool:
    return place_kind(name) in ("state", "province", "country")


def _nearest(pool: Sequence[str], text: str, pools: Pools) -> list[str]:
    """The places of `pool` whose articles name the regions (states, provinces, countries) most
    like those `text` (an event's text) names, by Jaccard, leaving out those named with a
    country the event does not name: Las Vegas for Los Angeles, not Pyongyang; all of them
    when none shares a region."""
    known = {r for regions in pools.regions.values() for r in regions}
    named = {r for r in known if re.search(rf"\b{re.escape(r)}\b", text)}

    def score(place: str) -> float:
        regions = pools.regions.get(place, frozenset())
        return len(regions & named) / len(regions | named) if regions | named else 0.0

    def is_abroad(place: str) -> bool:  # named with a country the event does not name
        regions = pools.regions.get(place, frozenset()) - named
        return any(place_kind(r) == "country" and r not in US_NAMES for r in regions)

    pool = [place for place in pool if not is_abroad(place)] or list(pool)
    best = max(map(score, pool), default=0.0)
    return [place for place in pool if score(place) == best] if best > 0 else list(pool)


def _genders(docs: Iterable[Doc]) -> dict[str, str]:
    """Each surname's gender by the pronouns in the rest of the sentence naming it and in the
    next one: "m" or "f" when one kind is at least twice the other."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for doc in docs:
        sentences = list(doc.sents)
        for n, sentence in enumerate(sentences):
            for entity in sentence.ents:
                if entity.label_ != "PERSON":
                    continue
                after = [t for t in doc[entity.end : sentence.end]]
                after += list(sentences[n + 1]) if n + 1 < len(sentences) else []
                for token in after:
                    if token.lower_ in ("he", "him", "his", "himself"):
                        votes[entity[-1].lower_]["m"] += 1
                    elif token.lower_ in ("she", "her", "hers", "herself"):
                        votes[entity[-1].lower_]["f"] += 1
    return {
        name: "m" if count["m"] > count["f"] else "f"
        for name, count in votes.items()
        if max(count["m"], count["f"]) >= 2 * min(count["m"], count["f"]) and sum(count.values())
    }
