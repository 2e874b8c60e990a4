"""One large event's analysis and brief: CPU seconds of each, and the brief as JSON.

The event is the first N reports of the ECB+ dev file (`cluster-ecbplus.jsonl`), its topics
largest first (topics 1, 13, 12 and 27 make the first 130 reports; beyond the first 39 they
are different events, which is what an event of many distinct reports costs, not what it
says), taken as one event outside any store: `briefs.material.material_from_articles` (the
analysis) and `briefs.stage.brief_of_material` (the embedded writer and verification). spaCy,
MiniLM and the support checker are loaded and warmed on two made-up reports first. CPU seconds
are this process's and its reaped children's (`resource.getrusage`): on a shared machine they
do not depend on the load, as wall time does. Run one size per process (the caches of one
size would serve the next). `--out` writes the brief's sentences, the article ids each cites
and its † mark, to compare two trees' briefs.

    PYTHONPATH=src nice -n 10 .venv/bin/python bench/large_event.py 100 [--out FILE.json]
        [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from pathlib import Path

from cluster_data import load_dev
from newsweave.briefs.material import material_from_articles
from newsweave.briefs.stage import brief_of_material
from newsweave.evaluate.summaries import _article
from newsweave.model import Article
from newsweave.settings import Settings

WARM = [
    "The council met on Monday and voted to close the old bridge for repairs. The mayor said "
    "the work would take three months.",
    "Council members voted on Monday to shut the bridge for repairs, the mayor said. Work is "
    "expected to last three months.",
]


def cpu_seconds() -> float:
    """This process's CPU seconds and its reaped children's."""
    used = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in used)


def reports(count: int, eval_dir: Path | None) -> list[Article]:
    """The first `count` ECB+ dev reports, topics largest first, as articles of one event."""
    by_topic: dict[str, list[dict]] = {}
    for row in load_dev("ecbplus", eval_dir):
        by_topic.setdefault(row["gold"].split("_")[0], []).append(row)
    topics = sorted(by_topic, key=lambda topic: -len(by_topic[topic]))
    rows = [row for topic in topics for row in by_topic[topic]][:count]
    settings = Settings()
    return [
        _article(
            {
                "id": f"a{n}",
                "title": row.get("title"),
                "text": row["text"],
                "published_at": "2026-03-01T10:00:00+00:00",
                "source": f"Outlet {n}",
            },
            f"x{n}",
            n,
            settings,
        )
        for n, row in enumerate(rows)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", type=int)
    parser.add_argument("--out", type=Path)
    parser.add_argument("--eval-dir", type=Path)
    args = parser.parse_args()
    articles = reports(args.reports, args.eval_dir)
    settings = Settings()
    warm = [_article({"id": f"w{n}", "text": t}, f"w{n}", n, settings) for n, t in enumerate(WARM)]
    brief_of_material(material_from_articles(warm))  # models loaded, outside the timing
    start, wall = cpu_seconds(), time.monotonic()
    material = material_from_articles(articles)
    analysed = cpu_seconds()
    brief = brief_of_material(material)
    written = cpu_seconds()
    result = {
        "reports": len(articles),
        "claims": len(material.analysis.claims),
        "analysis_cpu": round(analysed - start, 2),
        "brief_cpu": round(written - analysed, 2),
        "wall": round(time.monotonic() - wall, 1),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    print(json.dumps(result), flush=True)
    if args.out:
        sentences = [
            {
                "kind": kind,
                "text": sentence.prose,
                "citations": [brief.source(n).article_id for n in sentence.citations],
                "single": sentence.single_source,
            }
            for kind, sentence in brief.sentences()
        ]
        args.out.write_text(json.dumps({**result, "sentences": sentences}, indent=1))


if __name__ == "__main__":
    main()
