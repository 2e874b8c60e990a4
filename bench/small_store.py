"""One story stays one story in a small store: each dev event ingested alone into a fresh store.

Usage: .venv/bin/python bench/small_store.py [--eval-dir ../shared/eval] [--embedder minilm]
       [--files allsides,multinews] [--show-split] [--all] [--grid [--cache DIR]]
       [--seeds ../shared/seeds] [--signals [--cache DIR]]

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

`--show-split` names every event split alone or mixed; for a mixed split it says whether one of
its reports has its nearest report (by the embedder's cosine, among every report of the file) in
another event, which no threshold on that similarity can keep whole without joining the two.

`--grid` is the fast loop for the clusterer's settings: the real path runs once per file (the
mixed store of each summarization file, and each dev clustering file), the articles are kept as
the clusterer reads them (`stories.stage.cluster_item`, pickled under `--cache`), and every
setting of `GRID` is scored on them by the clusterer alone: B-cubed F1 on the clustering files,
whole alone and whole mixed on the summarization files. With the default setting it gives the
figures of the real path.

`--signals` asks whether a "what happened" signal that does not depend on the store's size
tells a report's own event from the others near it in the mixed store (items from the `--grid`
cache): for every report, its nearest reports by the embedder's cosine (as many as the
clusterer links), and for each pair the embedder's cosine, the TF-IDF cosine (the clusterer's
terms and news prior), the rare names and numbers both hold, and the predicate-argument pairs
of both leads, and whether the two reports date their happenings alike: the days each report's
title and first three sentences say something happened (the analysis' date reader, without a
publication date: a weekday, a month and day, or a full date; no plans, no dates of saying),
+1 when two of them fall within a day of each other, -1 when every pair that compares is two
days or more apart, 0 when none compares. It prints each signal's ROC AUC for "the same gold
event", and that of logistic fits of signals together (5 folds, grouped by event, so no event is
both fitted and scored).

`--seeds FOLDER` runs a folder of plain files (the seeds) through the real path and prints each
file's event with the cosines of the files to one another, of the whole text and of the lead.
"""

from __future__ import annotations

import argparse
import json
import math
import pickle
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from cluster_data import NAMES, dev_dir
from newsweave.evaluate.clustering import bcubed
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories.cluster import ClusterItem, ClusterSettings, OnlineClusterer
from newsweave.stories.cluster_features import Lexicon, news_term_share, split_lead, term_counts
from newsweave.stories.embed import CachedEmbedder, load_embedder
from newsweave.stories.stage import build_stories, cluster_item

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
    "405458acd6900ae99c9ab88f590a016896dc550abf4b6622": "two highway shootings in two states: "
    "a suspect arrested in Phoenix, another driver sought in Alabama",
    "cd5fba73cf0b38e75ea2e39da56340e1dfa26ae1f746b866": "one Sunday's talk shows: two "
    "candidates on Romney, and the White House chief of staff on birth-control rules",
}
NOT_A_REPORT = re.compile(
    r"These crawls are part of an effort|WARCZone is a collection|This is a set of web "
    r"collections curated|uncorrected machine-read text|spreading the word about Science"
)


