"""Fit the support checker's model on a support file and say honestly how well it does.

    .venv/bin/python bench/fit_support.py [FILE] [--out PATH] [--dry-run]

FILE is in the support schema (default: ../shared/eval/dev/support-summedits.jsonl beside the
repository). Features come from `newsweave.analysis.support.analyse_claim`, the code
`check_support` runs, so what is fitted here is what runs. The run prints:

- the held-out balanced accuracy, cross-validated leaving one source article out at a time
  (SummEdits writes ~30 edits of one summary per article, so pairs of one article must never be
  split between fitting and scoring);
- the same model fitted on the whole file and scored on it (training accuracy, for
  comparison only);
- the evaluation README's two baselines, re-measured on the same pairs: the largest TF-IDF
  cosine between the claim and a source sentence, and the share of claim words found in the
  source, each with its threshold tuned on the whole file (so both are optimistic);
- pairs per second of feature extraction.

Then it writes the model fitted on every pair to src/newsweave/analysis/support_model.json.
scikit-learn (and scipy, which it brings) are dev dependencies used here only; the package
applies the model with numpy.
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import LeaveOneGroupOut

from newsweave.analysis.nlp import split_sentences
from newsweave.analysis.support import FEATURES, MODEL_PATH, SupportModel, analyse_claim
from newsweave.evaluate.support import SupportPair, read_support_pairs

REPO = Path(__file__).resolve().parents[1]
DEFAULT_FILE = REPO.parent / "shared" / "eval" / "dev" / "support-summedits.jsonl"
C = 0.1  # inverse L2 strength; the fit has a few hundred pairs for 16 features
# The sign each weight may take: +1 where more of the feature can only mean better support,
# -1 where it can only mean worse. Without these, a fit on
# SummEdits learns that unmatched verbs mean support (its consistent edits are paraphrases
# that change more words than its inconsistent ones), which no real brief would bear out.
SIGNS = {"similarity": 1, "evidence_coverage": 1, "article_coverage": 1, "weakest_match": 1}
SIGNS |= {name: -1 for name in FEATURES if name not in SIGNS}
_BOUNDS = {1: (0.0, None), -1: (None, 0.0)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEFAULT_FILE)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument("--dry-run", action="store_true", help="measure only; write no model")
    args = parser.parse_args()

    pairs = read_support_pairs(args.file)
    gold = np.array([pair.is_supported for pair in pairs])
    groups = np.array([hash(pair.source) for pair in pairs])
    start = time.perf_counter()
    features = np.array([_vector(pair) for pair in pairs])
    seconds = time.perf_counter() - start
    print(f"{args.file}: {len(pairs)} pairs on {len(set(groups))} source articles")
    print(f"features: {len(pairs) / seconds:.1f} pairs/s (spaCy, MiniLM, first sight of each text)")

    held_out = _cross_validate(features, gold, groups)
    print(f"held-out balanced accuracy (leave one article out): {held_out:.3f}")
    model = _fit(features, gold)
    predicted = [
        model.probability(dict(zip(FEATURES, row, strict=True))) >= 0.5 for row in features
    ]
    print(
        f"training balanced accuracy (fitted and scored on this file): "
        f"{balanced_accuracy_score(gold, predicted):.3f}"
    )
    for name, weight in sorted(zip(FEATURES, model.weights, strict=True), key=lambda x: -abs(x[1])):
        print(f"  {name:22} {weight:+.3f}")
    tfidf, overlap = _tfidf_baseline(pairs, gold), _overlap_baseline(pairs, gold)
    print(f"baseline, max TF-IDF cosine to a source sentence, tuned: {tfidf:.3f}")
    print(f"baseline, share of claim words in the source, tuned: {overlap:.3f}")
    if not args.dry_run:
        data = model.to_json() | {
            "fitted_on": args.file.name,
            "held_out_balanced_accuracy": held_out,
        }
        args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.out}")


def _vector(pair: SupportPair) -> list[float]:
    features = analyse_claim(pair.claim, [pair.source]).features
    return [features[name] for name in FEATURES]


def _fit(features: np.ndarray, gold: np.ndarray) -> SupportModel:
    """Class-balanced, L2-regularised logistic regression with each weight held to its SIGN.

    Written with scipy's bounded L-BFGS because scikit-learn's LogisticRegression has no
    sign constraints.
    """
    mean = features.mean(axis=0)
    scale = np.where(features.std(axis=0) > 0, features.std(axis=0), 1.0)
    x = (features - mean) / scale
    y = gold.astype(float)
    weight = np.where(gold, len(gold) / (2 * gold.sum()), len(gold) / (2 * (~gold).sum()))

    def loss(params: np.ndarray) -> tuple[float, np.ndarray]:
        z = x @ params[:-1] + params[-1]
        value = weight @ (np.logaddexp(0, z) - y * z) + params[:-1] @ params[:-1] / (2 * C)
        residual = weight * (expit(z) - y)
        return value, np.append(x.T @ residual + params[:-1] / C, residual.sum())

    bounds = [_BOUNDS[SIGNS[name]] for name in FEATURES] + [(None, None)]
    fitted = minimize(loss, np.zeros(len(FEATURES) + 1), jac=True, bounds=bounds)
    return SupportModel(FEATURES, mean, scale, fitted.x[:-1], float(fitted.x[-1]), 0.5)


def _cross_validate(features: np.ndarray, gold: np.ndarray, groups: np.ndarray) -> float:
    predicted = np.zeros(len(gold), dtype=bool)
    for train, test in LeaveOneGroupOut().split(features, gold, groups):
        model = _fit(features[train], gold[train])
        for row in test:
            probability = model.probability(dict(zip(FEATURES, features[row], strict=True)))
            predicted[row] = probability >= model.threshold
    return balanced_accuracy_score(gold, predicted)


def _best_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    return max(balanced_accuracy_score(gold, scores >= cut) for cut in np.unique(scores))


def _tfidf_baseline(pairs: list[SupportPair], gold: np.ndarray) -> float:
    sources = sorted({pair.source for pair in pairs})
    sentences = dict(zip(sources, split_sentences(sources), strict=True))
    corpus = [s.text for source in sources for s in sentences[source]]
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(corpus)
    scores = []
    for pair in pairs:
        rows = vectorizer.transform([s.text for s in sentences[pair.source]])
        scores.append((rows @ vectorizer.transform([pair.claim]).T).toarray().max())
    return _best_threshold(np.array(scores), gold)


def _overlap_baseline(pairs: list[SupportPair], gold: np.ndarray) -> float:
    def words(text: str) -> list[str]:
        return re.findall(r"\w+", text.lower())

    scores = []
    for pair in pairs:
        claim, source = words(pair.claim), set(words(pair.source))
        scores.append(sum(word in source for word in claim) / max(len(claim), 1))
    return _best_threshold(np.array(scores), gold)


if __name__ == "__main__":
    main()
