"""Ten dev briefs written out for checking by hand: every sentence with its citations, each
citation's evidence passage and the cited article's full text (issue 24: "check 50 citations and
every quote of 10 dev briefs by hand").

    nice -n 10 .venv/bin/python bench/hand_check.py --out /tmp/hand/after [--tree DIR]

The events are drawn with a fixed seed (24): 6 of the Multi-News dev events with two articles or
more and 4 of the AllSides dev events. Each event's articles go to a .jsonl file and through
`newsweave run FILE --db STORE` into a fresh store, as a user runs it (packaged models, no LLM),
with the newsweave of `--tree` (a source checkout; default this one: point it at an older
checkout for the briefs before). `newsweave brief` of the same tree then prints the briefs, as
Markdown and as JSON. Of an event the stories stage splits, the brief with most sources is the
one checked. Written to OUT/EVENT/: `brief.md` (what the CLI prints) and `check.md` (each
sentence and the pull quote, its citations, per citation the evidence verification kept, then
each cited article's full stored text, which the evidence's offsets point into). The files hold
the dev files' text: keep OUT outside the repository.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

from duplicate_facts import DEV, TREE, run_event

SEED = 24
PICKS = (("summ-multinews.jsonl", 6), ("summ-allsides.jsonl", 4))


def chosen_events(eval_dir: Path) -> list[dict]:
    """The seed's draw of each file's events with two articles or more, in file order."""
    chosen = []
    for name, count in PICKS:
        with (eval_dir / name).open(encoding="utf-8") as lines:
            several = [e for e in map(json.loads, lines) if len(e["articles"]) >= 2]
        picked = sorted(random.Random(SEED).sample(range(len(several)), count))
        chosen += [several[i] for i in picked]
    return chosen


def cli(tree: Path, store: Path, fmt: str) -> str:
    """What `newsweave brief --format FMT --db STORE` of `tree` prints."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    command = [sys.executable, "-m", "newsweave", "brief", "--format", fmt, "--db", str(store)]
    return subprocess.run(command, env=env, check=True, capture_output=True, text=True).stdout


def stored_texts(store: Path) -> dict[str, str]:
    """Each stored article's cleaned text, by id (the text evidence offsets point into)."""
    with sqlite3.connect(store) as db:
        return dict(db.execute("SELECT article_id, text FROM articles"))


def cited(citations: list[int], sentence: dict, sources: dict[int, dict]) -> list[str]:
    """A citation's lines: the source, and the passage verification found there."""
    lines = []
    for number in citations:
        entry = sources[number]
        lines.append(f"  - [{number}] {entry['outlet']}: {entry['title']} ({entry['article_id']})")
        for span in sentence.get("evidence", ()):
            if span["article_id"] == entry["article_id"]:
                lines.append(f"    evidence: {span['text']!r}")
    return lines


def check_sheet(brief: dict, texts: dict[str, str]) -> str:
    sources = {entry["number"]: entry for entry in brief["sources"]}
    lines = [f"# {brief['headline']}", "", f"event {brief['event_id']}", ""]
    number = 0
    for section in brief["sections"]:
        for paragraph in section["paragraphs"]:
            for sentence in paragraph:
                number += 1
                dagger = " †" if sentence.get("single_source") else ""
                lines.append(f"S{number} [{section['kind']}]{dagger} {sentence['frame']}")
                lines[-1] += f"{sentence['text']} {sentence['citations']}"
                lines += cited(sentence["citations"], sentence, sources)
    quote = brief.get("pull_quote")
    if quote:
        lines.append(f"PULL QUOTE “{quote['text']}” — {quote['speaker']} {quote['citations']}")
        lines += cited(quote["citations"], {}, sources)
    lines += ["", "## Cited articles, full stored text", ""]
    for number, entry in sorted(sources.items()):
        text = texts.get(entry["article_id"], "(not in the store)")
        lines += [f"### [{number}] {entry['outlet']}: {entry['title']}", "", text, ""]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tree", type=Path, default=TREE, help="the checkout to run")
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    args = parser.parse_args()
    tree = args.tree.resolve()
    for event in chosen_events(args.eval_dir):
        store = run_event(event, args.out, tree)
        briefs = json.loads(cli(tree, store, "json"))
        # the same order as the Markdown, which prints every brief with a rule between
        main_brief = max(range(len(briefs)), key=lambda i: len(briefs[i]["sources"]))
        markdown = cli(tree, store, "md").split("\n" + "─" * 80 + "\n")
        (store.parent / "brief.md").write_text(markdown[main_brief], encoding="utf-8")
        sheet = check_sheet(briefs[main_brief], stored_texts(store))
        (store.parent / "check.md").write_text(sheet, encoding="utf-8")
        sources = len(briefs[main_brief]["sources"])
        print(f"{event['id']}: {len(briefs)} briefs, the one checked cites {sources} sources")


if __name__ == "__main__":
    main()
