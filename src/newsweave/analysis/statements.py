"""One remark, many renderings: quotes grouped across outlets, and paraphrases caught.

`group_statements(quotes_by_article)` groups the quotes that render the same remark by the same
speaker in different articles: "presumptuous", "disrespectful remarks" and "discourteous and
full of sneering remarks", each one outlet's rendering of one leader's judgement of a letter.

- **Speaker**: quotes are compared only within one speaker, by `name_key` ("President Tomas
  Rellik", "Tomas Rellik" and "Rellik" are one speaker); quotes with no speaker are left out.
- **Similarity**: the mean of two cosines of MiniLM vectors (`newsweave.stories.embed`): the quotes'
  contents, and their contexts (the sentence around each, other quotations cut out). Content
  alone misses renderings that share no words ("presumptuous" / "disrespectful remarks",
  cosine 0.29); context alone joins different remarks made in one breath.
- **Grouping**: average-link agglomeration, merging the most similar pair of groups while
  their mean similarity is at least `threshold`, and never two groups that hold a quote from
  the same article (one article renders one remark once; several remarks of one speaker in
  one article are different statements).

A statement is returned when it spans at least two articles.

**Paraphrase flag.** A direct quote is flagged `is_paraphrase` when all of these hold:

1. it has at least `MIN_CLAUSE_WORDS` words: a clause put in quotation marks, not a quoted
   term ("presumptuous" against "disrespectful remarks" is two outlets translating or choosing
   a word for one remark: those are variants of a statement, not misquotes);
2. in its statement, direct quotes from at least two other articles agree with each other
   (the majority wording);
3. its wording agrees with no other direct quote of the statement;
4. it says what that majority wording says: the MiniLM cosine of their contents (each
   quote's `focus`) is at least `SAME_REMARK` with one of the agreeing quotes. Context
   similarity groups a speaker's different remarks of one occasion, which are other remarks,
   not misquotes: "spoken frankly and without insults" beside "This was a serious
   conversation between serious people" (content cosine 0.34), and, on one subject, "North
   Korea wants to buy some time to continue their nuclear and missile programs" beside "It is
   not the time to ease pressure" (0.64). Rewordings of "I see no reason to meet with him at
   this time" score 0.67-0.82 ("There is no reason for me to meet him now", 0.82), some 0.56
   ("I have no reason to sit down with him for now"): a flag is an accusation, so the bar is
   set above every different remark read. One by metaphor ("the door to a summit with
   Dravenko is closed", 0.15) is beyond what MiniLM tells.

Two wordings *agree* when one's words appear in order inside the other's (case, punctuation
and quotation marks ignored: "at this time" agrees with "I see no reason to meet with him at
this time"), or when they share at least `AGREEMENT` of the shorter one's words. So quotation
marks around words that no other outlet heard, when several outlets heard other words for the
same remark, are flagged; a remark only one outlet quotes is never flagged, for want of
evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from newsweave.analysis.nlp import minilm
from newsweave.analysis.people import name_key
from newsweave.analysis.quotes import Quote
from newsweave.stories.embed import Embedder

__all__ = ["Statement", "Variant", "group_statements", "wordings_agree"]

THRESHOLD = 0.4  # mean similarity at which two groups of quotes are one statement
MIN_CLAUSE_WORDS = 4
SAME_REMARK = 0.7  # content cosine at which a flagged wording renders the majority's remark
AGREEMENT = 0.6
_WORD = re.compile(r"\w+(?:['’]\w+)*")


@dataclass(frozen=True)
class Variant:
    """One article's rendering of a statement."""

    article: str
    quote: Quote
    is_paraphrase: bool


@dataclass(frozen=True)
class Statement:
    speaker: str
    variants: tuple[Variant, ...]  # in the order of the articles given

    @property
    def articles(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(variant.article for variant in self.variants))


