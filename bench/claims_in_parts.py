"""Claims aligned part by part against an older checkout's whole matrix: the same groups, and
the CPU seconds and peak memory of the step.

For each N, the first N reports of the ECB+ dev file (topics largest first, as
`large_event.py` takes them) are read as one event (parsed once, for both) and their sentences
embedded once; then the older checkout's `claims.py` (`--old`, e.g. a `git archive` of the
commit before) aligns them on its whole score matrix (`pair_scores`, `average_linkage`) and
this tree's `linkage_in_parts` aligns them part by part. The groups are compared as lists
(their order too: the claims follow from them). Peak memory is what tracemalloc saw during each
step (numpy's arrays included), CPU the process's time in it.

    PYTHONPATH=src nice -n 10 .venv/bin/python bench/claims_in_parts.py 5,10,25,50,100,200,400
        --old /tmp/before/src/newsweave/analysis/claims.py [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
import tracemalloc
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from large_event import reports
from newsweave.analysis import claims
from newsweave.analysis.nlp import minilm, parse


class Once:
    """MiniLM, each text embedded once for every size and both alignments."""

    dimensions = 384

    def __init__(self) -> None:
        self.seen: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        new = [text for text in dict.fromkeys(texts) if text not in self.seen]
        if new:
            self.seen.update(zip(new, minilm().embed(new), strict=True))
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        return np.stack([self.seen[text] for text in texts])


def older(path: Path):
    """The older checkout's claims module, beside this tree's."""
    spec = importlib.util.spec_from_file_location("claims_old", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["claims_old"] = module
    spec.loader.exec_module(module)
    return module


def measured(step, *given):
    """`step(*given)`, with its CPU seconds and peak traced MB."""
    tracemalloc.start()
    start = time.process_time()
    result = step(*given)
    seconds = time.process_time() - start
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def whole_matrix(old, event, items, embedder) -> list[list[int]]:
    """The older checkout's alignment: every pair's score in one matrix, then the merge."""
    scores = old.pair_scores(event, items, embedder)
    return old.average_linkage([item.article for item in items], scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sizes")
    parser.add_argument("--old", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path)
    args = parser.parse_args()
    old = older(args.old)
    sizes = [int(size) for size in args.sizes.split(",")]
    articles = reports(max(sizes), args.eval_dir)
    docs: list = []
    embedder = Once()
    print("| reports | sentences | same groups | CPU s, whole → parts | peak MB | largest part |")
    print("|---:|---:|---|---|---|---:|")
    for size in sizes:
        docs += parse(a.text for a in articles[len(docs) : size])
        event = claims.read_event(articles[:size], docs[:size])
        event_old = old.read_event(articles[:size], docs[:size])
        items, items_old = claims._claim_sentences(event), old._claim_sentences(event_old)
        vectors = embedder.embed([item.sentence.text for item in items])
        whole, whole_s, whole_mb = measured(whole_matrix, old, event_old, items_old, embedder)
        scores = claims.pair_scores(items, vectors)
        articles_of = [i.article for i in items]
        parts, parts_s, parts_mb = measured(claims.linkage_in_parts, articles_of, scores)
        largest = max(map(len, claims._parts(len(items), scores)))
        print(
            f"| {size} | {len(items):,} | {whole == parts} | {whole_s:.2f} → {parts_s:.2f} "
            f"| {whole_mb:,.0f} → {parts_mb:,.0f} | {largest} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
