"""Scores quote extraction against gold attributions (the attribution schema of the eval README).

One article a line: `{"id", "text", "attributions": [{"source": [s, e] | null, "cue": [s, e],
"content": [s, e]}]}`. `evaluate_attribution(path)` runs `extract_quotes` on every text (parsed
in batches) and matches what it found to the gold with the README's rule:

- a predicted span matches a gold span of the same role when they overlap by at least half of
  the shorter of the two; each span matches at most one other (largest overlaps first), and a
  role's F1 is over all spans of that role in the file;
- an attribution matches when its cue and its content match, and its source too when the gold
  one has a source.

Quotes that share a cue are one attribution, as PolNeAR marks them: a quote split by its cue
(`"Part one," she said, "part two."`) and a partial quote inside the reported clause (`said the
plan was "a start"`) are one content, from the first part's start to the last part's end.
The gold is read here and never reaches the extractor.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsweave.analysis.nlp import parse
from newsweave.analysis.quotes import Quote, extract_quotes
from newsweave.errors import UnreadableInput
from newsweave.evaluate.gold import f1_score, jsonl_objects

__all__ = [
    "Attribution",
    "AttributionScores",
    "GoldArticle",
    "attributions_of",
    "evaluate_attribution",
    "read_attribution_file",
    "score_attributions",
]

Span = tuple[int, int]
ROLES = ("source", "cue", "content")
SCHEMA_HINT = (
    'the attribution schema is one JSON object a line: {"id", "text", "attributions": '
    '[{"source": [start, end] or null, "cue": [start, end], "content": [start, end]}]}'
)


@dataclass(frozen=True)
class Attribution:
    source: Span | None
    cue: Span
    content: Span


@dataclass(frozen=True)
class GoldArticle:
    article_id: str
    text: str
    attributions: tuple[Attribution, ...]


@dataclass(frozen=True)
class AttributionScores:
    source_f1: float
    cue_f1: float
    content_f1: float
    attribution_f1: float
    articles: int
    gold_attributions: int
    found_attributions: int
    articles_per_second: float  # parsing and extraction, reading the file excluded


def evaluate_attribution(path: Path, *, limit: int | None = None) -> AttributionScores:
    """Extract the quotes of every article of a gold attribution file and score them."""
    gold = list(read_attribution_file(path))[:limit]
    start = time.perf_counter()
    texts = [article.text for article in gold]
    found = [
        attributions_of(extract_quotes(text, doc))
        for text, doc in zip(texts, parse(texts, workers=True), strict=True)
    ]
    seconds = time.perf_counter() - start
    scores = score_attributions([article.attributions for article in gold], found)
    return AttributionScores(
        **scores,
        articles=len(gold),
        gold_attributions=sum(len(article.attributions) for article in gold),
        found_attributions=sum(len(article) for article in found),
        articles_per_second=len(gold) / seconds if seconds else 0.0,
    )


def attributions_of(quotes: Iterable[Quote]) -> list[Attribution]:
    """One attribution per cue: its source, and its quotes' contents joined end to end."""
    by_cue: dict[Span, list[Quote]] = {}
    for quote in quotes:
        by_cue.setdefault(quote.cue_span, []).append(quote)
    return [
        Attribution(
            source=next((q.speaker_span for q in parts if q.speaker_span), None),
            cue=cue,
            content=(
                min(q.content_span[0] for q in parts),
                max(q.content_span[1] for q in parts),
            ),
        )
        for cue, parts in by_cue.items()
    ]


def score_attributions(
    gold: Sequence[Sequence[Attribution]], found: Sequence[Sequence[Attribution]]
) -> dict[str, float]:
    """Role F1s and attribution F1 over articles (gold and found in the same article order)."""
    counts = {name: [0, 0, 0] for name in (*ROLES, "attribution")}  # matched, found, gold
    for gold_article, found_article in zip(gold, found, strict=True):
        for role in ROLES:
            gold_spans = [getattr(a, role) for a in gold_article if getattr(a, role)]
            found_spans = [getattr(a, role) for a in found_article if getattr(a, role)]
            pairs = _match(gold_spans, found_spans, _span_overlap)
            _count(counts[role], len(pairs), len(found_spans), len(gold_spans))
        pairs = _match(list(gold_article), list(found_article), _attribution_overlap)
        _count(counts["attribution"], len(pairs), len(found_article), len(gold_article))
    return {f"{name}_f1": _f1(*numbers) for name, numbers in counts.items()}