def load_events(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [row for row in rows if len(row["articles"]) >= 2]


class Run:
    """One pass of the real path into a fresh store: each input id's event and clustered item."""

    def __init__(self, path: Path, embedder: CachedEmbedder) -> None:
        settings = Settings(db=path.parent / "store.db")
        store = open_store(settings.db)
        try:
            start = time.perf_counter()
            report = ingest([str(path)], store, settings)
            build_stories(store, settings, embedder=embedder)
            self.seconds = time.perf_counter() - start
            members = store.get_event_members()
            vectors = store.get_vectors(embedder.name)
            stored = {a.article_id: cluster_item(a, vectors) for a in store.iter_articles()}
        finally:
            store.close()
        # Input ids: the "id" of each JSONL line, in line order.
        lines = path.read_text(encoding="utf-8").splitlines()
        line_of = {f"{path}:{n}": json.loads(line)["id"] for n, line in enumerate(lines, start=1)}
        self.event: dict[str, str] = {}
        self.item: dict[str, ClusterItem] = {}
        for where, article_id in report.article_of.items():
            if article_id in members:
                self.event[line_of[where]] = members[article_id][0]
                self.item[line_of[where]] = stored[article_id]


def run_articles(articles: list[dict], embedder: CachedEmbedder) -> Run:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "articles.jsonl"
        path.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
        return Run(path, embedder)


def reports(event: dict, every: bool) -> list[dict]:
    return [a for a in event["articles"] if every or not NOT_A_REPORT.search(a["text"][:400])]


def kept_events(name: str, events: list[dict], every: bool) -> list[dict]:
    excluded = {} if every or name != "multinews" else MULTINEWS_COLLECTIONS
    return [e for e in events if e["id"] not in excluded and len(reports(e, every)) >= 2]


def is_whole(event: dict, event_of: dict[str, str], every: bool) -> bool:
    found = [event_of.get(a["id"]) for a in reports(event, every)]
    return None not in found and len(set(found)) == 1


def score(name: str, events: list[dict], embedder: CachedEmbedder, every: bool, show: bool) -> dict:
    kept = kept_events(name, events, every)
    whole_alone, seconds = 0, 0.0
    for event in kept:
        run = run_articles(event["articles"], embedder)
        seconds += run.seconds
        whole_alone += is_whole(event, run.event, every)
        if show and not is_whole(event, run.event, every):
            print(f"  split alone: {event['id']} {title_line(event, run.item)}")
    mixed = run_articles([a for e in kept for a in e["articles"]], embedder)
    gold = {a["id"]: e["id"] for e in kept for a in reports(e, every)}
    by_found: dict[str, set[str]] = {}
    for article_id, event_id in mixed.event.items():
        if article_id in gold:
            by_found.setdefault(event_id, set()).add(gold[article_id])
    whole_mixed = pure_mixed = elsewhere = 0
    for event in kept:
        if is_whole(event, mixed.event, every):
            whole_mixed += 1
            pure_mixed += by_found[mixed.event[reports(event, every)[0]["id"]]] == {event["id"]}
        elif show:
            nearer = nearest_elsewhere(event, gold, mixed.item, every)
            elsewhere += nearer
            print(
                f"  split mixed: {event['id']} nearest elsewhere: {'yes' if nearer else 'no'} "
                f"{title_line(event, mixed.item)}"
            )
    n = len(kept)
    result = {
        "events": n,
        "excluded": len(events) - n,
        "whole_alone": round(whole_alone / n, 3),
        "whole_mixed": round(whole_mixed / n, 3),
        "pure_mixed": round(pure_mixed / n, 3),
        "seconds_per_event_alone": round(seconds / n, 3),
    }
    if show:
        result["split_mixed_nearest_elsewhere"] = elsewhere
    return result


def title_line(event: dict, item: dict[str, ClusterItem]) -> str:
    """The event's reports as the clusterer read them: title, or the text's opening."""
    shown = [item[a["id"]] for a in event["articles"] if a["id"] in item]
    return " || ".join(" ".join((i.title or i.text).split())[:70] for i in shown)


def nearest_elsewhere(
    event: dict, gold: dict[str, str], item: dict[str, ClusterItem], every: bool
) -> bool:
    """Whether a report of the event is nearer (embedding cosine) to a report of another event
    than to every report of its own."""
    ids = [article_id for article_id in gold if article_id in item]
    vectors = np.stack([np.asarray(item[i].vector, dtype=np.float32) for i in ids])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    row_of = {article_id: row for row, article_id in enumerate(ids)}
    for article in reports(event, every):
        if article["id"] not in row_of:
            continue
        cosines = vectors @ vectors[row_of[article["id"]]]
        cosines[row_of[article["id"]]] = -2.0
        if gold[ids[int(np.argmax(cosines))]] != event["id"]:
            return True
    return False


# The grid: the default setting, then one knob moved at a time (join and merge thresholds move
# together).
GRID: list[dict] = [
    {},
    {"neighbours": 10},
    {"neighbours": 40},
    {"scale_alpha": 0.3},
    {"scale_alpha": 0.7},
    {"scale_k": 1},
    {"scale_k": 5},
    {"join_threshold": 0.06, "merge_threshold": 0.06},
    {"join_threshold": 0.10, "merge_threshold": 0.10},
    {"embedding_weight": 0.5},
    {"prior_articles": 1000.0},
]


def cached(cache: Path, key: str, make: Callable[[], object]) -> object:
    path = cache / f"{key}.pickle"
    if path.exists():
        return pickle.loads(path.read_bytes())
    value = make()
    cache.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pickle.dumps(value))
    return value


