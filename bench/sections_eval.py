"""Precision and recall of the brief's "why it matters" and "analysis" decisions
(`briefs.sections.states_stakes`, `reads_the_event`) on candidate sentences of the dev events,
labelled by hand: why, analysis or neither (BENCHMARKS.md, issue 24, "Sections and versions").

    .venv/bin/python bench/sections_eval.py [--eval-dir ../shared/eval/dev] [--show]

The labels (`bench/data/section-labels.jsonl`) hold no text of the dev files, only where each
sentence is (file, event id, article index, sentence index), its sha1, its label and its set.
Three sets of 150, each labelled before the rules were run on it: "tune-1" and "tune-2" were
each a held-out set once, measured once, and then read to revise the rules; "held-out" was
drawn and labelled after the last revision and measured once. The sentences are those of the
dev summarization events (other than the 30 events of the end-to-end reading) split at sentence
ends, the first 25 of each article, 8 to 60 words, holding one of some sixty cue words (modals,
"first", "record", "analyst", "suggests"...): where the two sections' material is, and much
that is not.

Beside the rules, the rules the writer used before issue 24 (the significance words of
`briefs/embedded.py` and the analyst and weighing words of `briefs/selection.py`, as they
stood), so the change is measured against what it replaced.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path

from newsweave.briefs.sections import reads_the_event, states_stakes

LABELS = Path(__file__).parent / "data" / "section-labels.jsonl"
SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”]))\s+(?=[\"“A-Z])")

# before issue 24
_OLD_SIGNIFICANCE = re.compile(
    r"\b(?:first(?! (?:half|quarter|period|minute|round|leg|set|innings?|hour|day|week|night)\b)|"
    r"largest|biggest|worst|deadliest|highest|lowest|record|historic|since \d{4}|"
    r"in (?:almost |nearly |more than )?(?:two|three|four|five|ten|\d+) (?:years|decades)|"
    r"could (?:lead|mean|face|cost|see|affect|trigger)|threaten\w*|risk\w*|expected to|means?|"
    r"raises? (?:questions|fears|concerns))\b",
    re.IGNORECASE,
)
_OLD_ANALYSTS = re.compile(r"\b(?:analysts?|experts?|observers?|economists?|critics|diplomats?)\b")
_OLD_WEIGHING = re.compile(r"\b(?:likely|unlikely|signals?|suggests?|test of)\b", re.IGNORECASE)


def sentences_of(text: str) -> list[str]:
    return [s.strip() for s in SPLIT.split(text.replace("\n", " ")) if s.strip()]


def labelled(eval_dir: Path) -> list[dict]:
    """The labels with their sentences, read from the dev files."""
    events: dict[tuple[str, str], dict] = {}
    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    for name in {row["file"] for row in rows}:
        for line in (eval_dir / name).read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            events[(name, event["id"])] = event
    out = []
    for row in rows:
        article = events[(row["file"], row["event"])]["articles"][row["article"]]
        text = sentences_of(article["text"])[row["sentence"]]
        if hashlib.sha1(text.encode()).hexdigest() != row["sha1"]:
            raise SystemExit(f"{row['event']}: sentence {row['sentence']} is not the one labelled")
        out.append({**row, "text": text})
    return out


def _old_why(text: str) -> bool:
    return bool(_OLD_SIGNIFICANCE.search(text)) and not re.search('["“”]', text)


def _old_analysis(text: str) -> bool:
    return bool(_OLD_ANALYSTS.search(text[:1].lower() + text[1:]) or _OLD_WEIGHING.search(text))


DECISIONS: list[tuple[str, str, Callable[[str], bool]]] = [
    ("why it matters", "before", _old_why),
    ("why it matters", "now", states_stakes),
    ("analysis", "before", _old_analysis),
    ("analysis", "now", reads_the_event),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=Path("../shared/eval/dev"))
    parser.add_argument("--show", action="store_true", help="print each selected sentence")
    args = parser.parse_args()
    rows = labelled(args.eval_dir)
    print("| set | section | rules | selected | precision | recall |")
    print("|---|---|---|---|---|---|")
    for part in ("tune-1", "tune-2", "held-out"):
        these = [row for row in rows if row["set"] == part]
        for section, rules, decide in DECISIONS:
            label = "why" if section == "why it matters" else "analysis"
            chosen = [row for row in these if decide(row["text"])]
            right = sum(row["label"] == label for row in chosen)
            relevant = sum(row["label"] == label for row in these)
            precision = right / len(chosen) if chosen else 0.0
            print(
                f"| {part} | {section} | {rules} | {len(chosen)} | "
                f"{right}/{len(chosen)} = {precision:.2f} | {right}/{relevant} = "
                f"{right / relevant if relevant else 0:.2f} |"
            )
            if args.show:
                for row in chosen:
                    print(f"    {row['label']:8s} {row['text'][:120]}")


if __name__ == "__main__":
    main()
