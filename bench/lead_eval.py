"""The lead tests (`briefs.lead.lead_faults`) judged on report openings labelled by hand.

    .venv/bin/python bench/lead_eval.py [--eval-dir ../shared/eval] [--show]

`lead_labels.jsonl` names 207 sentences of the dev summarization files (the first three
sentences of one article of 80 events drawn at random, seed 24), by file, event id, article
index and sentence index, with a label; the text is read from the dev file (its licence keeps
it out of the repository), split as the analysis splits (`analysis.nlp.split_sentences` on the
article's first 3,000 characters). Labels:

    L  can lead: states a happening of the event, whole in itself
    D  a dangling reference (a pronoun or "the X" pointing at what the sentence does not say)
    W  weighing: commentary, what the event means or signals
    R  a reaction to the event
    H  history: what happened before, pluperfect or background
    O  no lead for another reason (a detail, a quotation, a feature's scene, page furniture)

The tests aim at D, W, R and H. Printed per half (an event's half is fixed by its id's MD5,
odd = kept back: the rules were written without reading those): precision (of the sentences the
tests flag, the share labelled anything but L), recall (of the D/W/R/H sentences, the share
flagged), their F1, how many of the D sentences are flagged, and false alarms (of the L
sentences, the share flagged, which the writer would then not lead with).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from newsweave.analysis.nlp import split_sentences
from newsweave.briefs.lead import lead_faults

LABELS = Path(__file__).with_name("lead_labels.jsonl")
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
FAULTS = {"D", "W", "R", "H"}


def kept_back(event_id: str) -> bool:
    return int(hashlib.md5(event_id.encode()).hexdigest(), 16) % 2 == 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--eval-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--show", action="store_true", help="print every wrong decision")
    args = parser.parse_args()
    labels = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines()]
    texts = {}
    for name in sorted({row["file"] for row in labels}):
        path = args.eval_dir / "dev" / name
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            texts[(name, event["id"])] = event["articles"]
    wanted = sorted({(row["file"], row["event"], row["article"]) for row in labels})
    split = split_sentences([texts[(f, e)][a]["text"][:3000] for f, e, a in wanted])
    sentences = dict(zip(wanted, split, strict=True))
    halves = {"written on": [], "kept back": []}
    for row in labels:
        text = sentences[(row["file"], row["event"], row["article"])][row["sentence"]].text
        faults = lead_faults(text)
        half = "kept back" if kept_back(row["event"]) else "written on"
        halves[half].append((row["label"], bool(faults), text, faults))
    print(
        "| half | sentences | L | D/W/R/H | precision | recall | F1 | false alarms on L "
        "| D flagged |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for half, rows in halves.items():
        flagged = [r for r in rows if r[1]]
        faulty = [r for r in rows if r[0] in FAULTS]
        leads = [r for r in rows if r[0] == "L"]
        precision = sum(r[0] != "L" for r in flagged) / len(flagged) if flagged else 1.0
        recall = sum(r[1] for r in faulty) / len(faulty) if faulty else 1.0
        alarms = sum(r[1] for r in leads) / len(leads) if leads else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        dangling = [r for r in rows if r[0] == "D"]
        print(
            f"| {half} | {len(rows)} | {len(leads)} | {len(faulty)} | {precision:.2f} | "
            f"{recall:.2f} | {f1:.2f} | {alarms:.2f} | "
            f"{sum(r[1] for r in dangling)} of {len(dangling)} |"
        )
        if args.show:
            for label, flagged_, text, faults in rows:
                if flagged_ != (label != "L") and (flagged_ or label in FAULTS):
                    print(f"  {half}: {label} flagged={faults} {text[:160]!r}")


if __name__ == "__main__":
    main()
