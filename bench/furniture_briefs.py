"""Page furniture in the briefs a user gets: dev events run through the CLI, every brief sentence
listed for reading (issue 24: "non-news sentences in briefs: none in 100 dev briefs").

    .venv/bin/python bench/furniture_briefs.py --out /tmp/briefs.md [FILE] [--first 0] [--limit 100]
                                               [--events 4,10,27]

For each event of FILE (default: summ-multinews.jsonl of ../shared/eval/dev), its articles go
into a fresh store with `newsweave run FILE --db STORE`, then `newsweave brief --format json
--db STORE` prints the briefs of every event the stories stage made of them: the commands a
user runs, called in one process (click's test runner) so the models load once. Every
sentence of every brief (its headline, each section's sentences, the pull quote) is written to
`--out` for a person to read and count what is page furniture: the file holds the dev files'
text, so write it outside the repository. The detector's own verdict
(`ingest.furniture.furniture_kind` on the sentence alone; not on the headline, which is cut
short) is marked beside each, to help the
reading, not to replace it: a sentence it calls news may still be a caption. Printed: events,
briefs, sentences by section, and how many the detector marks.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from click.testing import CliRunner

from newsweave.cli import main as cli
from newsweave.ingest.furniture import furniture_kind

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"


def briefs_of(event: dict, folder: Path) -> list[dict]:
    """The briefs `newsweave brief --format json` prints after `newsweave run` of the event's
    articles into a fresh store."""
    articles = folder / f"{event['id'][:16]}.jsonl"
    articles.write_text("".join(json.dumps(item) + "\n" for item in event["articles"]))
    store = folder / f"{event['id'][:16]}.db"
    runner = CliRunner()
    for args in (["run", str(articles), "--db", str(store)], ["brief", "--format", "json"]):
        if args[0] == "brief":
            args += ["--db", str(store)]
        result = runner.invoke(cli, args, catch_exceptions=False)
        if args[0] == "brief" and "no sentence of news" in result.output:
            return []  # every article of the event is page furniture: no brief
        if result.exit_code != 0:
            raise SystemExit(f"newsweave {' '.join(args)} failed: {result.output[-2000:]}")
    return json.loads(result.stdout)


def sentences_of(brief: dict) -> Iterator[tuple[str, str]]:
    """(place, text) of every sentence a reader meets in a brief."""
    yield "headline", brief["headline"]
    for section in brief["sections"]:
        for paragraph in section["paragraphs"]:
            for sentence in paragraph:
                yield section["kind"], sentence["text"]
    if brief.get("pull_quote"):
        yield "pull quote", brief["pull_quote"]["text"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("file", nargs="?", type=Path, default=DEV / "summ-multinews.jsonl")
    parser.add_argument("--first", type=int, default=0, help="skip this many events first")
    parser.add_argument("--limit", type=int, default=100, help="how many events (file order)")
    parser.add_argument(
        "--events", help='only these events, by number in the file from 1 ("4,10,27")'
    )
    parser.add_argument("--out", type=Path, required=True, help="the briefs' sentences to read")
    args = parser.parse_args()
    with args.file.open(encoding="utf-8") as lines:
        events = [json.loads(line) for line in lines if line.strip()]
    numbered = list(enumerate(events, start=1))[args.first : args.first + args.limit]
    if args.events:
        wanted = {int(number) for number in args.events.split(",")}
        numbered = [(number, event) for number, event in numbered if number in wanted]
    places: Counter[str] = Counter()
    marked: Counter[str] = Counter()
    briefs = 0
    with tempfile.TemporaryDirectory() as tmp, args.out.open("w", encoding="utf-8") as out:
        for number, event in numbered:
            for brief in briefs_of(event, Path(tmp)):
                briefs += 1
                out.write(f"\n## {number} {event['id'][:16]} {brief['event_id']}\n")
                for place, text in sentences_of(brief):
                    kind = furniture_kind(text) if place != "headline" else None
                    places[place] += 1
                    marked[place] += kind is not None
                    out.write(f"- [{place}]{f' <{kind}>' if kind else ''} {text}\n")
            print(f"event {number}: {briefs} briefs so far", flush=True)
    print(f"\n{len(numbered)} events, {briefs} briefs; sentences by place (detector marks):")
    for place, count in places.most_common():
        print(f"- {place}: {count} ({marked[place]})")


if __name__ == "__main__":
    main()
