"""Building the planted-disagreement benchmark's file (bench/planted_disagreements.py build).

**build** reads summ-multinews.jsonl and summ-allsides.jsonl from the dev eval folder
(`--eval-dir`, else $NEWSWEAVE_EVAL_DIR, else ../shared/eval beside the repository, as
`cluster_data.dev_dir` finds it). The text stays out of the repository: the built file goes to
`--out` (default /tmp/nw_cache/planted-disagreements.jsonl), beside the parses and sentence
vectors it caches. Every article is parsed with the project's spaCy pipeline (`nlp.parse`) and
read for values (`planted_read`) and planted (`planted_plant`).

Every count, place and person case and 45 dates were then read; the few that got through the
rules and are still no disagreement are in `EXCLUDED`, each with its reason.

The built file is JSON lines: a "build" line (seed, cases kept per kind and half, rejections per
rule), an "event" line per event of two or more articles (its articles as the file has them),
and a "case" line per planted value (event, kind, edited article, old and new value and key, the
sentence before and after, one other article's sentence, the edited text). The half is by a hash
of the event id, "tune" or "held-out", for cases and controls alike: tune issue 25's rules on
"tune" only.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cluster_data import dev_dir
from newsweave.analysis.nlp import load_nlp, parse
from planted_plant import SEED, Article, Plan, build_pools, half_of, plant_event
from planted_read import Similarity, find_mentions

if TYPE_CHECKING:
    from spacy.tokens import Doc

FILES = ("summ-multinews.jsonl", "summ-allsides.jsonl")
DEFAULT_OUT = Path("/tmp/nw_cache/planted-disagreements.jsonl")

# Cases that passed the rules and that a careful reading did not call a disagreement (read
# 2026-12-07: every count, place and person case, and 45 of the dates), with the reason each.
EXCLUDED = {
    "place-3d89ec8f6b-2": "'not a North Carolina hurricane' is a figure of speech, not a place",
    "place-4197e8e21c-1": "his home outside Philadelphia and a prison near it are two places",
    "place-c04ce37539-1": "Fairfax here is a media company, not a place",
    "place-fd1c911781-1": "the other article does not say whose law it is",
    "place-0da7e0e4e6-1": "where the son spoke and the home she was taken from: two happenings",
    "place-55b1c658ad-1": "the other article does not place the pile-up",
    "place-6e1dac3157-1": "Malibu lies in L.A. county: L.A. does not contradict it",
    "person-228a850d63-1": "another remark of the same speaker",
    "person-75608448ca-1": "another remark of the same speaker",
    "person-987ab5472a-1": "another remark of the same speaker",
    "person-3e6de3880e-1": "another act of the same sheriff",
    "person-63d3533bf6-1": "another remark of the same speaker",
    "person-590b00eabe-1": "Clinton is named in the quote, not its speaker",
    "person-92b1359381-1": "another remark of the same speaker",
    "person-69ea8fcbae-1": "another passage of the statement",
    "person-fd1c911781-1": "another remark of the same speaker",
    "person-8a9c723c4c-1": "another remark of the same speaker",
    "date-c9f8c29b0c-1": "the mockery and the ousting are two happenings of one day",
}


def read_events(
    eval_dir: Path | str | None,
) -> list[tuple[str, str, list[Article], list[dict[str, Any]]]]:
    """(file, event id, articles, the articles as the file has them) of each event of the two
    summarization dev files."""
    folder = dev_dir(eval_dir)
    events = []
    for name in FILES:
        path = folder / name
        if not path.is_file():
            raise SystemExit(f"{path} not found; pass --eval-dir (the folder holding dev/)")
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    data = json.loads(line)
                    articles = [Article(a["id"], a["text"]) for a in data["articles"]]
                    events.append((name, data["id"], articles, data["articles"]))
    return events


def parsed(texts: Sequence[str]) -> list[Doc]:
    """The texts parsed by the project's pipeline, cached in /tmp/nw_cache as a DocBin."""
    from spacy.tokens import DocBin

    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = DEFAULT_OUT.parent / f"planted-docs-{key}.spacy"
    nlp = load_nlp()
    if path.is_file():
        return list(DocBin().from_disk(path).get_docs(nlp.vocab))
    docs = list(parse(texts, workers=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    DocBin(docs=docs).to_disk(path)
    return docs


def sentence_similarity(sentences: Iterable[str]) -> Similarity:
    """The cosine of two of these sentences by MiniLM (the analysis's embedder), their vectors
    embedded once and cached in /tmp/nw_cache."""
    import numpy as np

    from newsweave.analysis.nlp import minilm

    texts = sorted(set(sentences))
    key = hashlib.sha1("\x00".join(texts).encode()).hexdigest()[:12]
    path = DEFAULT_OUT.parent / f"planted-sentences-{key}.npy"
    if path.is_file():
        vectors = np.load(path)
    else:
        vectors = np.asarray(minilm().embed(texts), dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-12
        np.save(path, vectors)
    index = {text: n for n, text in enumerate(texts)}
    return lambda a, b: float(vectors[index[a]] @ vectors[index[b]])


def build(eval_dir: Path | str | None, out: Path, seed: int = SEED) -> dict[str, Any]:
    """Plant the cases (see the module doc) and write the built file; its summary."""
    events = read_events(eval_dir)
    docs = parsed([a.text for _, _, articles, _ in events for a in articles])
    at = 0
    mentions, event_docs = [], []
    for _, _, articles, _ in events:
        event_docs.append(docs[at : at + len(articles)])
        mentions.append([find_mentions(doc) for doc in event_docs[-1]])
        at += len(articles)
    similarity = sentence_similarity(
        m.sentence for event in mentions for ms in event for m in ms if m.rejected is None
    )
    plans: dict[str, Plan] = {}
    for name in FILES:
        of_file = [i for i, event in enumerate(events) if event[0] == name]
        pools = build_pools(
            (doc, ms) for i in of_file for doc, ms in zip(event_docs[i], mentions[i], strict=True)
        )
        plan = plans[name] = Plan()
        for i in of_file:
            _, event_id, articles, _ = events[i]
            if len(articles) >= 2:
                one = plant_event(name, event_id, articles, mentions[i], pools, similarity, seed)
                plan.cases += one.cases
                plan.rejected += one.rejected
    cases = [case for plan in plans.values() for case in plan.cases if case.case_id not in EXCLUDED]
    rejected = [
        (event_id, rule, m) for plan in plans.values() for event_id, rule, m in plan.rejected
    ]
    summary = {
        "type": "build",
        "seed": seed,
        "kept": dict(Counter(f"{c.kind} {c.half}" for c in cases)),
        "rejected": dict(Counter(f"{m.kind} {rule}" for _, rule, m in rejected)),
        "hand-read": sorted(EXCLUDED),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(summary) + "\n")
        for name, event_id, articles, raw in events:
            if len(articles) >= 2:
                line = {"type": "event", "file": name, "event_id": event_id}
                line |= {"half": half_of(event_id), "articles": raw}
                fh.write(json.dumps(line) + "\n")
        for case in cases:
            fh.write(json.dumps({"type": "case", **asdict(case)}) + "\n")
        for event_id, rule, m in rejected:
            line = {"type": "rejected", "event_id": event_id, "rule": rule, **asdict(m)}
            line.pop("words")
            fh.write(json.dumps(line) + "\n")
    return summary


# --- scoring --------------------------------------------------------------------------------
