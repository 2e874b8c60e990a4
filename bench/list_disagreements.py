"""Every disagreement and paraphrase flag the analysis finds in summarization files, to read.

    .venv/bin/python bench/list_disagreements.py [FILE ...] [--limit N]

FILEs are in the summarization schema (default: summ-multinews.jsonl and summ-allsides.jsonl in
../shared/eval/dev beside the repository, those that exist). Each event's articles are analysed
as `newsweave eval summarize` analyses them, and each disagreement is printed with its kind,
what it is about, and each side's value with the words around it in its first sentence. The dev
files plant no disagreements, so there is no gold to score against: a disagreement printed here
is one a brief would state in "where sources differ", and reading them is how false ones are
found (two moments of one story, a total read as a count, attackers counted as victims). The
same goes for a quote flagged as a paraphrase in quotation marks (`statements`): it is printed
beside the other renderings of its statement, since a flag tells an outlet misquoted someone.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from newsweave.briefs.material import material_from_articles
from newsweave.evaluate.summaries import read_summary_clusters
from newsweave.settings import Settings

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
FILES = ("summ-multinews.jsonl", "summ-allsides.jsonl")
AROUND = 100  # characters shown on each side of a value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="events per file, from the top")
    args = parser.parse_args()
    files = args.files or [DEV / name for name in FILES if (DEV / name).exists()]
    if not files:
        parser.error(f"no summarization file given and none in {DEV}")
    for path in files:
        clusters = read_summary_clusters(path, Settings(), limit=args.limit)
        found = flagged = 0
        for number, cluster in enumerate(clusters, start=1):
            analysis = material_from_articles(cluster.articles).analysis
            for disagreement in analysis.disagreements:
                found += 1
                print(
                    f"\n{path.name} event {number} ({cluster.cluster_id}): {disagreement.kind}, "
                    f"about {disagreement.about!r}"
                )
                for side in disagreement.sides:
                    text = side.sentences[0].text
                    at = max(text.find(side.value), 0)
                    excerpt = text[max(0, at - AROUND) : at + AROUND]
                    print(f"  {side.value} ({len(side.article_ids)} articles): ...{excerpt}...")
            for statement in analysis.statements:
                for variant in statement.variants:
                    if variant.is_paraphrase:
                        flagged += 1
                        print(
                            f"\n{path.name} event {number} ({cluster.cluster_id}): paraphrase "
                            f"flagged, {statement.speaker}: {variant.quote.content!r}"
                        )
                        for other in statement.variants:
                            if other is not variant:
                                print(f"  {other.quote.kind}: {other.quote.content!r}")
        print(
            f"\n{path.name}: {found} disagreements and {flagged} paraphrase flags in "
            f"{len(clusters)} events"
        )


if __name__ == "__main__":
    main()
