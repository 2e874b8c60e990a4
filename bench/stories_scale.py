"""The stories stage at scale: stored articles to events at 1k, 5k and 20k articles.

Articles are the three dev clustering files, mixed (their events shuffled together), and
replicated with small edits once N is past them: a fresh id and URL, a few words dropped and a
few neighbouring words swapped, a made-up outlet. Each copy of the dev set has a span of days of
its own: its events get dates in a 14-day span (their articles within three days of the event's
date) and the spans lie 60 days apart, beyond the clusterer's 30-day window. So every copy is a
fresh run of the same kind of news, the gold stays exact (a dev event in one copy), and an
article's nearest neighbours by text are mostly copies of itself that the window must filter
out: quality should hold from 1k to 20k. They are written as one .jsonl and ingested
into a fresh store; ingest is not part of the figures. Then `build_stories` is timed on the
store, each step as the report gives it (copy groups, embedding, clustering, storylines), and
"to events": the wall time from the start of the run until every article has its event, the
figure the 500 articles/s target is about. From 500 articles the copy check runs in a forked
process beside the clustering, so the steps overlap and "to events" is less than their sum.
Last, one article more (the next one the generator writes) is ingested and `build_stories` run
again, timed: what one `watch` cycle with one new article costs against a store of that size.
"save" is the time the run spends saving the copy index, the clusterer and the storyline
linker for the next run, and "states" says how that second run had them ("loaded": from the
states the first run saved, as it should).

Each size runs in child processes of its own (one to ingest, one to build stories), so the peak
RSS shown is the stories stage's alone, per size: the process's own plus the forked copy
check's (each one's peak; they need not peak together, so the sum is an upper bound). The
embedder is loaded before the clock starts. The embedding step is the reference in the same run:
"cluster/embed" is the clustering time as a share of it. "B3 P / R / F1" scores the events
against the generated gold: flat from 1k to 20k means the index and the window hold up at scale
(the 1k figure mixes the three dev files, so it is not comparable with the per-file figures).

    .venv/bin/python bench/stories_scale.py [--embedder static|minilm] [--sizes 1000,5000,20000]
        [--eval-dir ../shared/eval]

MiniLM embeds about 15-40 articles/s on 2 cores, so 20k takes 10-20 minutes; progress goes to
stderr.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from cluster_data import EMBEDDERS, NAMES, load_dev
from newsweave.evaluate.clustering import bcubed
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories.embed import load_embedder
from newsweave.stories.stage import build_stories

STEPS = ("copies", "embed", "cluster", "storylines", "save")
COPY_SPAN_DAYS = 14  # the dates of one copy's events
COPY_GAP_DAYS = 60  # from one copy's span to the next: more than the clusterer's window
START = datetime(2025, 1, 1, tzinfo=UTC)
OUTLETS = tuple(  # made-up outlets, one domain each
    (name, name.lower().replace(" ", "") + ".example")
    for name in (
        "Harbor Ledger",
        "Northgate Courier",
        "Plainsview Times",
        "Riverbend Post",
        "Summit Daily",
        "Lakeshore Herald",
        "Ironvale Gazette",
        "Coastline Wire",
        "Meridian Report",
        "Valley Sentinel",
        "Eastfield Chronicle",
        "Westmark Observer",
        "Highland Tribune",
        "Capital Dispatch",
        "Bayside Journal",
        "Prairie Record",
        "Granite News",
        "Oakridge Press",
        "Silverport Bulletin",
        "Crescent Review",
    )
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# -- articles -----------------------------------------------------------------------------


def write_articles(path: Path, count: int, eval_dir: str | None, seed: int = 0) -> dict[str, str]:
    """`count` articles as .jsonl at `path`; returns each line's origin (path:line) -> gold."""
    rng = random.Random(seed)
    events: dict[tuple[str, str], list[dict]] = {}
    for name in NAMES:
        for row in load_dev(name, eval_dir):
            events.setdefault((name, row["gold"]), []).append(row)
    order = list(events)
    gold_of: dict[str, str] = {}
    with path.open("w", encoding="utf-8") as out:
        copy = 0
        while len(gold_of) < count:
            rng.shuffle(order)
            for key in order:
                day = START + timedelta(days=copy * COPY_GAP_DAYS + rng.uniform(0, COPY_SPAN_DAYS))
                for row in events[key]:
                    if len(gold_of) == count:
                        break
                    number = len(gold_of)
                    outlet, domain = rng.choice(OUTLETS)
                    text = row["text"] if copy == 0 else edited(row["text"], rng)
                    article = {
                        "id": f"scale-{number:06d}",
                        "title": row.get("title"),
                        "text": text,
                        "published_at": (day + timedelta(hours=rng.uniform(0, 72))).isoformat(),
                        "source": outlet,
                        "url": f"https://www.{domain}/news/{number:06d}",
                    }
                    out.write(json.dumps(article) + "\n")
                    gold_of[f"{path}:{number + 1}"] = f"{key[0]}:{key[1]}#{copy}"
            copy += 1
    return gold_of