def clustered(items: list[ClusterItem], settings: ClusterSettings) -> dict[str, str]:
    clusterer = OnlineClusterer(settings)
    clusterer.add(items)
    return {i.item_id: clusterer.event_of(i.item_id) for i in items}


def mixed_items(
    args: argparse.Namespace, name: str, embedder: CachedEmbedder
) -> tuple[list[dict], dict[str, ClusterItem]]:
    """The kept events of a summarization file, and the items of its mixed store (cached)."""
    tag = f"{args.embedder}{'-all' if args.all else ''}"
    events = kept_events(name, load_events(dev_dir(args.eval_dir) / f"summ-{name}.jsonl"), args.all)
    run = cached(
        Path(args.cache),
        f"summ-{name}-{tag}",
        lambda: run_articles([a for e in events for a in e["articles"]], embedder),
    )
    return events, run.item


def grid(args: argparse.Namespace, embedder: CachedEmbedder) -> None:
    """Every setting of `GRID` by the clusterer alone, on the items the real path gave."""
    cache = Path(args.cache)
    summ, clustering = {}, {}
    for name in args.files.split(","):
        summ[name] = mixed_items(args, name, embedder)
    for name in NAMES:
        path = dev_dir(args.eval_dir) / f"cluster-{name}.jsonl"
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        run = cached(
            cache, f"cluster-{name}-{args.embedder}", lambda rows=rows: run_articles(rows, embedder)
        )
        clustering[name] = ({r["id"]: r["gold"] for r in rows}, run.item)
    for change in GRID:
        settings = ClusterSettings(**change)
        line = {}
        for name, (gold, item) in clustering.items():
            event_of = clustered(list({i.item_id: i for i in item.values()}.values()), settings)
            ids = sorted(item)
            line[name] = round(
                bcubed([event_of[item[i].item_id] for i in ids], [gold[i] for i in ids])[2], 3
            )
        for name, (events, item) in summ.items():
            mixed = clustered(list({i.item_id: i for i in item.values()}.values()), settings)
            alone = mixed_whole = 0
            for event in events:
                mine = {
                    item[a["id"]].item_id: item[a["id"]]
                    for a in event["articles"]
                    if a["id"] in item
                }
                by_item = clustered(list(mine.values()), settings)
                alone += is_whole(
                    event,
                    {a: by_item[i.item_id] for a, i in item.items() if i.item_id in by_item},
                    args.all,
                )
                mixed_whole += is_whole(
                    event, {a: mixed[i.item_id] for a, i in item.items()}, args.all
                )
            line[f"{name} alone"] = round(alone / len(events), 3)
            line[f"{name} mixed"] = round(mixed_whole / len(events), 3)
        print(json.dumps(change), json.dumps(line), flush=True)


# Dependencies of a verb that name who or what took part in what it says happened.
ARGUMENTS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "dative", "attr"})


def unit(weights: dict) -> dict:
    """The weights scaled to unit length, so that a sum of products is a cosine."""
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    return {key: w / norm for key, w in weights.items()}


def rarity(term: str) -> float:
    """How rare a term is in general news, whatever the store holds: -log of its share."""
    return -math.log(news_term_share(term))


