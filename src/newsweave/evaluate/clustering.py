"""Event clustering scored against gold events (the clustering schema of the evaluation README).

`evaluate_clustering(path)` ingests a clustering file (one article a line, with its gold event)
into a temporary store with the same `ingest` a user runs, builds stories with the same
`build_stories`, and compares the events found with the gold ones. The gold labels are read
here only, after clustering; the pipeline never sees them (ingest ignores unknown keys).

B-cubed and the adjusted Rand index are a few lines of counting, written here rather than
importing scikit-learn (a large install) for one formula; the tests check ARI against
scikit-learn's.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from math import comb
from pathlib import Path

from newsweave.errors import EvaluationRefused, UnreadableInput
from newsweave.evaluate.gold import f1_score, jsonl_objects
from newsweave.ingest.stage import ingest
from newsweave.model import IngestReport
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories.embed import Embedder
from newsweave.stories.stage import build_stories

__all__ = [
    "ClusterScores",
    "adjusted_rand_index",
    "bcubed",
    "evaluate_clustering",
    "refuse_rejections",
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
        eval_settings = replace(settings, db=str(store_path))
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
        event = event_of.get(article_id) if article_id is not None else None
        # An article the pipeline rejected is scored as an event of its own.
        found.append(event or f"unclustered:{origin}")
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
