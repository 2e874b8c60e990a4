"""Dev events run end to end, each into a fresh store through the CLI a user runs (`newsweave
run EVENT.jsonl`, then `newsweave brief --format json`), with each brief's sections printed for
reading: the headline, the lead, why it matters, analysis, where sources differ, background and
the pull quote with its speaker (BENCHMARKS.md, issue 24, "Sections and versions").

    .venv/bin/python bench/brief_sections_read.py [--eval-dir ../shared/eval/dev] [--out DIR]

The events: of each summarization file's events with two articles or more, every second one,
20 from Multi-News and 10 from AllSides. An event the stories stage splits is read by its brief
with the most sources. What can be counted without reading is counted at the end: the briefs
holding each section, and pull quotes whose words the brief's sentences already carry. Whether
a section holds what it should (significance, judgement) is read, not counted. The commands run
in one process (click's runner), so the models load once.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

from newsweave.cli import main as cli

PICKS = {"summ-multinews.jsonl": 20, "summ-allsides.jsonl": 10}
SHOWN = ("lead", "why", "analysis", "differences", "background")
_WORD = re.compile(r"[^\W_]+")


def events(eval_dir: Path) -> list[dict]:
    picked = []
    for name, wanted in PICKS.items():
        several = [
            event
            for line in (eval_dir / name).read_text(encoding="utf-8").splitlines()
            if len((event := json.loads(line))["articles"]) >= 2
        ]
        picked += several[1::2][:wanted]
    return picked


def brief_of(event: dict, folder: Path) -> dict:
    """The event's main brief, as `newsweave brief --format json` prints it."""
    runner = CliRunner()
    path, db = folder / f"{event['id']}.jsonl", folder / f"{event['id']}.db"
    path.write_text("".join(json.dumps(a) + "\n" for a in event["articles"]), encoding="utf-8")
    ran = runner.invoke(cli, ["run", str(path), "--db", str(db)])
    if ran.exit_code:
        raise SystemExit(f"{event['id']}: newsweave run failed: {ran.output[-300:]}")
    printed = runner.invoke(cli, ["brief", "--format", "json", "--db", str(db)]).output
    return max(json.loads(printed), key=lambda brief: len(brief["sources"]))


def report(brief: dict, counts: Counter) -> list[str]:
    sections = {s["kind"]: [x for p in s["paragraphs"] for x in p] for s in brief["sections"]}
    lines = [f"HEADLINE: {brief['headline']}"]
    for kind in SHOWN:
        counts[kind] += kind in sections
        lines += [f"  [{kind}] {x['frame']}{x['text']}" for x in sections.get(kind, ())]
    quote = brief["pull_quote"]
    if quote:
        said = " ".join(
            " ".join(_WORD.findall((x["frame"] + x["text"]).lower()))
            for sentences in sections.values()
            for x in sentences
        )
        repeated = " ".join(_WORD.findall(quote["text"].lower())) in said
        counts["pull quote"] += 1
        counts["pull quote repeated in the brief"] += repeated
        mark = " (REPEATED IN THE BRIEF)" if repeated else ""
        lines.append(f"  [pull quote{mark}] “{quote['text']}” — {quote['speaker']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval/dev"))
    parser.add_argument("--out", type=Path, help="keep each brief's JSON here")
    args = parser.parse_args()
    counts: Counter = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for event in events(args.eval_dir):
            brief = brief_of(event, Path(tmp))
            if args.out:
                args.out.mkdir(parents=True, exist_ok=True)
                (args.out / f"{event['id']}.json").write_text(json.dumps(brief, indent=1))
            print(f"\n### {event['id']}")
            print("\n".join(report(brief, counts)), flush=True)
    print(f"\nbriefs holding each section: {dict(counts)}")


if __name__ == "__main__":
    main()
