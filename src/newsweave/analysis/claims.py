"""Claims aligned across sources: the sentences of one event's articles that say the same thing.

`align_claims(articles)` takes the articles of one event and groups their sentences into
`Claim`s. A claim lists every sentence that states it (article id, character offsets and text,
so `article.text[start:end] == text`), the outlets that ran those sentences, and how many
*independent* sources back it: wire copies and the outlets of one publisher family count once,
by `dedupe.independent_source_groups`, exactly as an event's sources are counted. A claim that
one independent source alone states is `single_source`, which a brief must say.

How sentences are paired. Two sentences of different articles score

    SIMILARITY_WEIGHT · MiniLM cosine + LEMMA_WEIGHT · Jaccard of content lemmas
                                      + ENTITY_WEIGHT · Jaccard of named entities

so a paraphrase that shares little wording still pairs by meaning, while two sentences that are
merely on the topic of the event (every sentence of a fire story is close to every other one
by cosine) need shared words and names too. Sentences are then merged by average linkage: the
two groups whose mean pair score is highest merge first, and merging stops at THRESHOLD. A
claim never holds two sentences of one article (an article states a thing once; two of its
sentences are two claims), so a merge that would put two sentences of one article together is
never made.

Why THRESHOLD = 0.5. On the sample corpus, one wire story's sentences as three outlets ran
them score 0.85-1.0 (lightly edited: "a string of" / "a series of"); the same fact rewritten by
different outlets scores 0.52-0.75 ("nine people were killed" / "killed at least nine people",
"the dead were all night-shift workers" / "all of the dead were ... the night shift"); two
different facts of one event mostly score 0.40-0.45 ("Crews faced ..." / "more than 80
firefighters were deployed"). Short quotes naming one place can still pair wrongly (0.62).

Which sentences take part. A sentence with fewer than MIN_CONTENT_WORDS content words carries
no claim of its own: wire credits ("— CPA", "(CPA)"), "More details to follow." and other
stubs. Everything else takes part, quotes included: who said what is a claim too.

Why by hand: clustering libraries (scikit-learn's AgglomerativeClustering, scipy's linkage)
cannot express "never two sentences of one article in a group", so the merge is a loop over a
numpy score matrix (`average_linkage`), keeping each row's best pair so that an event of a few
hundred reports (thousands of sentences) costs about n² steps, not n³.

In blocks. A merge needs a mean pair score of THRESHOLD between two groups, so one pair of
them at least scores THRESHOLD: sentences that no chain of such pairs links never meet in a
group. The pair scores are computed BLOCK rows at a time and only the pairs near THRESHOLD or
above kept; the sentences fall into the connected parts of those pairs (scipy's
`connected_components`), and each part is merged on its own score matrix (small parts a bin of
them at a time). The claims are the whole matrix's (the merges within a part are those the
whole matrix makes, in the same order), and the memory is a block of BLOCK rows and the
largest part's matrix, not n² for the event's n sentences (an 800 MB matrix at 10,000
sentences). An event of BLOCK sentences or fewer (most events) is one block, merged on its
whole matrix at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from newsweave.analysis.nlp import Sentence, minilm, parsable, parse, sentences_of
from newsweave.analysis.people import opening_referents
from newsweave.analysis.words import words_in
from newsweave.ingest.furniture import furniture_at
from newsweave.model import Article
from newsweave.stories.dedupe import copy_groups, independent_source_groups
from newsweave.stories.embed import Embedder

if TYPE_CHECKING:
    from spacy.tokens import Doc

__all__ = [
    "Claim",
    "ClaimSentence",
    "EventText",
    "align_claims",
    "average_linkage",
    "claim_sentence",
    "copy_groups_of",
    "count_sources",
    "linkage_in_parts",
    "pair_scores",
    "read_event",
]

SIMILARITY_WEIGHT, LEMMA_WEIGHT, ENTITY_WEIGHT = 0.6, 0.25, 0.15
THRESHOLD = 0.5
MIN_CONTENT_WORDS = 3
BLOCK = 512  # rows of pair scores computed at once, when finding the parts that may merge
# below THRESHOLD by more than a float32 dot product's rounding: a pair kept for the parts
MARGIN = 1e-3


@dataclass(frozen=True)
class ClaimSentence:
    """One sentence that states a claim: `article.text[start:end] == text`. `referent` is the
    name its opening pronoun stands for, when the sentence before leaves no doubt
    (`people.opening_referents`)."""

    article_id: str
    start: int
    end: int
    text: str
    referent: str | None = None


@dataclass(frozen=True)
class Claim:
    sentences: tuple[ClaimSentence, ...]  # at most one per article, in article order
    outlets: tuple[str, ...]  # every outlet that ran one of the sentences, wire copies included
    independent_sources: int  # wire copies and one publisher family count once
    single_source: bool  # one independent source states it

    @property
    def article_ids(self) -> tuple[str, ...]:
        return tuple(sentence.article_id for sentence in self.sentences)


@dataclass(frozen=True)
class EventText:
    """One event's articles as the analysis reads them: parsed once, shared by every step."""

    articles: tuple[Article, ...]
    docs: tuple[Doc, ...]  # spaCy's parse of each article's text
    sentences: tuple[tuple[Sentence, ...], ...]  # each article's sentences
    copy_groups: Mapping[str, str]  # article id -> copy group id
    referents: tuple[Mapping[int, str], ...]  # each article's `opening_referents`

    def article(self, article_id: str) -> Article:
        return next(a for a in self.articles if a.article_id == article_id)