def group_statements(
    quotes_by_article: Mapping[str, Sequence[Quote]],
    *,
    embedder: Embedder | None = None,
    threshold: float = THRESHOLD,
) -> list[Statement]:
    """The remarks rendered by two or more articles, each with its variants and flags."""
    by_speaker: dict[str, list[tuple[str, Quote]]] = {}
    for article, quotes in quotes_by_article.items():
        for quote in _one_per_cue(quotes):
            if quote.speaker:
                by_speaker.setdefault(name_key(quote.speaker), []).append((article, quote))
    candidates = {key: items for key, items in by_speaker.items() if len({a for a, _ in items}) > 1}
    if not candidates:
        return []
    # every speaker's quotes embedded in one call, so the embedder's batches are full
    quotes = [quote for items in candidates.values() for _, quote in items]
    vectors = (embedder or minilm()).embed(
        [quote.focus for quote in quotes] + [quote.context for quote in quotes]
    )
    contents, contexts = vectors[: len(quotes)], vectors[len(quotes) :]
    statements, first = [], 0
    for items in candidates.values():
        rows = slice(first, first + len(items))
        first += len(items)
        similarity = (contents[rows] @ contents[rows].T + contexts[rows] @ contexts[rows].T) / 2
        for group in _groups(items, similarity, threshold):
            if len({items[i][0] for i in group}) > 1:
                members = sorted(group)
                statements.append(_statement([items[i] for i in members], contents[rows][members]))
    return statements


def _one_per_cue(quotes: Sequence[Quote]) -> list[Quote]:
    """One quote per reporting phrase: its direct quote when it has one (`called the letter
    "presumptuous"` is the quote "presumptuous", not the clause around it)."""
    chosen: dict[tuple[int, int], Quote] = {}
    for quote in quotes:
        held = chosen.get(quote.cue_span)
        if held is None or (held.kind == "indirect" and quote.kind == "direct"):
            chosen[quote.cue_span] = quote
    return list(chosen.values())


def _groups(
    items: Sequence[tuple[str, Quote]], similarity: np.ndarray, threshold: float
) -> list[list[int]]:
    """Average-link groups of item indices; no group holds two items of one article."""
    groups = [[i] for i in range(len(items))]
    while True:
        best: tuple[float, int, int] | None = None
        for a in range(len(groups)):
            for b in range(a + 1, len(groups)):
                if {items[i][0] for i in groups[a]} & {items[i][0] for i in groups[b]}:
                    continue
                score = float(similarity[np.ix_(groups[a], groups[b])].mean())
                if score >= threshold and (best is None or score > best[0]):
                    best = (score, a, b)
        if best is None:
            return groups
        _, a, b = best
        groups[a] = groups[a] + groups[b]
        del groups[b]


def _statement(items: Sequence[tuple[str, Quote]], contents: np.ndarray) -> Statement:
    """A statement of the items; `contents` are their contents' vectors, row for row."""
    direct = [i for i, (_, quote) in enumerate(items) if quote.kind == "direct"]
    variants = tuple(
        Variant(article, quote, i in direct and _is_paraphrase(i, items, direct, contents))
        for i, (article, quote) in enumerate(items)
    )
    speaker = max((quote.speaker or "" for _, quote in items), key=len)
    return Statement(speaker, variants)


def _is_paraphrase(
    i: int, items: Sequence[tuple[str, Quote]], direct: Sequence[int], contents: np.ndarray
) -> bool:
    """Whether the `i`-th item's direct quote is flagged (the four conditions of the module
    doc); `direct` are the rows of the statement's direct quotes."""
    article, quote = items[i]
    if len(_words(quote.content)) < MIN_CLAUSE_WORDS:
        return False
    others = [j for j in direct if items[j][0] != article]
    if any(wordings_agree(quote.content, items[j][1].content) for j in others):
        return False
    return any(
        wordings_agree(items[a][1].content, items[b][1].content)
        and max(float(contents[i] @ contents[a]), float(contents[i] @ contents[b])) >= SAME_REMARK
        for n, a in enumerate(others)
        for b in others[n + 1 :]
    )


def wordings_agree(first: str, second: str) -> bool:
    """Whether two renderings of a remark use the same words (see the module docstring)."""
    shorter, longer = sorted((_words(first), _words(second)), key=len)
    if not shorter:
        return False
    if f" {' '.join(shorter)} " in f" {' '.join(longer)} ":
        return True
    return len(set(shorter) & set(longer)) >= AGREEMENT * len(set(shorter))


def _words(text: str) -> list[str]:
    return [word.lower().replace("’", "'") for word in _WORD.findall(text)]