def predicates(doc: Any) -> set[tuple[str, str]]:
    """(verb, argument) lemma pairs of a parsed text: a verb with its subject, object or the
    object of a preposition it governs ("send", "troop"; "send", "border")."""
    pairs = set()
    for token in doc:
        if token.pos_ != "VERB" or token.is_stop:
            continue
        verb = token.lemma_.lower()
        for child in token.children:
            if child.dep_ in ARGUMENTS:
                pairs.add((verb, child.lemma_.lower()))
            elif child.dep_ == "prep":
                pairs.update((verb, g.lemma_.lower()) for g in child.children if g.dep_ == "pobj")
    return pairs


SIGNALS = ("embedding", "tfidf", "names", "predicates", "dates")
SIGNAL_FITS = (
    ("embedding", "tfidf"),
    ("embedding", "tfidf", "names", "predicates"),
    ("embedding", "tfidf", "dates"),
)


def signals(args: argparse.Namespace, embedder: CachedEmbedder) -> None:
    """Each signal's AUC for "the same gold event" over every report and its nearest reports."""
    for name in args.files.split(","):
        events, item = mixed_items(args, name, embedder)
        gold = {
            item[a["id"]].item_id: e["id"]
            for e in events
            for a in reports(e, args.all)
            if a["id"] in item
        }
        items = sorted(
            {i.item_id: i for i in item.values() if i.item_id in gold}.values(),
            key=lambda i: i.item_id,
        )
        print(name, json.dumps(signal_aucs(items, [gold[i.item_id] for i in items])), flush=True)


def pair_signals(items: list[ClusterItem]) -> tuple[dict[str, list[float]], list[list[int]]]:
    """Each signal for every report and each of its nearest reports by the embedder's cosine
    (as many as the clusterer links), with those nearest reports' rows."""
    from newsweave.analysis.nlp import parse

    s = ClusterSettings()
    vectors = np.stack([np.asarray(i.vector, dtype=np.float32) for i in items])
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    lexicon = Lexicon(news_term_share, s.prior_articles)
    names = []
    for i in items:
        counts = term_counts(
            i.title, i.text[: s.text_chars], s.lead_sentences, s.lead_boost, s.name_boost
        )
        lexicon.add(counts)
        names.append(unit({t: rarity(t) for t in counts if t[0] in "@#"}))
    leads = parse(split_lead(i.title, i.text, 1) for i in items)
    verbs = [unit({p: rarity(p[0]) + rarity(p[1]) for p in predicates(d)}) for d in leads]
    days = happening_days(items)
    columns: dict[str, list[float]] = {k: [] for k in SIGNALS}
    nearest = []
    for row in range(len(items)):
        cosines = vectors @ vectors[row]
        cosines[row] = -2.0
        near = np.argsort(-cosines)[: s.neighbours].tolist()
        nearest.append(near)
        columns["embedding"] += cosines[near].tolist()
        columns["tfidf"] += lexicon.cosines(row, near).tolist()
        for key, vecs in (("names", names), ("predicates", verbs)):
            columns[key] += [
                sum(w * vecs[o].get(t, 0.0) for t, w in vecs[row].items()) for o in near
            ]
        columns["dates"] += [float(dated_alike(days[row], days[o])) for o in near]
    return columns, nearest


def happening_days(items: list[ClusterItem]) -> list[list[Any]]:
    """The dates of what happened (analysis `Mention`s) in each report's title and first three
    sentences, read without a publication date."""
    from newsweave.analysis.dates import find_days
    from newsweave.analysis.nlp import parse, sentences_of
    from newsweave.analysis.values.days import read_days

    texts = [split_lead(i.title, i.text, 3) for i in items]
    out = []
    for text, doc in zip(texts, parse(texts), strict=True):
        days = find_days(text, None, doc)
        out.append([m for s in sentences_of(doc) if days for m in read_days(doc, days, 0, s)])
    return out


def days_between(a: Any, b: Any) -> int | None:
    """Days between two dates in the most precise form both give (weekdays the nearer way
    round the week); None when they share no form."""
    from newsweave.analysis.values.days import days_apart, in_form
    from newsweave.analysis.words import WEEKDAYS

    theirs = {form for form, _ in b.forms}
    form = next((form for form, _ in a.forms if form in theirs), None)
    if form != "weekday":
        return None if form is None else days_apart(a, b, form)
    step = abs(WEEKDAYS.index(in_form(a, form)) - WEEKDAYS.index(in_form(b, form))) % 7
    return min(step, 7 - step)