def read_event(
    articles: Sequence[Article],
    docs: Sequence[Doc] | None = None,
    copy_groups: Mapping[str, str] | None = None,
) -> EventText:
    """Parse an event's articles (unless `docs` are given) and find their copy groups (unless
    the store's `copy_groups` are given). A sentence that is page furniture (a caption, a credit,
    a player's or a newsletter's prompt: `furniture.furniture_at`) is not read: it is no claim,
    and no side of a disagreement. An article is read with its text as the parser reads it
    (`nlp.parsable`)."""
    articles = tuple(
        a if parsable(a.text) == a.text else replace(a, text=parsable(a.text)) for a in articles
    )
    docs = tuple(docs) if docs is not None else tuple(parse(a.text for a in articles))
    if any(doc.text != article.text for doc, article in zip(docs, articles, strict=True)):
        raise ValueError("read_event was given spaCy Docs of other texts than the articles'")
    groups = copy_groups if copy_groups is not None else copy_groups_of(articles)
    sentences = tuple(
        tuple(s for s in sentences_of(doc) if not furniture_at(doc.text, s.start, s.end))
        for doc in docs
    )
    referents = tuple(
        opening_referents(doc, found) for doc, found in zip(docs, sentences, strict=True)
    )
    return EventText(articles, docs, sentences, groups, referents)


def copy_groups_of(articles: Sequence[Article]) -> dict[str, str]:
    """The copy group of each article, found among these articles alone (`dedupe.copy_groups`)."""
    return copy_groups((article.article_id, article.text) for article in articles)


def count_sources(event: EventText, article_ids: Sequence[str]) -> tuple[tuple[str, ...], int]:
    """The outlets of these articles (first seen first) and how many independent sources."""
    rows = [
        (a.article_id, a.source.name, a.source.family, event.copy_groups.get(a.article_id))
        for a in (event.article(article_id) for article_id in dict.fromkeys(article_ids))
    ]
    outlets = tuple(dict.fromkeys(outlet for _, outlet, _, _ in rows))
    return outlets, len(independent_source_groups(rows))


def align_claims(
    articles: Sequence[Article] | EventText,
    docs: Sequence[Doc] | None = None,
    copy_groups: Mapping[str, str] | None = None,
    *,
    embedder: Embedder | None = None,
) -> list[Claim]:
    """The claims of one event's articles, the most widely backed first (see the module doc)."""
    event = articles if isinstance(articles, EventText) else read_event(articles, docs, copy_groups)
    items = _claim_sentences(event)
    if not items:
        return []
    if len({item.article for item in items}) == 1:  # nothing to align: no sentence is embedded
        groups = [[i] for i in range(len(items))]
    else:
        vectors = (embedder or minilm()).embed([item.sentence.text for item in items])
        groups = linkage_in_parts([item.article for item in items], pair_scores(items, vectors))
    claims = [_claim(event, [items[i] for i in group]) for group in groups]
    return sorted(claims, key=lambda c: (-c.independent_sources, -len(c.sentences)))


@dataclass(frozen=True)
class _Item:
    """A sentence taking part in alignment, with what its scores are computed from."""

    article: int  # position in event.articles
    sentence: Sentence
    lemmas: frozenset[str]  # content lemmas
    entities: frozenset[str]  # lower-cased entity texts


