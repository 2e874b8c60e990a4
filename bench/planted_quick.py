"""Scoring the planted-disagreement benchmark with each unchanged article read once
(bench/planted_disagreements.py score --quick).

`score` runs every case's whole event through a fresh store: on a shared two-core machine the
fresh set's 157 cases (2,000 articles of ECB+ events of a dozen articles each) take over an
hour. `--quick` reads the same way with less repeated work: the unchanged events are ingested
into one store (the project's `ingest`), and each edited article, under an id of its own, into
another, so every text is as ingest keeps it; every stored text is parsed once; each case's
event is its unchanged articles' parses with the edited article's in its place, copy groups
found among them (`dedupe.copy_groups`, as `score` stores them), then the analysis's own steps
for disagreements: `claims.read_event`, `claims.align_claims`, `disagreements.find_disagreements`
(what `stage.analyse_event` runs before quotes and statements, which disagreements do not
read), MiniLM's vectors kept for the run. Found, missed and false alarms are `score`'s.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from planted_score import Outcome, Scores, match


class _KeptVectors:
    """MiniLM with every vector kept for the run: an unchanged sentence is embedded once."""

    name = "minilm"

    def __init__(self) -> None:
        from newsweave.analysis.nlp import minilm

        self.inner = minilm()
        self.dimensions = self.inner.dimensions
        self.kept: dict[str, np.ndarray] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if t not in self.kept]
        if missing:
            self.kept.update(zip(missing, self.inner.embed(missing), strict=True))
        if not texts:
            return np.empty((0, self.dimensions), dtype=np.float32)
        return np.stack([self.kept[t] for t in texts])


def _ingested(path: Path, rows: list[dict[str, Any]], folder: Path, name: str) -> list[Any]:
    """The rows ingested into a fresh store: each row's stored article, or None if dropped."""
    from newsweave.ingest.stage import ingest
    from newsweave.settings import Settings
    from newsweave.store import open_store

    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    settings = Settings(db=folder / f"{name}.db")
    with open_store(settings.db) as store:
        report = ingest([str(path)], store, settings)
        ids = [report.article_of.get(f"{path}:{n}") for n in range(1, len(rows) + 1)]
        return [store.get_article(i) if i else None for i in ids]


def score_quick(
    events: dict[str, dict[str, Any]],
    cases: Sequence[dict[str, Any]],
    control_ids: Sequence[str],
    folder: Path,
) -> Scores:
    """Each control and each case analysed for disagreements (see the module doc)."""
    from newsweave.analysis.claims import align_claims, read_event
    from newsweave.analysis.disagreements import find_disagreements
    from newsweave.analysis.nlp import parse
    from newsweave.stories.dedupe import copy_groups

    embedder = _KeptVectors()
    embedder.embed(["A warm-up sentence."])
    scores = Scores(controls={e: events[e]["half"] for e in control_ids})
    start = time.perf_counter()
    wanted = list(dict.fromkeys([*control_ids, *(c["event_id"] for c in cases)]))
    rows = [a for e in wanted for a in events[e]["articles"]]
    stored = _ingested(folder / "unchanged.jsonl", rows, folder, "unchanged")
    of_event: dict[str, list[Any]] = {}  # each event's stored articles, in the file's order
    at = 0
    for event_id in wanted:
        count = len(events[event_id]["articles"])
        of_event[event_id] = stored[at : at + count]
        at += count
    edits = [
        {**next(a for a in events[c["event_id"]]["articles"] if a["id"] == c["article_id"]),
         "id": f"{c['article_id']}#{c['case_id']}", "text": c["text"]}
        for c in cases
    ]  # fmt: skip
    edited = _ingested(folder / "edited.jsonl", edits, folder, "edited")
    texts = [a.text for e in wanted for a in of_event[e] if a is not None]
    texts += [a.text for a in edited if a is not None]
    docs = dict(zip(texts, parse(texts, workers=True), strict=True))
    print(f"ingested and parsed {len(texts)} articles", file=sys.stderr, flush=True)

    def analyse(articles: list[Any]) -> list[Any]:
        articles = [a for a in articles if a is not None]
        groups = copy_groups((a.article_id, a.text) for a in articles)
        text = read_event(articles, [docs[a.text] for a in articles], groups)
        claims = align_claims(text, embedder=embedder)
        return list(find_disagreements(text, claims, embedder=embedder))

    for event_id in control_ids:
        scores.alarms[event_id] = analyse(of_event[event_id])
        scores.articles += len(of_event[event_id])
    for case, new in zip(cases, edited, strict=True):
        articles = of_event[case["event_id"]]
        ids = [a["id"] for a in events[case["event_id"]]["articles"]]
        old = articles[ids.index(case["article_id"])]
        if new is None or old is None or case["new"] not in new.text:
            scores.lost.append(case["case_id"])
            scores.outcomes.append(Outcome(case, "missed", []))
            continue
        swapped = [replace(a, text=new.text) if a is old else a for a in articles]
        found = analyse(swapped)
        scores.articles += len(swapped)
        scores.outcomes.append(Outcome(case, match(case, found, old.article_id), found))
    scores.seconds = time.perf_counter() - start
    return scores