def dated_alike(a: list[Any], b: list[Any]) -> int:
    """+1 when two reports date a happening within a day of each other, -1 when every pair of
    their dates that compares is two days or more apart, 0 when none compares."""
    gaps = [gap for x in a for y in b if (gap := days_between(x, y)) is not None]
    if not gaps:
        return 0
    return 1 if min(gaps) <= 1 else -1


def signal_aucs(items: list[ClusterItem], gold: list[str]) -> dict:
    """ROC AUC of each signal, and of logistic fits of `SIGNAL_FITS` (5 folds by event)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold, cross_val_predict

    columns, nearest = pair_signals(items)
    same = [gold[o] == gold[row] for row, near in enumerate(nearest) for o in near]
    groups = [gold[row] for row, near in enumerate(nearest) for _ in near]
    line = {"pairs": len(same), "same event": round(float(np.mean(same)), 3)}
    line.update({k: round(float(roc_auc_score(same, v)), 3) for k, v in columns.items()})
    for fit in SIGNAL_FITS:
        x = np.column_stack([columns[k] for k in fit])
        model = LogisticRegression(max_iter=1000)
        p = cross_val_predict(
            model, x, same, cv=GroupKFold(5), groups=groups, method="predict_proba"
        )
        line["+".join(fit)] = round(float(roc_auc_score(same, p[:, 1])), 3)
    return line


def seeds(folder: Path, embedder: CachedEmbedder) -> None:
    """The plain files of `folder` through the real path into a fresh store: each file's event,
    and the cosines of the files' vectors (whole text, as clustered) and of their leads (the
    title, if any, and first sentence, embedded alone) to one another."""
    files = sorted(folder.glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(db=Path(tmp) / "store.db")
        store = open_store(settings.db)
        try:
            report = ingest([str(f) for f in files], store, settings)
            build_stories(store, settings, embedder=embedder)
            members = store.get_event_members()
            vectors = store.get_vectors(embedder.name)
            stored = {a.article_id: cluster_item(a, vectors) for a in store.iter_articles()}
        finally:
            store.close()
    items = [stored[report.article_of[str(f)]] for f in files]
    leads = embedder.embed([split_lead(i.title or None, i.text, 1) for i in items])
    whole = np.stack([np.asarray(i.vector, dtype=np.float32) for i in items])
    names = [f.name[:3] for f in files]
    print("file event   " + " ".join(f"{n:>11}" for n in names) + "   (whole text / lead)")
    for row, item in enumerate(items):
        cells = " ".join(
            f"{whole[row] @ whole[col]:.3f}/{leads[row] @ leads[col]:.3f}"
            for col in range(len(items))
        )
        print(f"{names[row]}  {members[item.item_id][0][-6:]} {cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", default=None)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--files", default="allsides,multinews")
    parser.add_argument("--show-split", action="store_true")
    parser.add_argument("--all", action="store_true", help="score every event as it is")
    parser.add_argument("--grid", action="store_true", help="the settings of GRID, clusterer alone")
    parser.add_argument("--cache", default="/tmp/newsweave-small-store", help="--grid, --signals")
    parser.add_argument("--seeds", default=None, help="a folder of plain files: their cosines")
    parser.add_argument("--signals", action="store_true", help="AUC of event signals, mixed")
    args = parser.parse_args()
    embedder = CachedEmbedder(load_embedder(args.embedder), capacity=1_000_000)
    if args.seeds:
        seeds(Path(args.seeds), embedder)
        return
    if args.grid:
        grid(args, embedder)
        return
    if args.signals:
        signals(args, embedder)
        return
    results = {}
    for name in args.files.split(","):
        events = load_events(dev_dir(args.eval_dir) / f"summ-{name}.jsonl")
        results[name] = score(name, events, embedder, args.all, args.show_split)
        print(name, json.dumps(results[name]), flush=True)


if __name__ == "__main__":
    main()