def _claim_sentences(event: EventText) -> list[_Item]:
    items = []
    for position, (doc, sentences) in enumerate(zip(event.docs, event.sentences, strict=True)):
        for sentence in map(_trimmed, sentences):
            if sentence.text.endswith(("—", "–", "--")):
                continue  # a dateline the splitter cut off ("PORT CASIMIR, March 3 (CPA) —")
            words = words_in(doc, sentence.start, sentence.end)
            lemmas = frozenset(word.lemma for word in words if word.is_content)
            if len(lemmas) < MIN_CONTENT_WORDS:
                continue
            entities = frozenset(entity.text.lower() for entity in sentence.entities)
            items.append(_Item(position, sentence, lemmas, entities))
    return items


Scores = Callable[[np.ndarray, np.ndarray], np.ndarray]  # rows, columns -> their pair scores


def linkage_in_parts(articles: Sequence[int], scores: Scores) -> list[list[int]]:
    """`average_linkage` of sentences (by the position of each one's article) whose pair
    scores `scores` gives for any rows and columns, part by part (see "In blocks" in the
    module doc): the groups of the whole matrix, in its order (by first member)."""
    positions = np.asarray(articles)
    if len(positions) <= BLOCK:  # the whole matrix is one block: no parts to look for
        every = np.arange(len(positions))
        return average_linkage(articles, scores(every, every))
    groups: list[list[int]] = []
    for members in _bins(_parts(len(positions), scores)):
        merged = average_linkage(positions[members].tolist(), scores(members, members))
        groups += [[int(members[i]) for i in group] for group in merged]
    return sorted(groups, key=lambda group: group[0])


def _bins(parts: Sequence[np.ndarray]) -> list[np.ndarray]:
    """The parts gathered into bins of up to BLOCK sentences (a larger part alone), each in
    ascending order: merging a bin merges each of its parts as alone, since no pair across
    two parts reaches THRESHOLD, and one matrix per bin costs less than one per part."""
    bins: list[np.ndarray] = []
    held: list[np.ndarray] = []
    for part in parts:
        if held and sum(map(len, held)) + len(part) > BLOCK:
            bins.append(np.sort(np.concatenate(held)))
            held = []
        held.append(part)
    if held:
        bins.append(np.sort(np.concatenate(held)))
    return bins


def _parts(count: int, scores: Scores) -> list[np.ndarray]:
    """The sentences (by position, ascending) in parts that no chain of pairs scoring
    THRESHOLD or more links, the pair scores read BLOCK rows at a time."""
    every = np.arange(count)
    rows, columns = [], []
    for start in range(0, count, BLOCK):
        found = np.nonzero(scores(every[start : start + BLOCK], every) >= THRESHOLD - MARGIN)
        rows.append(found[0] + start)
        columns.append(found[1])
    linked = np.concatenate(rows), np.concatenate(columns)
    graph = sparse.coo_matrix((np.ones(len(linked[0]), dtype=np.int8), linked), (count, count))
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)