def edited(text: str, rng: random.Random, drops: int = 3, swaps: int = 3) -> str:
    """The text with a few words dropped and a few neighbouring words swapped."""
    words = text.split(" ")
    for _ in range(drops):
        if len(words) > 10:
            del words[rng.randrange(len(words))]
    for _ in range(swaps):
        if len(words) > 10:
            at = rng.randrange(len(words) - 1)
            words[at], words[at + 1] = words[at + 1], words[at]
    return " ".join(words)


# -- children -----------------------------------------------------------------------------


def ingest_child(jsonl: Path, db: Path) -> dict:
    # One file holds every article: past the default 10 MB cap on a file at 20k articles.
    settings = Settings(db=db, max_file_bytes=jsonl.stat().st_size + 1)
    start = time.perf_counter()
    with open_store(db) as store:
        report = ingest([str(jsonl)], store, settings)
    return {
        "seconds": time.perf_counter() - start,
        "ingested": len(report.ingested),
        "rejected": dict(Counter(rejection.reason for rejection in report.rejected)),
        "article_of": report.article_of,
    }


def stories_child(db: Path, late: Path, embedder_name: str, label: str) -> dict:
    settings = Settings(db=db, embedder=embedder_name)
    embedder = load_embedder(embedder_name)
    embedder.embed(["warm-up text"])
    last = [time.perf_counter(), time.perf_counter()]  # embedding start, last progress line

    def progress(step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if done == total or now - last[1] >= 30:
            rate = done / max(now - last[0], 1e-9)
            eta = (total - done) / rate if rate else 0.0
            log(f"{label}: {step} {done}/{total}, {rate:.0f} articles/s, {eta:.0f} s left")
            last[1] = now

    with open_store(db) as store:
        log(f"{label}: build_stories starts")
        last[0] = last[1] = time.perf_counter()
        start = time.perf_counter()
        report = build_stories(store, settings, embedder=embedder, progress=progress)
        total = time.perf_counter() - start
        members = {article: event for article, (event, _) in store.get_event_members().items()}
        peak_rss_mb = (  # of the first run, the one the main table is about
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            + resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        ) / 1024
        ingest([str(late)], store, settings)  # one article more, as a `watch` cycle brings
        log(f"{label}: build_stories for one article more")
        start = time.perf_counter()
        again = build_stories(store, settings, embedder=embedder)
        one_more = time.perf_counter() - start
    return {
        "one_more": {"total": one_more, **{step: again.seconds.get(step, 0.0) for step in STEPS}},
        "one_more_states": sorted(set(again.states.values())),
        "seconds": {step: report.seconds.get(step, 0.0) for step in STEPS},
        "total": total,
        "to_events": report.seconds_to_events,
        "articles": report.articles,
        "new_articles": report.new_articles,
        "embedded": report.embedded,
        "events": report.events,
        "storylines": report.storylines,
        "members": members,
        "peak_rss_mb": peak_rss_mb,
    }


def in_child(function, *args):
    """Run `function(*args)` in a fresh process of its own; return what it returns.

    Not a multiprocessing.Pool: its workers are daemons, which may not fork the copy check.
    """
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=context, max_tasks_per_child=1) as pool:
        return pool.submit(function, *args).result()


