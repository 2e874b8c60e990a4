"""Embedding speed: texts/second for each embedder on news-length texts.

Texts are the articles of the dev clustering set (cluster-multinews.jsonl), topped up with later
stretches of the same articles until there are `--count` distinct texts; without that file the
script writes its own. MiniLM runs at max length 256 (the default) and 128, with each onnxruntime
thread count in `--threads`, in batches capped at 256 padded tokens (the default), and once in
batches of 32 texts with no token cap, to show why the cap is there. The static embedder reads
every token, so max length does not apply. Each figure is the best of `--repeats` timed runs
after one warm-up call.

    .venv/bin/python bench/embed_speed.py [DEV_DIR] [--count 500] [--threads 1,2] [--repeats 2]
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from newsweave.onnx import default_threads
from newsweave.stories.embed import OnnxEmbedder, StaticEmbedder

DEV_DIR = Path(__file__).parents[1] / ".." / "shared" / "eval" / "dev"
WINDOW = 300  # words in each top-up text: past 256 tokens, so every text fills the model


def news_texts(dev_dir: Path, count: int) -> tuple[list[str], str]:
    """`count` distinct news-length texts, and where they came from."""
    path = dev_dir / "cluster-multinews.jsonl"
    if not path.is_file():
        return made_up_texts(count), "made up by this script (no dev set found)"
    with path.open(encoding="utf-8") as lines:
        articles = [json.loads(line)["text"] for line in lines if line.strip()]
    texts = list(articles)
    for article in articles:
        words = article.split()
        for start in range(WINDOW, len(words) - WINDOW // 2, WINDOW):
            texts.append(" ".join(words[start : start + WINDOW]))
    return texts[:count], f"{path} ({len(articles)} articles and stretches of them)"


def made_up_texts(count: int) -> list[str]:
    sentences = [
        "The central bank raised interest rates by a quarter point on {day}, its {n}th rise.",
        "Officials in the capital said the decision followed weeks of talks with lenders.",
        "Shares in the largest banks fell {n} percent in early trading before recovering.",
        "Opposition leaders called the move reckless and demanded a vote in parliament.",
        "Analysts expect inflation to ease over the next {n} months, according to a survey.",
    ]
    days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
    texts = []
    for number in range(count):
        body = [s.format(day=days[number % 5], n=number % 9 + 2) for s in sentences] * 8
        texts.append(f"Report {number}. " + " ".join(body))
    return texts


def best_rate(embed: Callable[[Sequence[str]], object], texts: list[str], repeats: int) -> float:
    embed(texts[:32])  # warm-up: first runs allocate and pick kernels
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        embed(texts)
        best = min(best, time.perf_counter() - start)
    return len(texts) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dev_dir", nargs="?", type=Path, default=DEV_DIR)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--threads", default="1,2", help="onnxruntime thread counts to try")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    texts, origin = news_texts(args.dev_dir.resolve(), args.count)
    words = sorted(len(text.split()) for text in texts)
    print(f"{len(texts)} texts from {origin}; median {words[len(words) // 2]} words")
    print(f"default onnxruntime threads here: {default_threads()}\n")
    print(f"{'embedder':<26} {'max length':>10} {'threads':>7} {'batches':>16} {'texts/s':>8}")

    runs = [
        (max_length, threads, {})
        for max_length in (256, 128)
        for threads in [int(value) for value in args.threads.split(",")]
    ]
    runs.insert(len(runs) // 2, (256, default_threads(), {"batch_tokens": 1_000_000}))
    for max_length, threads, batching in runs:
        embedder = OnnxEmbedder.packaged_minilm(max_length=max_length, threads=threads, **batching)
        rate = best_rate(embedder.embed, texts, args.repeats)
        caps = f"{embedder.batch_size} texts" if batching else f"{embedder.batch_tokens} tokens"
        print(f"{embedder.name:<26} {max_length:>10} {threads:>7} {caps:>16} {rate:>8.1f}")
    static = StaticEmbedder.packaged_wordllama()
    rate = best_rate(static.embed, texts, args.repeats)
    print(f"{static.name:<26} {'all':>10} {'-':>7} {'-':>16} {rate:>8.1f}")


if __name__ == "__main__":
    main()
