"""One story stays one story in a small store: each dev event ingested alone into a fresh store.

Usage: .venv/bin/python bench/small_store.py [--eval-dir ../shared/eval] [--embedder minilm]
       [--files allsides,multinews] [--show-split]

A user's first run is a handful of articles. For every dev summarization event with at least two
articles, this runs the path a user runs — the event's articles written to a JSONL file,
`ingest`, then `build_stories` — into a fresh SQLite store, and counts the events whose articles
end in one event ("whole alone"). Then every event of the file goes into one store together and
the same is counted ("whole mixed"), with the share of events whose event holds no article of
another ("pure mixed"). The embedder's vectors are kept between the two passes (the same texts
are embedded once); nothing else is shared.

Multi-News events that are collections of unrelated items (a summary written from several
separate stories, listed in `MULTINEWS_COLLECTIONS` with the reason) are excluded from the
share. Some Multi-News "articles" are not reports at all but what a crawler found in their
place (a web archive's notice, a book scan's preamble, a share form; `NOT_A_REPORT`): they are
ingested with the rest, but whether the event is whole is judged on its reports, and an event
left with fewer than two reports is excluded. `--all` scores every event as it is.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cluster_data import dev_dir
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories.embed import CachedEmbedder, load_embedder
from newsweave.stories.stage import build_stories

# Multi-News dev "events" that are not one event: the reference summary strings together
# separate stories (read by hand; the reason for each is given).
MULTINEWS_COLLECTIONS = {
    "6ad28d1ca4f136c6c60610ed1ccdacaf3a6708d9c74d68bb": "a ranking of Wikipedia's people beside "
    "an essay on how science builds on earlier work",
    "e07c67df44c00106f6f042496897a8ad07ffc881bb51e615": "three unrelated auctions (the "
    "Unabomber's effects, a film star's luggage, a Chaplin reel)",
    "317596c2204663c37b6785e78ac7f631dfd73eee49358fbe": "one Sunday's talk-show interviews with "
    "six people on six subjects",
    "88631c804f097efb11f869ba5bd3f64e53a8c3c475f0e28a": "two war-crimes suspects: one died in "
    "Quebec, another's case was shelved in Germany",
}
NOT_A_REPORT = re.compile(
    r"These crawls are part of an effort|WARCZone is a collection|This is a set of web "
    r"collections curated|uncorrected machine-read text|spreading the word about Science"
)


def load_events(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [row for row in rows if len(row["articles"]) >= 2]


def events_of(articles: list[dict], embedder: CachedEmbedder) -> tuple[dict[str, str], float]:
    """Each input article id's event after ingest + stories into a fresh store, and the time."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        settings = Settings(db=Path(folder) / "store.db")
        store = open_store(settings.db)
        try:
            start = time.perf_counter()
            report = ingest([str(path)], store, settings)
            build_stories(store, settings, embedder=embedder)
            seconds = time.perf_counter() - start
            members = store.get_event_members()
        finally:
            store.close()
    line_of = {f"{path}:{n}": a["id"] for n, a in enumerate(articles, start=1)}
    return {
        line_of[where]: members[article_id][0]
        for where, article_id in report.article_of.items()
        if article_id in members
    }, seconds


def reports(event: dict, every: bool) -> list[dict]:
    return [a for a in event["articles"] if every or not NOT_A_REPORT.search(a["text"][:400])]


def score(name: str, events: list[dict], embedder: CachedEmbedder, every: bool, show: bool) -> dict:
    excluded = {} if every or name != "multinews" else MULTINEWS_COLLECTIONS
    kept = [e for e in events if e["id"] not in excluded and len(reports(e, every)) >= 2]
    whole_alone, seconds = 0, 0.0
    for event in kept:
        found, took = events_of(event["articles"], embedder)
        seconds += took
        parts = Counter(found[a["id"]] for a in reports(event, every) if a["id"] in found)
        whole_alone += len(parts) == 1 and sum(parts.values()) == len(reports(event, every))
        if show and len(parts) != 1:
            print(f"  split alone: {event['id']} into {sorted(parts.values(), reverse=True)}")
    mixed, _ = events_of([a for e in kept for a in e["articles"]], embedder)
    gold = {a["id"]: e["id"] for e in kept for a in reports(e, every)}
    by_found: dict[str, set[str]] = {}
    for article_id, event_id in mixed.items():
        if article_id in gold:
            by_found.setdefault(event_id, set()).add(gold[article_id])
    whole_mixed = pure_mixed = 0
    for event in kept:
        found = {mixed.get(a["id"]) for a in reports(event, every)}
        is_whole = len(found) == 1 and None not in found
        whole_mixed += is_whole
        pure_mixed += is_whole and by_found[found.pop()] == {event["id"]}
    n = len(kept)
    return {
        "events": n,
        "excluded": len(events) - n,
        "whole_alone": round(whole_alone / n, 3),
        "whole_mixed": round(whole_mixed / n, 3),
        "pure_mixed": round(pure_mixed / n, 3),
        "seconds_per_event_alone": round(seconds / n, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=None)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--files", default="allsides,multinews")
    parser.add_argument("--show-split", action="store_true")
    parser.add_argument("--all", action="store_true", help="score every event as it is")
    args = parser.parse_args()
    embedder = CachedEmbedder(load_embedder(args.embedder), capacity=1_000_000)
    results = {}
    for name in args.files.split(","):
        events = load_events(dev_dir(args.eval_dir) / f"summ-{name}.jsonl")
        results[name] = score(name, events, embedder, args.all, args.show_split)
        print(name, json.dumps(results[name]), flush=True)


if __name__ == "__main__":
    main()
