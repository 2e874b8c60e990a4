"""The support checker scored against gold pairs (the support schema of the evaluation README).

`evaluate_support(path)` runs the support checker (`analysis.support.check_support`) on every
pair of a support file (source article, claim, gold label) and reports balanced accuracy:
a pair counts as predicted "supported" only when the checker says supported.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.analysis.support import check_support
from newsweave.errors import UnreadableInput
from newsweave.evaluate.gold import jsonl_objects

if TYPE_CHECKING:
    from newsweave.analysis.nli import NliModel

__all__ = ["SupportPair", "SupportScores", "evaluate_support", "read_support_pairs"]


@dataclass(frozen=True)
class SupportPair:
    """One line of a support file: does `source` (an article's text) support `claim`?"""

    pair_id: str
    source: str
    claim: str
    is_supported: bool


@dataclass(frozen=True)
class SupportScores:
    balanced_accuracy: float  # mean of the two recalls (of the one there is, if one is absent)
    pairs: int
    supported_recall: float | None  # None when the file has no pair of that label
    unsupported_recall: float | None
    pairs_per_second: float


def evaluate_support(path: Path, *, nli: NliModel | None = None) -> SupportScores:
    """Check every pair of a support file with the support checker; score it against gold."""
    pairs = read_support_pairs(path)
    start = time.perf_counter()
    predicted = [
        check_support(pair.claim, [pair.source], nli=nli).verdict == "supported" for pair in pairs
    ]
    seconds = time.perf_counter() - start
    gold = [pair.is_supported for pair in pairs]
    recalls = {
        label: _recall(predicted, gold, label) for label in (True, False) if label in set(gold)
    }
    return SupportScores(
        balanced_accuracy=sum(recalls.values()) / len(recalls),
        pairs=len(pairs),
        supported_recall=recalls.get(True),
        unsupported_recall=recalls.get(False),
        pairs_per_second=len(pairs) / seconds if seconds else 0.0,
    )


def _recall(predicted: Sequence[bool], gold: Sequence[bool], label: bool) -> float:
    hits = [p == g for p, g in zip(predicted, gold, strict=True) if g == label]
    return sum(hits) / len(hits)


def read_support_pairs(path: Path) -> list[SupportPair]:
    """The pairs of a file in the support schema; a bad line is an error naming it."""
    schema = (
        'the support schema is one JSON object a line with "id", "source", "claim" and '
        '"label" ("supported" or "unsupported")'
    )
    return [_support_pair(data, origin, schema) for origin, data in jsonl_objects(path, schema)]


def _support_pair(data: dict[str, Any], origin: str, schema: str) -> SupportPair:
    missing = [key for key in ("source", "claim", "label") if not isinstance(data.get(key), str)]
    if missing:
        raise UnreadableInput(origin, f"line has no {', '.join(missing)} text; {schema}")
    if data["label"] not in ("supported", "unsupported"):
        raise UnreadableInput(origin, f"label {data['label']!r} is not allowed; {schema}")
    pair_id = str(data.get("id") or origin)
    return SupportPair(pair_id, data["source"], data["claim"], data["label"] == "supported")
