"""Sentences to label for the non-news detector's evaluation (issue 24).

    .venv/bin/python bench/furniture_sample.py --set fresh --out /tmp/fresh-candidates.jsonl

Writes the sentences to label, with their text and paragraph so a person can label them: the
output holds the dev files' text, so write it outside the repository. Two sets were drawn:

- `--set tune` / `--set held-out` (the first labels, `bench/data/furniture-labels.jsonl`): one
  half of the dev events each (`furniture_eval.half_of`). The held-out half was measured once,
  then used for tuning too: both are now the set the detector is tuned on.
- `--set fresh` (`bench/data/furniture-labels-fresh.jsonl`): only articles none of whose
  sentences is in the first labels, so the set is kept back from everything the detector was
  written on; labelled without the detector's answers and measured once, then tuned on.
- `--set third` (`bench/data/furniture-labels-third.jsonl`): Multi-News articles none of whose
  sentences is in either set before, and the ECB+ clustering file's full-text reports (which
  no set drew from, and which carry their pages' chrome: "First Published: ...", credits),
  labelled and committed before the detector was changed for it, and scored once at the end.
- `--set fourth` (`bench/data/furniture-labels-fourth.jsonl`): the ECB+ reports none of whose
  sentences is in a set before, and PolNeAR's political reports (`attrib-polnear.jsonl`, which
  no set drew from; POLNEAR_ARTICLES of them at random, so parsing stays short), labelled and
  committed before the detector's fifth round was written, and scored once at the end.
- `--set fifth` (`bench/data/furniture-labels-fifth.jsonl`): PolNeAR reports the fourth set's
  draw did not read (POLNEAR_ARTICLES others at random) and SummEdits' twelve articles
  (`support-summedits.jsonl`, which no set drew from: web pages with their chrome, "Send this
  page to someone via email"), labelled and committed before the detector's sixth round was
  scored, and scored once, before and after it.

Per set, drawn with a fixed seed from the sentences as the brief writer meets them
(`furniture_eval.read_units`):

- at random: RANDOM[set][file] sentences of each file, so the labels hold furniture and news as
  they come;
- from the *suspects*, SUSPECT[set][file] more: sentences a broad net (`is_suspect`) holds, so
  enough furniture is labelled. The net is wide on purpose (short or stand-alone lines, lines
  that end without a stop, and a long list of words pages use around an article, "photo" to
  "by") and is not the detector: most of what it holds is news.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterable
from pathlib import Path

from furniture_eval import (
    DEV,
    ECBPLUS,
    FILES,
    FOURTH,
    FRESH,
    LABELS,
    POLNEAR,
    SUMMEDITS,
    THIRD,
    Unit,
    half_of,
    read_labels,
    read_units,
)

MULTINEWS, ALLSIDES = FILES
RANDOM = {
    "tune": {MULTINEWS: 150, ALLSIDES: 40},
    "held-out": {MULTINEWS: 150, ALLSIDES: 40},
    "fresh": {MULTINEWS: 200, ALLSIDES: 50},
    "third": {MULTINEWS: 30, ECBPLUS: 200},
    "fourth": {ECBPLUS: 150, POLNEAR: 70},
    "fifth": {POLNEAR: 150, SUMMEDITS: 35},
}
SUSPECT = {
    "tune": {MULTINEWS: 100, ALLSIDES: 15},
    "held-out": {MULTINEWS: 100, ALLSIDES: 15},
    "fresh": {MULTINEWS: 130, ALLSIDES: 20},
    "third": {MULTINEWS: 0, ECBPLUS: 70},
    "fourth": {ECBPLUS: 80, POLNEAR: 50},
    "fifth": {POLNEAR: 60, SUMMEDITS: 35},
}
EARLIER = {
    "fresh": [LABELS],
    "third": [LABELS, FRESH],
    "fourth": [LABELS, FRESH, THIRD],
    "fifth": [LABELS, FRESH, THIRD, FOURTH],
}
POLNEAR_ARTICLES = 150
SEED = 24
_WORDS = re.compile(
    r"photo|image|getty|credit|caption|video|watch|play|share|subscri|newsletter|sign up|e-?mail"
    r"|click|read more|related|advert|update|@|twitter|facebook|instagram|©|copyright|gallery"
    r"|\bclose\b|reuters|associated press|\bAP\b|\bAFP\b|follow|posted|\bby\b|story|editor"
    r"|\binbox\b|download|app\b|more from|see also|comments?|print|slideshow|embed|\bpic\b"
    r"|[()>|]",
    re.IGNORECASE,
)


def is_suspect(text: str, paragraph: str) -> bool:
    words = len(text.split())
    if words <= 6 or (text.strip() == paragraph.strip() and words <= 12):
        return True
    return bool((_WORDS.search(text) and words <= 30) or text.isupper() or text[-1:].isalnum())


def in_set(unit: Unit, name: str, labelled: set[tuple[str, str]]) -> bool:
    """Whether a sentence may be drawn for set `name`: its event's half for "tune" and
    "held-out"; for "fresh", an article with no labelled sentence (`labelled`: file, article)."""
    if name in EARLIER:
        return (unit.file, unit.article_id) not in labelled
    return half_of(unit.event_id) == name


def draw(units: Iterable[Unit], name: str, labelled: set[tuple[str, str]]) -> list[dict]:
    """The sentences of set `name` to label, shuffled so the labeller does not know which draw
    (random or suspect) a sentence came from."""
    units = [unit for unit in units if in_set(unit, name, labelled)]
    chance = random.Random(f"{SEED} {name}")
    picked = []
    for file in RANDOM[name]:
        pool = [u for u in units if u.file == file]
        at_random = chance.sample(pool, min(RANDOM[name][file], len(pool)))
        taken = {u.key for u in at_random}
        suspects = [u for u in pool if u.key not in taken and is_suspect(u.text, u.paragraph)]
        picked += [(u, "random") for u in at_random]
        suspects = chance.sample(suspects, min(SUSPECT[name][file], len(suspects)))
        picked += [(u, "suspect") for u in suspects]
    chance.shuffle(picked)
    return [
        {
            "file": unit.file,
            "event": unit.event_id,
            "article": unit.article_id,
            "sentence": unit.index,
            "sha1": unit.sha1,
            "draw": kind,
            "text": unit.text,
            "paragraph": unit.paragraph,
        }
        for unit, kind in picked
    ]


def _articles(args: argparse.Namespace, files: tuple[str, ...]) -> set[tuple[str, str]] | None:
    """The articles to read for a set that draws from PolNeAR: POLNEAR_ARTICLES of its 924 at
    random (seeded), and every article of the other files; None (all) for the other sets."""
    if POLNEAR not in files:
        return None
    chosen: set[tuple[str, str]] = set()
    for name in files:
        with (args.eval_dir / name).open(encoding="utf-8") as lines:
            ids = [json.loads(line)["id"] for line in lines if line.strip()]
        if name == SUMMEDITS:  # a claim pair a line: its article's id before "_"
            ids = [pair.split("_")[0] for pair in ids]
        if name == POLNEAR:
            ids = _polnear_draw(ids, args.name)
        chosen |= {(name, article) for article in ids}
    return chosen


def _polnear_draw(ids: list[str], name: str) -> list[str]:
    """The PolNeAR articles set `name` reads: POLNEAR_ARTICLES at random, seeded by the set's
    name, from those no earlier set's draw read (the fourth's, for the fifth)."""
    if name == "fifth":
        read = set(_polnear_draw(ids, "fourth"))
        ids = [article for article in ids if article not in read]
    return random.Random(f"{SEED} {name} articles").sample(ids, POLNEAR_ARTICLES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", dest="name", choices=tuple(RANDOM), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    args = parser.parse_args()
    labelled = {
        (label["file"], label["article"])
        for path in EARLIER.get(args.name, [LABELS])
        for label in read_labels(path)
    }
    files = tuple(RANDOM[args.name])
    rows = draw(
        read_units(args.eval_dir, files, articles=_articles(args, files)), args.name, labelled
    )
    with args.out.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} sentences of the {args.name} set written to {args.out}")


if __name__ == "__main__":
    main()