# -- one size -----------------------------------------------------------------------------


def measure(size: int, embedder_name: str, eval_dir: str | None) -> dict:
    label = f"{size} {embedder_name}"
    with tempfile.TemporaryDirectory(prefix="newsweave-scale-") as folder:
        jsonl, db = Path(folder) / "articles.jsonl", Path(folder) / "stories.db"
        late = Path(folder) / "late.jsonl"
        gold_of = write_articles(jsonl, size + 1, eval_dir)
        *lines, last = jsonl.read_text(encoding="utf-8").splitlines(keepends=True)
        jsonl.write_text("".join(lines), encoding="utf-8")
        late.write_text(last, encoding="utf-8")
        gold_of.popitem()  # the late article's: scored events are those of the first run
        log(f"{label}: ingesting {len(gold_of)} articles (not timed)")
        ingested = in_child(ingest_child, jsonl, db)
        log(
            f"{label}: ingested {ingested['ingested']}, rejected {ingested['rejected'] or 0} "
            f"in {ingested['seconds']:.0f} s"
        )
        if not ingested["ingested"]:
            raise SystemExit(f"{label}: nothing was ingested ({ingested['rejected']})")
        result = in_child(stories_child, db, late, embedder_name, label)
    found, gold = [], []
    for origin, label_gold in gold_of.items():
        article = ingested["article_of"].get(origin)
        found.append(result["members"].get(article, f"unclustered:{origin}"))
        gold.append(label_gold)
    result["b3"] = bcubed(found, gold)
    result["size"] = size
    result["embedder"] = embedder_name
    del result["members"]
    log(f"{label}: done in {result['total']:.1f} s")
    return result


# -- tables -------------------------------------------------------------------------------


def print_tables(results: list[dict]) -> None:
    print(
        "| articles | embedder | copies s | embed s | cluster s | storylines s | to events s "
        "| to events articles/s | total s | articles/s | cluster/embed | events "
        "| B3 P / R / F1 | peak RSS MB |"
    )
    print("|---:|---|" + "---:|" * 12)
    for r in results:
        s, n = r["seconds"], r["articles"]
        print(
            f"| {n} | {r['embedder']} | {s['copies']:.2f} | {s['embed']:.2f} "
            f"| {s['cluster']:.2f} | {s['storylines']:.2f} | {r['to_events']:.2f} "
            f"| {n / r['to_events']:.0f} | {r['total']:.2f} "
            f"| {n / r['total']:.0f} | {100 * s['cluster'] / s['embed']:.0f}% "
            f"| {r['events']} | {'/'.join(f'{v:.2f}' for v in r['b3'])} "
            f"| {r['peak_rss_mb']:.0f} |"
        )
    print()
    print("Cost per 1k articles (seconds); flat rows mean linear cost:")
    print()
    print("| articles | embedder | copies | embed | cluster | storylines | save | total |")
    print("|---:|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        per = 1000 / r["articles"]
        s = r["seconds"]
        cells = " | ".join(f"{s[step] * per:.3f}" for step in STEPS)
        print(f"| {r['articles']} | {r['embedder']} | {cells} | {r['total'] * per:.3f} |")
    print()
    print("One article more into the store just built (seconds; a `watch` cycle's cost):")
    print()
    print(
        "| articles in the store | embedder | copies | embed | cluster | storylines | save "
        "| total | states |"
    )
    print("|---:|---|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        more = r["one_more"]
        cells = " | ".join(f"{more[step]:.2f}" for step in STEPS)
        states = " / ".join(r["one_more_states"])
        print(f"| {r['articles']} | {r['embedder']} | {cells} | {more['total']:.2f} | {states} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--embedder", default="static", choices=EMBEDDERS)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--eval-dir", default=None, help="folder holding dev/cluster-*.jsonl")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    results = []
    for size in sizes:
        results.append(measure(size, args.embedder, args.eval_dir))
    print_tables(results)


if __name__ == "__main__":
    main()
