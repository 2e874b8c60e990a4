"""Sentence pairs to label for the same-fact decision's evaluation (issue 24), one half at a time.

    .venv/bin/python bench/same_fact_sample.py --half tune --out /tmp/same-fact-tune.jsonl
    .venv/bin/python bench/same_fact_sample.py --half fresh --out /tmp/same-fact-fresh.jsonl
    .venv/bin/python bench/same_fact_sample.py --half third --out /tmp/same-fact-third.jsonl
    .venv/bin/python bench/same_fact_sample.py --half fourth --out /tmp/same-fact-fourth.jsonl

Writes, for one half of the dev events (`furniture_eval.half_of`), pairs of sentences from two
different articles of one event, with their text so a person can label them "same" (one fact,
in any wording; its numbers, names and dates agree) or "different": the output holds the dev
files' text, so write it outside the repository. The sentences are those the brief writer meets
(`furniture_eval.read_units`), less page furniture and stubs under MIN_WORDS words. Pairs are
drawn with a fixed seed, at most PER_EVENT from one event per band, so the hard cases are there:

- "close": MiniLM cosine at or above 0.7 (mostly the same fact; some with one value changed);
- "middle": cosine 0.5-0.7 (paraphrases that add a qualifier, and facts merely on one topic);
- "numbers": both sentences state a number, cosine at least 0.4 (same numbers, other fact;
  one figure changed).

Label the tune half, build the decision, then sample and label the held-out half. Once that
half was spent, `--half fresh` draws a new held-out set, with its own seed, from the events of
either half that no pair of `same_fact_eval.LABELS` comes from. The fresh set looked at in turn,
`--half third` draws another, with a seed of its own, from the events no pair of either file
(`LABELS`, `FRESH`) comes from. The third scored twice, `--half fourth` draws one more from the
events no pair of the three files comes from: of the summary files' events only a few are left,
with no pairs close or with numbers, so it draws from ECB+'s reports of one event too
(`furniture_eval.ECBPLUS`, no set before used that file), at most FOURTH_COUNTS.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from functools import cache
from itertools import combinations
from pathlib import Path

from furniture_eval import DEV, ECBPLUS, FILES, Unit, half_of, read_labels, read_units
from newsweave.analysis.nlp import minilm
from newsweave.ingest.furniture import furniture_kind

BANDS = {"close": (0.7, 1.01), "middle": (0.5, 0.7), "numbers": (0.4, 1.01)}
COUNTS = {"close": 55, "middle": 60, "numbers": 45}
FOURTH_COUNTS = {"close": 45, "middle": 50, "numbers": 40}
PER_EVENT = 2
MIN_WORDS = 6
SEED = 24
LABELS = Path(__file__).resolve().parent / "data" / "same-fact-labels.jsonl"
FRESH = LABELS.with_name("same-fact-labels-fresh.jsonl")
THIRD = LABELS.with_name("same-fact-labels-third.jsonl")
_DIGIT = re.compile(r"\d")


def candidate_pairs(units: list[Unit]) -> dict[str, list[tuple[Unit, Unit]]]:
    """Every cross-article pair of one event's sentences, by band."""
    usable = [
        u
        for u in units
        if len(u.text.split()) >= MIN_WORDS
        and furniture_kind(u.text, paragraph=u.paragraph) is None
    ]
    vectors = minilm().embed([u.text for u in usable])
    position = {u.key: n for n, u in enumerate(usable)}
    by_event: dict[tuple[str, str], list[Unit]] = defaultdict(list)
    for unit in usable:
        by_event[(unit.file, unit.event_id)].append(unit)
    bands: dict[str, list[tuple[Unit, Unit]]] = defaultdict(list)
    for members in by_event.values():
        for a, b in combinations(members, 2):
            if a.article_id == b.article_id or a.text == b.text:
                continue
            cosine = float(vectors[position[a.key]] @ vectors[position[b.key]])
            numbers = bool(_DIGIT.search(a.text) and _DIGIT.search(b.text))
            for band, (low, high) in BANDS.items():
                if low <= cosine < high and (band != "numbers" or numbers):
                    bands[band].append((a, b))
    return bands


def in_set(unit: Unit, name: str) -> bool:
    """Whether the sentence's event belongs to the set: a half of the first labels; "fresh",
    an event none of them comes from; "third", an event no pair of the first labels or of the
    fresh set comes from; "fourth", an event no pair of those or of the third comes from."""
    if name == "fresh":
        return (unit.file, unit.event_id) not in _labelled_events((LABELS,))
    if name == "third":
        return (unit.file, unit.event_id) not in _labelled_events((LABELS, FRESH))
    if name == "fourth":
        return (unit.file, unit.event_id) not in _labelled_events((LABELS, FRESH, THIRD))
    return half_of(unit.event_id) == name


@cache
def _labelled_events(paths: tuple[Path, ...]) -> frozenset[tuple[str, str]]:
    return frozenset(
        (label["file"], label["event"]) for path in paths for label in read_labels(path)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--half", choices=("tune", "held-out", "fresh", "third", "fourth"), required=True
    )
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    args = parser.parse_args()
    files = (*FILES, ECBPLUS) if args.half == "fourth" else FILES
    counts = FOURTH_COUNTS if args.half == "fourth" else COUNTS
    units = [u for u in read_units(args.eval_dir, files) if in_set(u, args.half)]
    bands = candidate_pairs(units)
    chance = random.Random(f"{SEED} {args.half}")
    picked: list[tuple[Unit, Unit, str]] = []
    seen: set[tuple] = set()
    for band, count in counts.items():
        pool = sorted(bands[band], key=lambda pair: (pair[0].key, pair[1].key))
        chance.shuffle(pool)
        per_event: dict[str, int] = defaultdict(int)
        for a, b in pool:
            if len([p for p in picked if p[2] == band]) >= count:
                break
            if (a.key, b.key) in seen or per_event[a.event_id] >= PER_EVENT:
                continue
            seen.add((a.key, b.key))
            per_event[a.event_id] += 1
            picked.append((a, b, band))
    chance.shuffle(picked)  # the labeller does not know which band a pair came from
    rows = [
        {
            "file": a.file,
            "event": a.event_id,
            "a": {"article": a.article_id, "sentence": a.index, "sha1": a.sha1},
            "b": {"article": b.article_id, "sentence": b.index, "sha1": b.sha1},
            "band": band,
            "text_a": a.text,
            "text_b": b.text,
        }
        for a, b, band in picked
    ]
    lines = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    args.out.write_text(lines, encoding="utf-8")
    print(f"{len(rows)} pairs of the {args.half} half written to {args.out}")


if __name__ == "__main__":
    main()
