"""Sentences to label for the non-news detector's evaluation (issue 24), one half at a time.

    .venv/bin/python bench/furniture_sample.py --half tune --out /tmp/tune-candidates.jsonl

Writes, for one half of the dev events (`furniture_eval.half_of`), the sentences to label, with
their text and paragraph so a person can label them: the output holds the dev files' text, so
write it outside the repository. Per half, drawn with a fixed seed from the sentences as the
brief writer meets them (`furniture_eval.read_units`):

- at random: RANDOM["summ-multinews.jsonl"] Multi-News and RANDOM["summ-allsides.jsonl"]
  AllSides sentences, so the labels hold furniture and news as they come;
- from the *suspects*, SUSPECT[file] more: sentences a broad net (`is_suspect`) holds, so enough
  furniture is labelled. The net is wide on purpose (short or stand-alone lines, lines that end
  without a stop, and a long list of words pages use around an article, "photo" to "by") and is
  not the detector: most of what it holds is news.

Label the tune half, write the rules, then sample and label the held-out half.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

from furniture_eval import DEV, FILES, half_of, read_units

RANDOM = {"summ-multinews.jsonl": 150, "summ-allsides.jsonl": 40}
SUSPECT = {"summ-multinews.jsonl": 100, "summ-allsides.jsonl": 15}
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=("tune", "held-out"), required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--eval-dir", type=Path, default=DEV)
    args = parser.parse_args()
    units = [u for u in read_units(args.eval_dir) if half_of(u.event_id) == args.half]
    chance = random.Random(f"{SEED} {args.half}")
    picked = []
    for name in FILES:
        pool = [u for u in units if u.file == name]
        at_random = chance.sample(pool, RANDOM[name])
        taken = {u.key for u in at_random}
        suspects = [u for u in pool if u.key not in taken and is_suspect(u.text, u.paragraph)]
        picked += [(u, "random") for u in at_random]
        picked += [(u, "suspect") for u in chance.sample(suspects, SUSPECT[name])]
    chance.shuffle(picked)  # the labeller does not know which draw a sentence came from
    with args.out.open("w", encoding="utf-8") as out:
        for unit, draw in picked:
            row = {
                "file": unit.file,
                "event": unit.event_id,
                "article": unit.article_id,
                "sentence": unit.index,
                "sha1": unit.sha1,
                "draw": draw,
                "text": unit.text,
                "paragraph": unit.paragraph,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(picked)} sentences of the {args.half} half written to {args.out}")


if __name__ == "__main__":
    main()