def pair_scores(items: Sequence[_Item], vectors: np.ndarray) -> Scores:
    """The pair scores of `items` (see the module doc), from their MiniLM `vectors`, for any
    rows and columns (positions); -1 within one article. The Jaccard indexes of the pairs come
    from two sparse products (shared lemmas, shared entities), not a loop over the pairs; what
    they are computed from is gathered once."""
    lemmas = _Members([item.lemmas for item in items])
    entities = _Members([item.entities for item in items])
    named = np.array([bool(item.entities) for item in items])
    article = np.array([item.article for item in items])

    def scores(rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        found = SIMILARITY_WEIGHT * (vectors[rows] @ vectors[columns].T)
        shared_lemmas = lemmas.jaccards(rows, columns)
        lexical = np.where(
            named[rows, None] | named[None, columns],
            LEMMA_WEIGHT * shared_lemmas + ENTITY_WEIGHT * entities.jaccards(rows, columns),
            (LEMMA_WEIGHT + ENTITY_WEIGHT) * shared_lemmas,
        )
        found += lexical.astype(np.float32)
        found[article[rows, None] == article[None, columns]] = -1.0
        return found

    return scores


class _Members:
    """Which sets hold which words, as a sparse matrix, for the Jaccard indexes of pairs."""

    def __init__(self, sets: Sequence[frozenset[str]]) -> None:
        index: dict[str, int] = {}
        holders = [i for i, words in enumerate(sets) for _ in words]
        words = [index.setdefault(word, len(index)) for words in sets for word in words]
        self.matrix = sparse.csr_matrix(
            (np.ones(len(holders), dtype=np.int32), (holders, words)),
            shape=(len(sets), len(index)),
        )
        self.sizes = np.array([len(words) for words in sets])

    def jaccards(self, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """|a ∩ b| / |a ∪ b| of each of the `rows` with each of the `columns` (0 when both are
        empty), as `words.jaccard` gives it for one pair."""
        shared = (self.matrix[rows] @ self.matrix[columns].T).toarray()
        union = self.sizes[rows, None] + self.sizes[None, columns] - shared
        return np.divide(shared, union, out=np.zeros(shared.shape), where=union > 0)


def average_linkage(articles: Sequence[int], scores: np.ndarray) -> list[list[int]]:
    """Sentences (by the position of each one's article) merged into groups by average linkage
    on their pair `scores`, down to THRESHOLD, never two sentences of one article together.

    Each row keeps its best pair (`best`, at column `arg`), so a merge updates the two columns
    it changes and reads again only the rows whose best pair it touched, rather than searching
    the whole matrix: the first best pair in row-major order is taken, as an argmax of the
    whole matrix would take it, in about n² steps for n sentences rather than n³."""
    count = len(articles)
    groups: list[list[int]] = [[i] for i in range(count)]
    positions = np.asarray(articles)
    holds = positions[:, None] == np.unique(positions)[None, :]  # group × article
    linkage = scores.astype(np.float64).copy()  # mean pair score between groups
    np.fill_diagonal(linkage, -np.inf)
    alive = np.ones(count, dtype=bool)
    best, arg = linkage.max(axis=1), linkage.argmax(axis=1)
    while True:
        a = int(best.argmax())
        b = int(arg[a])
        if not best[a] >= THRESHOLD:
            break
        size_a, size_b = len(groups[a]), len(groups[b])
        merged = (linkage[a] * size_a + linkage[b] * size_b) / (size_a + size_b)
        groups[a] += groups[b]
        holds[a] |= holds[b]
        alive[b] = False
        # a merge that would hold two sentences of one article is never made
        merged[alive & (holds & holds[a]).any(axis=1)] = -np.inf
        merged[~alive] = -np.inf
        linkage[a], linkage[:, a] = merged, merged
        linkage[a, a] = -np.inf
        linkage[b], linkage[:, b] = -np.inf, -np.inf
        _update_best(linkage, best, arg, changed=a, gone=b)
    return [groups[i] for i in np.flatnonzero(alive)]


def _update_best(
    linkage: np.ndarray, best: np.ndarray, arg: np.ndarray, *, changed: int, gone: int
) -> None:
    """Each row's best pair after row and column `changed` took new values and `gone` left."""
    column = linkage[:, changed]
    stale = (arg == changed) | (arg == gone)
    stale[changed] = stale[gone] = True
    better = ~stale & ((column > best) | ((column == best) & (changed < arg)))
    best[better], arg[better] = column[better], changed
    rows = np.flatnonzero(stale)
    best[rows], arg[rows] = linkage[rows].max(axis=1), linkage[rows].argmax(axis=1)


def claim_sentence(event: EventText, article: int, sentence: Sentence) -> ClaimSentence:
    """The sentence of the event's `article`-th article, named by article id and offsets."""
    return ClaimSentence(
        event.articles[article].article_id,
        sentence.start,
        sentence.end,
        sentence.text,
        event.referents[article].get(sentence.start),
    )


def _claim(event: EventText, members: Sequence[_Item]) -> Claim:
    ordered = sorted(members, key=lambda item: (item.article, item.sentence.start))
    sentences = tuple(claim_sentence(event, item.article, item.sentence) for item in ordered)
    outlets, independent = count_sources(event, [s.article_id for s in sentences])
    return Claim(sentences, outlets, independent, independent == 1)


def _trimmed(sentence: Sentence) -> Sentence:
    """The sentence without a stray closing quote and paragraph break that the sentence
    splitter left at its start ('"\n\nKorda described ...')."""
    head, gap, rest = sentence.text.partition("\n\n")
    if not gap or any(char.isalnum() for char in head):
        return sentence
    start = sentence.end - len(rest.lstrip())
    return replace(sentence, start=start, text=sentence.text[start - sentence.start :])