def _span_overlap(first: Span, second: Span) -> int:
    """The overlap of two spans when it is at least half the shorter one's length, else 0."""
    overlap = min(first[1], second[1]) - max(first[0], second[0])
    shorter = min(first[1] - first[0], second[1] - second[0])
    return overlap if overlap > 0 and 2 * overlap >= shorter else 0


def _attribution_overlap(gold: Attribution, found: Attribution) -> int:
    cue, content = _span_overlap(gold.cue, found.cue), _span_overlap(gold.content, found.content)
    if not cue or not content:
        return 0
    if gold.source is not None:
        source = _span_overlap(gold.source, found.source) if found.source else 0
        if not source:
            return 0
        content += source
    return cue + content


def _match(gold: list[Any], found: list[Any], overlap: Any) -> list[tuple[int, int]]:
    """One-to-one pairs of matching items, the largest overlaps first."""
    scored = sorted(
        (
            (size, g, f)
            for g, gold_item in enumerate(gold)
            for f, found_item in enumerate(found)
            if (size := overlap(gold_item, found_item))
        ),
        key=lambda item: -item[0],
    )
    used_gold: set[int] = set()
    used_found: set[int] = set()
    pairs = []
    for _, g, f in scored:
        if g not in used_gold and f not in used_found:
            used_gold.add(g)
            used_found.add(f)
            pairs.append((g, f))
    return pairs


def _count(numbers: list[int], matched: int, found: int, gold: int) -> None:
    numbers[0] += matched
    numbers[1] += found
    numbers[2] += gold


def _f1(matched: int, found: int, gold: int) -> float:
    precision = matched / found if found else 0.0
    recall = matched / gold if gold else 0.0
    return f1_score(precision, recall)


def read_attribution_file(path: Path) -> Iterator[GoldArticle]:
    """The articles of an attribution file; a bad line raises naming the file and line."""
    for origin, row in jsonl_objects(path, SCHEMA_HINT):
        yield _gold_article(row, origin)


def _gold_article(row: dict[str, Any], where: str) -> GoldArticle:
    missing = [key for key in ("id", "text", "attributions") if key not in row]
    if missing:
        raise UnreadableInput(where, f"line has no {', '.join(missing)}; {SCHEMA_HINT}")
    text, items = row["text"], row["attributions"]
    if not isinstance(text, str) or not isinstance(items, list):
        raise UnreadableInput(
            where, f"'text' must be a string, 'attributions' a list; {SCHEMA_HINT}"
        )
    attributions = tuple(_attribution(item, len(text), where, n) for n, item in enumerate(items))
    return GoldArticle(str(row["id"]), text, attributions)


def _attribution(item: Any, length: int, where: str, number: int) -> Attribution:
    place = f"attribution {number}"
    if not isinstance(item, dict) or not all(key in item for key in ROLES):
        raise UnreadableInput(
            where, f"{place} needs the keys source, cue and content; {SCHEMA_HINT}"
        )
    spans = {role: _offsets(item[role], length, where, f"{place} {role}") for role in ROLES}
    cue, content = spans["cue"], spans["content"]
    if cue is None or content is None:
        raise UnreadableInput(where, f"{place} has a null cue or content; only source may be null")
    return Attribution(spans["source"], cue, content)


def _offsets(value: Any, length: int, where: str, place: str) -> Span | None:
    if value is None:
        return None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in value)
    ):
        raise UnreadableInput(
            where, f"{place} must be [start, end] character offsets, not {value!r}"
        )
    start, end = value
    if not 0 <= start < end <= length:
        raise UnreadableInput(
            where,
            f"{place} [{start}, {end}] is out of range for a text of {length} characters; "
            "offsets count characters of 'text' from 0, end excluded",
        )
    return (start, end)
