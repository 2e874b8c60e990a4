"""Analysis stage speed: articles/second on the sample corpus and on dev articles, by step.

Each corpus is ingested into a fresh temporary store and built into stories, neither timed;
spaCy and MiniLM are loaded and warmed before the clock starts. The analysis gets the MiniLM
that `newsweave run` gives it (`analysis.nlp.minilm`, with its cache of recent vectors; no
text of one corpus is in the other). Then `analyse_events` is timed
over every event of the store, and its report gives the seconds of each step (parse, claims,
disagreements, quotes, statements; storing is the rest of the total). Words/s is given beside
articles/s because every step's cost grows with the text, and article lengths differ a lot
between corpora. Corpora: the bundled sample corpus (48 articles), and the first `--dev-count`
articles of `cluster-multinews.jsonl` of the dev evaluation set when it is there. The issue's
target is 20 articles/s. A second table gives what the two models alone cost on the same texts,
outside the stage (`models_alone`): spaCy parsing every article, and MiniLM embedding once each
distinct sentence the stage aligns across articles. Both use every core, so their sum is a
reference for how fast the stage can go with these models. Printed as markdown tables.

    .venv/bin/python bench/analysis_speed.py [--dev-count 100] [--eval-dir ../shared/eval]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from newsweave.analysis.nlp import minilm, parse, sentences_of
from newsweave.analysis.stage import STEPS, analyse_events
from newsweave.ingest.stage import ingest
from newsweave.settings import Settings
from newsweave.store import open_store
from newsweave.stories import list_events
from newsweave.stories.embed import Embedder, load_embedder
from newsweave.stories.stage import build_stories

ROOT = Path(__file__).parents[1]
SAMPLE = ROOT / "src" / "newsweave" / "sample" / "articles"
EVAL_DIR = ROOT / ".." / "shared" / "eval"


def measure(name: str, inputs: list[str], embedder: Embedder, folder: Path) -> tuple[str, str]:
    """Two table rows: the analysis of every event of a fresh store holding `inputs`, and what
    its two models alone cost on the same texts."""
    settings = Settings(db=folder / f"{name}.db")
    with open_store(settings.db) as store:
        ingest(inputs, store, settings)
        build_stories(store, settings, embedder=embedder)
        events = list_events(store)
        largest = max(len(event.article_ids) for event in events)
        aligned = {a for event in events if len(event.article_ids) > 1 for a in event.article_ids}
        texts = {article.article_id: article.text for article in store.iter_articles()}
        words = sum(len(text.split()) for text in texts.values())
        start = time.perf_counter()
        report = analyse_events(store, settings, embedder=minilm())
        seconds = time.perf_counter() - start
    steps = " | ".join(f"{report.seconds.get(step, 0.0):.1f}" for step in STEPS)
    stage = (
        f"| {name} | {report.articles} | {words / report.articles:.0f} | {report.analysed} | "
        f"{largest} | {seconds:.1f} | {report.articles / seconds:.1f} | {words / seconds:,.0f} | "
        f"{steps} |"
    )
    return stage, models_alone(name, texts, aligned, embedder)


def models_alone(name: str, texts: dict[str, str], aligned: set[str], embedder: Embedder) -> str:
    """One row: spaCy parsing every text (worker processes on every core, as the stage does),
    then MiniLM embedding once each distinct sentence of the articles whose events have others
    to align with (`aligned`; the stage embeds no sentence of a one-article event), with no
    cache. Each uses every core, so their sum is a reference for how fast the stage can go."""
    start = time.perf_counter()
    docs = dict(zip(texts, parse(list(texts.values()), workers=True), strict=True))
    parsing = time.perf_counter() - start
    sentences = sorted({texts[a][s.start : s.end] for a in aligned for s in sentences_of(docs[a])})
    start = time.perf_counter()
    embedder.embed(sentences)
    embedding = time.perf_counter() - start
    articles = len(texts)
    return (
        f"| {name} | {articles} | {parsing:.1f} | {articles / parsing:.1f} | "
        f"{len(sentences):,} | {embedding:.1f} | {len(sentences) / embedding:.0f} | "
        f"{articles / embedding:.1f} | {articles / (parsing + embedding):.1f} |"
    )


def dev_articles(eval_dir: Path, count: int, folder: Path) -> Path | None:
    """The first `count` lines of the dev multinews clustering file, as a .jsonl to ingest."""
    path = eval_dir / "dev" / "cluster-multinews.jsonl"
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as lines:
        head = [line for line in lines if line.strip()][:count]
    subset = folder / f"multinews-{count}.jsonl"
    subset.write_text("".join(head), encoding="utf-8")
    return subset


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dev-count", type=int, default=100, help="dev articles to analyse")
    parser.add_argument("--eval-dir", type=Path, default=EVAL_DIR)
    args = parser.parse_args()

    embedder = load_embedder("minilm")  # the stories stage's, as the default setting gives it
    embedder.embed(["A warm-up sentence for the embedder."])
    minilm().embed(["A warm-up sentence for the analysis's embedder."])
    list(parse(["A warm-up sentence for spaCy, which loads its pipeline here."]))
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        rows = [measure("sample corpus", [str(SAMPLE)], embedder, folder)]
        subset = dev_articles(args.eval_dir, args.dev_count, folder)
        if subset is None:
            print(f"no dev set under {args.eval_dir}; the sample corpus only", file=sys.stderr)
        else:
            rows.append(
                measure(f"multinews dev ({args.dev_count})", [str(subset)], embedder, folder)
            )
    step_columns = " | ".join(f"{step} s" for step in STEPS)
    print(
        "| corpus | articles | words per article | events | largest event | seconds | "
        f"articles/s | words/s | {step_columns} |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|" + "---:|" * len(STEPS))
    print("\n".join(stage for stage, _ in rows))
    print(
        "\n| corpus | articles | parse alone s | articles/s | distinct sentences | MiniLM alone s "
        "| sentences/s | articles/s | both, articles/s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(alone for _, alone in rows))


if __name__ == "__main__":
    main()
