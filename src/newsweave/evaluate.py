"""Scores against gold data in the schemas of the evaluation README, through the real pipeline.

`evaluate_clustering(path)` ingests a clustering file (one article a line, with its gold event)
into a temporary store with the same `ingest` a user runs, builds stories with the same
`build_stories`, and compares the events found with the gold ones. The gold labels are read
here only, after clustering; the pipeline never sees them (ingest ignores unknown keys).

`evaluate_support(path)` runs the support checker (`analysis.support.check_support`) on every
pair of a support file (source article, claim, gold label) and reports balanced accuracy:
a pair counts as predicted "supported" only when the checker says supported.

B-cubed and the adjusted Rand index are a few lines of counting, written here rather than
importing scikit-learn (a large install) for one formula; the tests check ARI against
scikit-learn's.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from math import comb
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsweave.analysis.support import check_support
from newsweave.errors import EvaluationRefused, UnreadableInput
from newsweave.ingest.files import jsonl_lines
from newsweave.ingest.stage import ingest
from newsweave.model import IngestReport
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories.embed import Embedder
from newsweave.stories.stage import build_stories

if TYPE_CHECKING:
    from newsweave.analysis.nli import NliModel

__all__ = [
    "ClusterScores",
    "SupportPair",
    "SupportScores",
    "adjusted_rand_index",
    "bcubed",
    "evaluate_clustering",
    "evaluate_support",
    "f1_score",
    "jsonl_objects",
    "read_support_pairs",
]


@dataclass(frozen=True)
class ClusterScores:
    b3_precision: float
    b3_recall: float
    b3_f1: float
    ari: float
    articles: int
    gold_clusters: int
    found_clusters: int
    articles_per_second: float  # the whole path: ingest, copies, embeddings, clustering


def evaluate_clustering(
    path: Path, settings: Settings, *, embedder: Embedder | None = None
) -> ClusterScores:
    """Cluster the articles of a gold clustering file as a user's would be; score the result."""
    gold = _read_gold(path)
    with tempfile.TemporaryDirectory(prefix="newsweave-eval-") as folder:
        store_path = Path(folder) / "eval.db"
        eval_settings = replace(settings, db=store_path)
        with open_store(store_path) as store:
            start = time.perf_counter()
            report = ingest([str(path)], store, eval_settings)
            refuse_rejections(path, report, len(gold))
            build_stories(store, eval_settings, embedder=embedder)
            seconds = time.perf_counter() - start
            event_of = {article: event for article, (event, _) in store.get_event_members().items()}
    found, expected = [], []
    for origin, label in gold.items():
        article_id = report.article_of.get(origin)
        # An article the pipeline rejected is scored as an event of its own.
        found.append(event_of.get(article_id, f"unclustered:{origin}"))
        expected.append(label)
    precision, recall, f1 = bcubed(found, expected)
    return ClusterScores(
        b3_precision=precision,
        b3_recall=recall,
        b3_f1=f1,
        ari=adjusted_rand_index(found, expected),
        articles=len(gold),
        gold_clusters=len(set(expected)),
        found_clusters=len(set(found)),
        articles_per_second=len(gold) / seconds if seconds else 0.0,
    )


def refuse_rejections(path: Path, report: IngestReport, expected: int) -> None:
    """Scores over a file whose gold items were not all ingested would score something else
    than the file: an `EvaluationRefused` that says how many were rejected and why."""
    if not report.rejected and (report.ingested or report.unchanged or report.revised):
        return
    reasons = ", ".join(f"{n} {reason}" for reason, n in report.rejected_by_reason().items())
    first = report.rejected[0].message if report.rejected else "no article was read"
    raise EvaluationRefused(
        str(path),
        f"{len(report.rejected)} of {expected} gold items were rejected ({reasons or 'none'}), "
        f"so no score is given; the first: {first}",
    )


def bcubed(found: Sequence[str], gold: Sequence[str]) -> tuple[float, float, float]:
    """B-cubed precision, recall (averaged over items) and the F1 of the two averages."""
    if len(found) != len(gold) or not found:
        raise ValueError("bcubed needs two labellings of the same, non-empty set of items")
    pairs = Counter(zip(found, gold, strict=True))
    found_sizes, gold_sizes = Counter(found), Counter(gold)
    precision = sum(n * n / found_sizes[f] for (f, _), n in pairs.items()) / len(found)
    recall = sum(n * n / gold_sizes[g] for (_, g), n in pairs.items()) / len(found)
    return precision, recall, f1_score(precision, recall)


def f1_score(precision: float, recall: float) -> float:
    """The harmonic mean of precision and recall (0.0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def adjusted_rand_index(found: Sequence[str], gold: Sequence[str]) -> float:
    """Hubert and Arabie's adjusted Rand index, as scikit-learn computes it."""
    n = len(found)
    pairs = sum(comb(count, 2) for count in Counter(zip(found, gold, strict=True)).values())
    found_pairs = sum(comb(count, 2) for count in Counter(found).values())
    gold_pairs = sum(comb(count, 2) for count in Counter(gold).values())
    expected = found_pairs * gold_pairs / comb(n, 2) if n > 1 else 0.0
    best = (found_pairs + gold_pairs) / 2
    if best == expected:  # both labellings trivial (all one cluster, or all singletons)
        return 1.0
    return (pairs - expected) / (best - expected)


def _read_gold(path: Path) -> dict[str, str]:
    """The gold event of every line, keyed by the origin ingest gives that line (path:line)."""
    schema = 'the clustering schema is one JSON article a line with a "gold" key'
    gold: dict[str, str] = {}
    for origin, data in jsonl_objects(path, schema):
        label = data.get("gold")
        if not isinstance(label, str) or not label:
            raise UnreadableInput(origin, f"line has no 'gold' event; {schema}")
        gold[origin] = label
    return gold


GOLD_LINE_BYTES = 100_000_000  # the longest line of a gold file read (a summarization event)


def jsonl_objects(path: Path, schema: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """(path:line, object) for every non-blank line of a file in one of the eval schemas.

    A missing file, a line that is not a JSON object and a file with no lines are each an
    `UnreadableInput` naming the file or the line, with `schema` saying how a line should look.
    """
    if not path.is_file():
        raise UnreadableInput(str(path), f"no such file; give a .jsonl file: {schema}")
    count = 0
    for origin, line in jsonl_lines(path, GOLD_LINE_BYTES):
        if isinstance(line, UnreadableInput):
            raise UnreadableInput(origin, f"{line}; {schema}") from None
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            raise UnreadableInput(origin, f"line is not JSON ({error.msg}); {schema}") from None
        if not isinstance(data, dict):
            raise UnreadableInput(origin, f"line is not a JSON object; {schema}")
        count += 1
        yield origin, data
    if not count:
        raise UnreadableInput(str(path), f"file has no lines; {schema}")


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
