"""The same-fact decision (`analysis.facts.same_fact`) against pairs labelled by hand (issue 24).

    .venv/bin/python bench/same_fact_eval.py [--eval-dir DIR] [--labels FILE] [--fit]
                                             [--show-errors] [--held-out] [--fresh] [--third]
                                             [--fourth]

The labels (`bench/data/same-fact-labels.jsonl`, one pair a line) hold no text of the evaluation
data, whose licence keeps it out of the repository: each names two sentences of two different
articles of one event by file, event id, article id and sentence index (as
`furniture_eval.read_units` splits the cleaned article), with each sentence's sha1 to check it is
still the sentence that was labelled, the band it was drawn from (bench/same_fact_sample.py) and
`label`: "same" when one sentence states the other's fact, in any wording, with a detail more or
less, its numbers, names and dates agreeing; "different" otherwise (another fact of the event,
one value changed, the same numbers of another thing).

The events fall in two halves by `furniture_eval.half_of`. The decision's weights and threshold
were fitted (`--fit`), and its value rules written, on "tune" alone; without `--held-out` only
the tune half is scored. `--held-out` scores the held-out half as well (once, at the end).
That half spent, the decision was refitted on "tune" with more features and scored once on a
fresh held-out set (`same-fact-labels-fresh.jsonl`, events none of the first labels come from,
labelled and committed before the scoring): `--fresh`. The fresh set looked at in turn, a third
(`same-fact-labels-third.jsonl`, events neither file's pairs come from, drawn by
`same_fact_sample.py --half third`, labelled and committed before any scoring) is scored with
`--third`, once, after the decision was fitted on the other sets (`--fit --fresh --held-out`
fits on all three of them, the folds by event). The third scored twice, a fourth
(`same-fact-labels-fourth.jsonl`, `same_fact_sample.py --half fourth`: the summary files' few
events left and ECB+'s reports of one event, labelled and committed before any scoring) is scored
with `--fourth`.

Printed per half, at the threshold of a pair (the writer's repeat test), at that of a search
through an article (`facts.stated_in`, which verification cites by and marks † by) and at
the † alone (`single_threshold`, what `facts.told_in` asks before a †): precision
and recall of "same", and of †: a sentence is marked † when the
decision finds no other source stating it, so on a pair, † is the decision "different", right
when the pair is labelled different. `--fit` fits the logistic score on the tune half
(scikit-learn) and prints its cross-validated figures per threshold (folds by event) and the
weights to put in `analysis/facts.toml`. `--show-errors` lists the tune half's mistakes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from furniture_eval import DEV, HALVES, Score, Unit, half_of, read_units
from newsweave.analysis.facts import (
    FEATURES,
    Fact,
    fact_of,
    load_fact_rules,
    pair_features,
    pair_score,
    same_fact,
    value_conflict,
)

LABELS = Path(__file__).resolve().parent / "data" / "same-fact-labels.jsonl"
FRESH = LABELS.with_name("same-fact-labels-fresh.jsonl")
THIRD = LABELS.with_name("same-fact-labels-third.jsonl")
FOURTH = LABELS.with_name("same-fact-labels-fourth.jsonl")
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)


@dataclass(frozen=True)
class Pair:
    label: dict
    a: Unit
    b: Unit

    @property
    def same(self) -> bool:
        return self.label["label"] == "same"

    @property
    def half(self) -> str:
        """ "tune" or "held-out" (the first labels' halves), or the set a label names ("fresh")."""
        return self.label.get("set") or half_of(self.a.event_id)


def read_pairs(eval_dir: Path, labels_path: Path) -> list[Pair]:
    """The labelled pairs, their sentences rebuilt from the dev files."""
    with labels_path.open(encoding="utf-8") as lines:
        labels = [json.loads(line) for line in lines if line.strip()]
    wanted = {(x["file"], x[side]["article"]) for x in labels for side in ("a", "b")}
    files = sorted({x["file"] for x in labels})  # the summary files, or ECB+ (the fourth set)
    units = {unit.key: unit for unit in read_units(eval_dir, files, articles=wanted)}
    pairs = []
    for label in labels:
        found = []
        for side in ("a", "b"):
            where = label[side]
            key = (label["file"], label["event"], where["article"], where["sentence"])
            unit = units.get(key)
            if unit is None or unit.sha1 != where["sha1"]:
                sys.exit(f"labelled sentence {key} is not in {eval_dir} as labelled")
            found.append(unit)
        pairs.append(Pair(label, *found))
    return pairs


def scores_table(pairs: Sequence[Pair], decided: Sequence[bool], halves: Sequence[str]) -> str:
    rows = [
        "| half | pairs | same | same: precision | same: recall | †: precision | †: recall |",
        "|---|---|---|---|---|---|---|",
    ]
    for half in halves:
        same, dagger = Score(), Score()
        for pair, found in zip(pairs, decided, strict=True):
            if pair.half == half:
                same.add(pair.same, found)
                dagger.add(not pair.same, not found)
        total = sum(pair.half == half for pair in pairs)
        labelled = sum(pair.half == half and pair.same for pair in pairs)
        rows.append(
            f"| {half} | {total} | {labelled} | {same.precision:.3f} | {same.recall:.3f} | "
            f"{dagger.precision:.3f} | {dagger.recall:.3f} |"
        )
    return "\n".join(rows)


def fit(pairs: Sequence[Pair], facts: dict[str, Fact]) -> str:
    """The logistic score fitted on these (tune) pairs: cross-validated figures by threshold,
    then the weights for facts.toml."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    def features(pair: Pair) -> list[float]:
        found = pair_features(facts[pair.a.text], facts[pair.b.text])
        return [found[name] for name in FEATURES]

    x = np.array([features(pair) for pair in pairs])
    y = np.array([pair.same for pair in pairs])
    conflict = np.array(
        [value_conflict(facts[p.a.text], facts[p.b.text]) is not None for p in pairs]
    )
    groups = [pair.a.event_id for pair in pairs]
    model = LogisticRegression(C=10)
    probability = cross_val_predict(
        model, x, y, groups=groups, cv=GroupKFold(5), method="predict_proba"
    )[:, 1]
    rows = ["| threshold | same: P | same: R | †: P | †: R |", "|---|---|---|---|---|"]
    for threshold in THRESHOLDS:
        same, dagger = Score(), Score()
        for truth, p, clash in zip(y, probability, conflict, strict=True):
            found = bool(p >= threshold and not clash)
            same.add(bool(truth), found)
            dagger.add(not truth, not found)
        rows.append(
            f"| {threshold} | {same.precision:.3f} | {same.recall:.3f} | "
            f"{dagger.precision:.3f} | {dagger.recall:.3f} |"
        )
    model.fit(x, y)
    weights = ", ".join(f"{n} = {w:.2f}" for n, w in zip(FEATURES, model.coef_[0], strict=True))
    return "\n".join(rows) + f"\n\nbias = {model.intercept_[0]:.2f}\nweights = {{ {weights} }}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    parser.add_argument("--labels", type=Path, default=LABELS)
    parser.add_argument("--fit", action="store_true", help="fit the score on the tune half")
    parser.add_argument("--show-errors", action="store_true", help="list the tune half's errors")
    parser.add_argument("--held-out", action="store_true", help="score the held-out half too")
    parser.add_argument("--fresh", action="store_true", help="score the fresh held-out set too")
    parser.add_argument("--third", action="store_true", help="score the third held-out set too")
    parser.add_argument("--fourth", action="store_true", help="score the fourth held-out set too")
    args = parser.parse_args()
    pairs = read_pairs(args.eval_dir, args.labels)
    halves = HALVES if args.held_out else ("tune",)
    if args.fresh:
        pairs += read_pairs(args.eval_dir, FRESH)
        halves = (*halves, "fresh")
    if args.third:
        pairs += read_pairs(args.eval_dir, THIRD)
        halves = (*halves, "third")
    if args.fourth:
        pairs += read_pairs(args.eval_dir, FOURTH)
        halves = (*halves, "fourth")
    pairs = [pair for pair in pairs if pair.half in halves]
    facts = {text: fact_of(text) for pair in pairs for text in (pair.a.text, pair.b.text)}
    if args.fit:
        print(fit([pair for pair in pairs if pair.half not in ("third", "fourth")], facts))
        return
    rules = load_fact_rules()
    bars = (
        ("pair", rules.threshold),
        ("search", rules.search_threshold),
        ("† alone", rules.single_threshold),
    )
    for name, threshold in bars:
        bar = replace(rules, threshold=threshold)
        decided = [same_fact(facts[pair.a.text], facts[pair.b.text], bar) for pair in pairs]
        print(f"\nat the {name} threshold, {threshold}:\n")
        print(scores_table(pairs, decided, halves))
    decided = [same_fact(facts[pair.a.text], facts[pair.b.text]) for pair in pairs]
    if args.show_errors:
        for pair, found in zip(pairs, decided, strict=True):
            if pair.half == "tune" and found != pair.same:
                a, b = facts[pair.a.text], facts[pair.b.text]
                print(
                    f"\n- labelled {pair.label['label']}, p={pair_score(a, b):.2f}, "
                    f"conflict={value_conflict(a, b)}\n  A: {pair.a.text}\n  B: {pair.b.text}"
                )


if __name__ == "__main__":
    main()
