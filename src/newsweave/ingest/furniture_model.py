"""A fitted second opinion for the page-furniture detector: a logistic regression over a line's
shape, where it stands on the page and its words (issue 24).

The rules of `ingest/rules/furniture.toml` each name a kind of furniture by its wording; what they
miss is furniture no wording gives away (a subheading in sentence case ending in a stop, a headline
in sentence case deep in the page) but whose shape and words do: short, alone on its line,
capitalised, after other short lines. The model reads a sentence as the sum of the weights of the
features it has (`features_of`: binary features, each a name) and `FurnitureModel.probability` turns
it into a probability; the weights, the bias and the threshold are data
(`rules/furniture-model.json`), fitted on the labelled sentences by `bench/furniture_fit.py`
(scikit-learn's logistic regression, which newsweave needs only to fit, not to run: a sum of weights
needs no library). The detector asks the model only about a sentence no rule calls furniture, and at
a threshold chosen for precision, so the rules' verdicts and their named reasons stay as they were.

Where a line stands is known only when the caller gives the text before it (`before`): the analysis
does; a derived title does not, and then the page features are left out.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

__all__ = ["MODEL", "FurnitureModel", "features_of", "load_model"]

MODEL = Path(__file__).resolve().parent / "rules" / "furniture-model.json"
_WORD = re.compile(r"[^\W\d_]{2,}")
_QUOTE = re.compile(r"[\"“”]|''")
_URL = re.compile(r"https?:|www\.|\.com\b|\.org\b", re.IGNORECASE)
_MARKS = "/@|#©("  # each mark a feature of its own ("mark:/")
_CLOSERS = "\"'”’)]"


@dataclass(frozen=True)
class FurnitureModel:
    """A fitted logistic regression: a sentence's score is `bias` plus the weights of its
    features; it is furniture when the score's probability reaches `threshold`."""

    bias: float
    weights: dict[str, float]
    threshold: float

    def probability(self, features: set[str]) -> float:
        score = self.bias + sum(self.weights.get(name, 0.0) for name in features)
        return 1.0 / (1.0 + math.exp(-score))


def features_of(sentence: str, paragraph: str, before: str | None) -> set[str]:
    """The binary features of a sentence in its paragraph (the line that holds it), and of the
    line's place when `before`, the article's text before that line, is given."""
    words = sentence.split()
    count = len(words)
    found = {f"words<={n}" for n in (3, 6, 12, 20) if count <= n}
    if count > 30:
        found.add("words>30")
    if sentence == paragraph:
        found.add("alone")
    elif len(paragraph.split()) >= 60:
        found.add("paragraph:long")
    found |= _ends_and_starts(sentence)
    found |= _case_of(sentence, words)
    found |= {f"mark:{mark}" for mark in _MARKS if mark in sentence}
    if _QUOTE.search(sentence):
        found.add("mark:quote")
    if _URL.search(sentence):
        found.add("mark:url")
    digits = sum(c.isdigit() for c in sentence)
    if digits * 3 > len(sentence):
        found.add("digits>third")
    lowered = [word.lower() for word in _WORD.findall(sentence)]
    found |= {f"w:{word}" for word in lowered}
    if lowered:
        found |= {f"first:{lowered[0]}", f"last:{lowered[-1]}"}
    return found | _place_of(before)


def _ends_and_starts(sentence: str) -> set[str]:
    bare = sentence.rstrip(_CLOSERS + " ")
    found = set()
    if bare.endswith((".", "!", "?")):
        found.add("end:stop")
    elif bare.endswith(":"):
        found.add("end:colon")
    elif bare[-1:].isalnum():
        found.add("end:none")
    if sentence[:1] in "\"“‘'":
        found.add("start:quote")
    elif sentence[:1].islower():
        found.add("start:lower")
    elif sentence[:1].isdigit():
        found.add("start:digit")
    return found


def _case_of(sentence: str, words: list[str]) -> set[str]:
    letters = [c for c in sentence if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return {"case:capitals"}
    long_words = [word for word in words if len(word.strip(_CLOSERS + '"“‘(')) >= 4]
    if len(long_words) < 3:
        return set()
    capitalised = sum(word.lstrip('"“‘(')[:1].isupper() for word in long_words)
    if capitalised * 5 >= len(long_words) * 4:
        return {"case:title"}
    return {"case:half-title"} if capitalised * 2 >= len(long_words) else set()


def _place_of(before: str | None) -> set[str]:
    """Features of where the line stands: the page's first line, among its first three, or
    after a short line without a stop (a headline, a name, a time stamp); none when unknown."""
    if before is None:
        return set()
    lines = [line.strip() for line in before.splitlines() if line.strip()]
    if not lines:
        return {"page:first-line"}
    found = {"page:first-lines"} if len(lines) <= 2 else set()
    last = lines[-1]
    if len(last.split()) <= 10 and not last.rstrip(_CLOSERS).endswith((".", "!", "?")):
        found.add("page:after-short-line")
    return found


@lru_cache(maxsize=1)
def load_model(path: Path = MODEL) -> FurnitureModel:
    """The fitted weights of `rules/furniture-model.json`; ValueError naming the file when it
    is not the model `bench/furniture_fit.py` writes."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return FurnitureModel(
            bias=float(data["bias"]),
            weights={str(name): float(weight) for name, weight in data["weights"].items()},
            threshold=float(data["threshold"]),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValueError(f"{path}: not a furniture model ({error})") from error
