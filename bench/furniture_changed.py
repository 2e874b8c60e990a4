"""Which events of a summarization file a change to the furniture detector can change the briefs
of (issue 24): so that `bench/furniture_briefs.py --events` runs again only those.

    .venv/bin/python bench/furniture_changed.py --dump OUT.jsonl [FILE]     # once per version
    .venv/bin/python bench/furniture_changed.py --compare BEFORE.jsonl AFTER.jsonl

The detector reaches a brief in two places only: the title ingest derives for an article that
came without one (the event's title is the brief's headline), and the sentences the analysis
reads no claim from (`ingest.furniture.furniture_at`). `--dump` writes, per article of FILE
(default: summ-multinews.jsonl of ../shared/eval/dev), its event's number in the file (from 1),
its derived title and the detector's verdict on each of its sentences as the analysis meets
them; run it with each version's code on PYTHONPATH. `--compare` prints the numbers of the events
where any of these differ: the pipeline being otherwise the same, the other events' briefs are
the same before and after.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from furniture_eval import DEV
from newsweave.analysis.nlp import parse, sentences_of
from newsweave.ingest.files import draft_from_record
from newsweave.ingest.furniture import furniture_at
from newsweave.ingest.stage import build_article
from newsweave.model import Source
from newsweave.settings import Settings


def dump(file: Path, out: Path) -> None:
    settings = Settings()
    rows, texts = [], []
    with file.open(encoding="utf-8") as lines:
        for number, line in enumerate((line for line in lines if line.strip()), start=1):
            for index, item in enumerate(json.loads(line)["articles"], start=1):
                draft = draft_from_record(item, f"{file.name} {item['id']}")
                source = Source(name=draft.source_name or f"Source {index}")
                article = build_article(draft, source, settings)
                rows.append({"event": number, "article": item["id"], "title": article.title})
                texts.append(article.text)
    with out.open("w", encoding="utf-8") as output:
        for row, doc in zip(rows, parse(texts, workers=True), strict=True):
            row["verdicts"] = [furniture_at(doc.text, s.start, s.end) for s in sentences_of(doc)]
            output.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} articles written to {out}")


def compare(before: Path, after: Path) -> list[int]:
    """The events some article of which has another title or verdict in `after`."""
    seen: dict[tuple[int, str], list] = {}
    changed: dict[int, int] = defaultdict(int)
    for path in (before, after):
        with path.open(encoding="utf-8") as lines:
            for row in map(json.loads, lines):
                key = (row["event"], row["article"])
                value = [row["title"], row["verdicts"]]
                if key in seen and seen[key] != value:
                    changed[row["event"]] += 1
                seen[key] = value
    return sorted(changed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEV / "summ-multinews.jsonl")
    parser.add_argument("--dump", type=Path, help="write titles and verdicts here")
    parser.add_argument("--compare", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.dump:
        dump(args.file, args.dump)
    if args.compare:
        events = compare(*args.compare)
        print(f"{len(events)} events changed: {','.join(map(str, events))}")


if __name__ == "__main__":
    main()
