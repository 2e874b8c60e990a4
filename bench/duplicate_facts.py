"""Facts told twice and † marks in briefs written end to end from dev events (issue 24).

    .venv/bin/python bench/duplicate_facts.py --out /tmp/dup-after [--tree DIR]
        [--multinews 15] [--allsides 10] [--eval-dir DIR]

For each chosen dev event (the first `--multinews` Multi-News events with at least three
articles, and the first `--allsides` AllSides events), its articles are written to a .jsonl file
and run through `newsweave run FILE --db STORE` in a fresh store, as a user would, with the
newsweave of `--tree` (a source checkout; default this one, so a baseline is measured by
pointing it at an older checkout). Every brief in the store is then read with this checkout's
code and counted:

- sentences and † marks (a bare fact marked single-source);
- facts told twice: pairs of the brief's sentences, the pull quote included, that state the same
  fact by `analysis.facts.same_fact` (the two sentences of a paragraph on where sources
  differ, which set one value against another, are not counted), and among them the pull quote
  found word for word in a sentence of the brief;
- † marks on a fact another source of the event states by the same decision (a source the
  brief lists, stating it in its own words).

The briefs are written to OUT/briefs.md, each followed by its pairs told twice and its † marks,
to read by hand; the dev files' text stays under OUT, outside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from newsweave.analysis.facts import same_fact, stated_in
from newsweave.analysis.support import verbatim_span
from newsweave.briefs.model import Brief
from newsweave.briefs.render import render
from newsweave.briefs.stage import load_brief
from newsweave.store import open_store
from newsweave.stories import list_events

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"
TREE = Path(__file__).resolve().parents[1]


@dataclass
class Counts:
    briefs: int = 0
    sentences: int = 0
    daggers: int = 0
    daggers_stated_elsewhere: int = 0
    twice: int = 0
    briefs_with_twice: int = 0
    pull_quote_in_body: int = 0


def chosen_events(eval_dir: Path, multinews: int, allsides: int) -> list[dict]:
    events = []
    for name, count, least in (
        ("summ-multinews.jsonl", multinews, 3),
        ("summ-allsides.jsonl", allsides, 2),
    ):
        with (eval_dir / name).open(encoding="utf-8") as lines:
            found = [e for e in map(json.loads, lines) if len(e["articles"]) >= least]
        events += found[:count]
    return events


def run_event(event: dict, out: Path, tree: Path) -> Path:
    """The event's articles through `newsweave run` in a fresh store; the store's path."""
    folder = out / event["id"]
    folder.mkdir(parents=True, exist_ok=True)
    store, done = folder / "store.db", folder / "done"
    if done.exists():
        return store
    for stale in folder.glob("store.db*"):  # a run that did not finish
        stale.unlink()
    articles = folder / "articles.jsonl"
    with articles.open("w", encoding="utf-8") as lines:
        for item in event["articles"]:
            lines.write(json.dumps(item, ensure_ascii=False) + "\n")
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "newsweave", "run", str(articles), "--db", str(store)]
    subprocess.run(command, env=env, check=True, capture_output=True)
    done.touch()
    return store


def told_twice(brief: Brief) -> list[tuple[str, str]]:
    """Pairs of the brief's texts (sentences and pull quote) that state one fact."""
    texts = [
        sentence.text
        for kind, sentence in brief.sentences()
        if kind != "differences" and not sentence.note
    ]
    if brief.pull_quote is not None:
        texts.append(brief.pull_quote.text)
    return [(a, b) for a, b in combinations(texts, 2) if same_fact(a, b)]


def stated_elsewhere(brief: Brief, text: str, cited: tuple[int, ...], articles: dict) -> bool:
    return any(
        stated_in(text, articles[entry.article_id]) is not None
        for entry in brief.sources
        if entry.number not in cited and entry.event_id is None and entry.article_id in articles
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tree", type=Path, default=TREE)
    parser.add_argument("--multinews", type=int, default=15)
    parser.add_argument("--allsides", type=int, default=10)
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    args = parser.parse_args()
    counts = Counts()
    report = []
    for event in chosen_events(args.eval_dir, args.multinews, args.allsides):
        store = open_store(run_event(event, args.out, args.tree))
        texts = {a.article_id: a.text for a in store.iter_articles()}
        for listed in list_events(store):
            brief = load_brief(store, listed.event_id)
            if brief is None:
                continue
            twice = told_twice(brief)
            daggers = [s for _, s in brief.sentences() if s.single_source]
            elsewhere = [s for s in daggers if stated_elsewhere(brief, s.text, s.citations, texts)]
            quote = brief.pull_quote
            in_body = quote is not None and any(
                verbatim_span(quote.text, s.text) for _, s in brief.sentences()
            )
            counts.briefs += 1
            counts.sentences += sum(1 for _ in brief.sentences())
            counts.daggers += len(daggers)
            counts.daggers_stated_elsewhere += len(elsewhere)
            counts.twice += len(twice)
            counts.briefs_with_twice += bool(twice)
            counts.pull_quote_in_body += in_body
            report.append(f"## {event['id']} / {listed.event_id}\n\n{render(brief, 'md')}\n")
            report += [f"- TWICE: {a!r}\n  = {b!r}" for a, b in twice]
            report += [f"- † stated elsewhere: {s.text!r}" for s in elsewhere]
            report.append("")
    (args.out / "briefs.md").write_text("\n".join(report), encoding="utf-8")
    print(f"tree {args.tree}, briefs in {args.out / 'briefs.md'}")
    print(
        "| briefs | sentences | † | † stated by another source | facts told twice | "
        "briefs with one | pull quote in body |"
    )
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {counts.briefs} | {counts.sentences} | {counts.daggers} | "
        f"{counts.daggers_stated_elsewhere} | {counts.twice} | {counts.briefs_with_twice} | "
        f"{counts.pull_quote_in_body} |"
    )


if __name__ == "__main__":
    main()
