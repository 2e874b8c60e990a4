"""Fit the furniture detector's second opinion (`ingest.furniture_model`) on the labelled tune
sentences, and write its weights (issue 24).

    .venv/bin/python bench/furniture_fit.py [--eval-dir DIR] [--write]

Reads the tune sets of `bench/furniture_eval.py` (the first labels, the fresh and the third set:
1,310 sentences; never the held-out fourth and fifth sets), rebuilt as the brief writer meets them,
and their features (`features_of`: a line's shape, where it stands on the page, its words). A
logistic regression (scikit-learn, L2) is cross-validated in five folds split by event: for each
threshold, the model's precision and recall alone and those of the detector as it runs, the rules or
the model where no rule holds (the rules were written on these sentences, so that figure is no
estimate; the model's alone is). The threshold kept is the lowest at which the model alone keeps a
cross-validated precision of at least PRECISION; with `--write`, the model is fitted on all the tune
sentences and its bias, weights (a word seen in fewer than MIN_COUNT sentences is left out) and
threshold are written to `src/newsweave/ingest/rules/furniture-model.json`, which the detector
reads.
"""

from __future__ import annotations

import argparse
import json
import pickle
from collections import Counter
from pathlib import Path

from furniture_eval import DEV, FRESH, LABELS, THIRD, Score, label_key, read_labels, read_units
from newsweave.ingest.furniture import furniture_rule
from newsweave.ingest.furniture_model import MODEL, features_of

PRECISION = 0.9  # the model's cross-validated precision the threshold must keep
MIN_COUNT = 2  # a word feature must be seen in this many tune sentences
C = 2.0  # inverse regularisation strength (`--c`)
THRESHOLDS = [round(0.5 + 0.025 * step, 3) for step in range(19)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    parser.add_argument("--write", action="store_true", help=f"write {MODEL.name}")
    parser.add_argument("--c", type=float, default=C, help="inverse regularisation strength")
    parser.add_argument(
        "--cache", type=Path, help="keep the rebuilt sentences here (parsed once, read after)"
    )
    args = parser.parse_args()
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold, cross_val_predict

    labels = [label for path in (LABELS, FRESH, THIRD) for label in read_labels(path)]
    if args.cache and args.cache.exists():
        units = pickle.loads(args.cache.read_bytes())
    else:
        wanted = {(label["file"], label["article"]) for label in labels}
        files = tuple(sorted({label["file"] for label in labels}))
        units = {u.key: u for u in read_units(args.eval_dir, files, articles=wanted)}
        if args.cache:
            args.cache.write_bytes(pickle.dumps(units))
    rows, truth, groups, rules = [], [], [], []
    for label in labels:
        unit = units[label_key(label)]
        sentence, paragraph = " ".join(unit.text.split()), " ".join(unit.paragraph.split())
        rows.append(features_of(sentence, paragraph, unit.before))
        truth.append(label["label"] == "furniture")
        groups.append(unit.event_id)
        rules.append(
            furniture_rule(unit.text, paragraph=unit.paragraph, before=unit.before, fitted=False)
        )
    seen = Counter(name for row in rows for name in row)
    keep = [{n: 1 for n in row if not n.startswith("w:") or seen[n] >= MIN_COUNT} for row in rows]
    vectors = DictVectorizer()
    matrix = vectors.fit_transform(keep)
    model = LogisticRegression(C=args.c, max_iter=5000)
    target = np.array(truth)
    found = cross_val_predict(
        model, matrix, target, groups=groups, cv=GroupKFold(5), method="predict_proba"
    )[:, 1]
    by_rules = np.array([rule is not None for rule in rules])
    print("| threshold | model alone: P | R | rules or model: P | R |\n|---|---|---|---|---|")
    print(f"| rules alone | | | {_score(target, by_rules)} |")
    chosen = None
    for threshold in THRESHOLDS:
        alone = _score(target, found >= threshold)
        if chosen is None and alone.precision >= PRECISION:
            chosen = threshold
        both = _score(target, by_rules | (found >= threshold))
        print(f"| {threshold} | {alone} | {both} |")
    print(f"\nthreshold kept: {chosen} (the lowest with cross-validated precision >= {PRECISION})")
    if args.write and chosen is not None:
        model.fit(matrix, target)
        weights = {
            name: round(float(weight), 4)
            for name, weight in zip(vectors.get_feature_names_out(), model.coef_[0], strict=True)
            if abs(weight) >= 0.005
        }
        data = {
            "about": "bench/furniture_fit.py: a logistic regression on the furniture tune sets",
            "bias": round(float(model.intercept_[0]), 4),
            "threshold": chosen,
            "weights": dict(sorted(weights.items())),
        }
        MODEL.write_text(json.dumps(data, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{len(weights)} weights written to {MODEL}")


class Scored(Score):
    def __str__(self) -> str:
        return f"{self.precision:.3f} | {self.recall:.3f}"


def _score(truth, found) -> Scored:
    score = Scored()
    for is_furniture, hit in zip(truth, found, strict=True):
        score.add(bool(is_furniture), bool(hit))
    return score


if __name__ == "__main__":
    main()
