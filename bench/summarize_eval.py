"""Briefs against human summaries: newsweave beside the lead and LexRank baselines, one run.

    .venv/bin/python bench/summarize_eval.py [FILE ...] [--limit N]

FILEs are in the summarization schema (default: summ-multinews.jsonl and summ-allsides.jsonl in
../shared/eval/dev beside the repository, those that exist). For each file, in the same run:

- newsweave's embedded writer through `evaluate_summaries`, the code `newsweave eval summarize`
  runs: ROUGE-1/2/L, citation precision and recall, quote verbatim rate, briefs per second
  (writing and verifying);
- **lead**: the articles' sentences round-robin (every article's first, then every second...,
  articles in the file's order) until the reference's word count;
- **LexRank** (Erkan & Radev 2004), written here: TF-IDF sentence vectors (scikit-learn, English
  stop words, fitted on the event's sentences), a graph joining sentences of cosine >= 0.1,
  PageRank on it (damping 0.85, power iteration), then the top sentences until the reference's
  word count, put back in reading order.

Both baselines split sentences with `analysis.nlp.split_sentences` and are scored with the same
`score_rouge` (cut to the reference's length) as the briefs. The support checker's balanced
accuracy on support-summedits.jsonl is printed beside the citation figures when that file is
there, since those figures are only as good as the checker. Last, where each brief's word
budget (the reference's length) goes: the share of the words ROUGE reads from each section, from
newsweave's own framing words (a background entry's date, "Other outlets report the same remark
as ") and left unfilled.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from newsweave.analysis.nli import load_nli
from newsweave.analysis.nlp import split_sentences
from newsweave.briefs.model import SECTION_KINDS, Brief
from newsweave.evaluate.summaries import (
    SummaryCluster,
    evaluate_summaries,
    read_summary_clusters,
    score_rouge,
)
from newsweave.evaluate.support import evaluate_support
from newsweave.settings import Settings

DEV = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "dev"
DEFAULT_FILES = (DEV / "summ-multinews.jsonl", DEV / "summ-allsides.jsonl")
SUPPORT_FILE = DEV / "support-summedits.jsonl"
THRESHOLD = 0.1  # cosine from which two sentences are joined in LexRank's graph
DAMPING = 0.85
BUDGET_PARTS = (*SECTION_KINDS, "pull quote", "frames", "unfilled")

Rouge = tuple[float, float, float]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--limit", type=int, help="score only the first LIMIT events of a file")
    args = parser.parse_args()
    files = args.files or [path for path in DEFAULT_FILES if path.is_file()]
    if not files:
        parser.error(f"give a summarization file; none of the default ones is in {DEV}")
    settings = Settings()
    nli = load_nli(settings.support_nli)
    rows = []
    for path in files:
        clusters = read_summary_clusters(path, settings, limit=args.limit)
        start = time.perf_counter()
        lead, lexrank = _baselines(clusters)
        print(f"{path.name}: baselines in {time.perf_counter() - start:.0f} s", flush=True)
        budget = Budget()
        scores = evaluate_summaries(path, settings, nli=nli, limit=args.limit, on_brief=budget.add)
        print(
            f"{path.name}: {scores.clusters} briefs, {scores.briefs_per_second:.2f}/s", flush=True
        )
        rows.append((path.name, scores, lead, lexrank, budget))

    print("\n| dev file | events | lead | LexRank | newsweave |\n|---|---|---|---|---|")
    for name, scores, lead, lexrank, _ in rows:
        ours = (scores.rouge1, scores.rouge2, scores.rougeL)
        print(f"| {name} | {scores.clusters} | {_r(lead)} | {_r(lexrank)} | {_r(ours)} |")
    print(
        "\n| dev file | citation precision | citation recall | quote verbatim rate | briefs/s |"
        "\n|---|---|---|---|---|"
    )
    for name, scores, *_ in rows:
        print(
            f"| {name} | {scores.citation_precision:.3f} | {scores.citation_recall:.3f} | "
            f"{scores.quote_verbatim_rate:.3f} | {scores.briefs_per_second:.2f} |"
        )
    if SUPPORT_FILE.is_file():
        checker = evaluate_support(SUPPORT_FILE, nli=nli)
        print(
            f"\nsupport checker: balanced accuracy {checker.balanced_accuracy:.3f} on "
            f"{SUPPORT_FILE.name} ({checker.pairs} pairs)"
        )
    header = " | ".join(BUDGET_PARTS)
    print(f"\nwhere the word budget goes (% of the reference's words)\n\n| dev file | {header} |")
    print("|---|" + "---|" * len(BUDGET_PARTS))
    for name, *_, budget in rows:
        print(f"| {name} | " + " | ".join(budget.shares()) + " |")


def _r(scores: Rouge) -> str:
    return " / ".join(f"{100 * score:.1f}" for score in scores)


def _baselines(clusters: list[SummaryCluster]) -> tuple[Rouge, Rouge]:
    """Mean ROUGE of lead and of LexRank over the events."""
    texts = [article.text for cluster in clusters for article in cluster.articles]
    sentences = iter(split_sentences(texts))
    lead, lexrank = [], []
    for cluster in clusters:
        per_article = [[s.text for s in next(sentences)] for _ in cluster.articles]
        words = cluster.reference_words
        lead.append(score_rouge(lead_summary(per_article, words), cluster.reference))
        in_order = [s for article in per_article for s in article]
        lexrank.append(score_rouge(lexrank_summary(in_order, words), cluster.reference))
    return _mean(lead), _mean(lexrank)


def _mean(scores: list[Rouge]) -> Rouge:
    r1, r2, rl = (float(np.mean(column)) for column in zip(*scores, strict=True))
    return r1, r2, rl


def lead_summary(per_article: list[list[str]], words: int) -> str:
    """Every article's first sentence, then every article's second..., until `words` words."""
    chosen, count = [], 0
    for rank in range(max(map(len, per_article), default=0)):
        for sentences in per_article:
            if count >= words:
                return " ".join(chosen)
            if rank < len(sentences):
                chosen.append(sentences[rank])
                count += len(sentences[rank].split())
    return " ".join(chosen)


def lexrank_summary(sentences: list[str], words: int) -> str:
    """The most central sentences (LexRank with a cosine threshold) until `words` words, in
    reading order."""
    if len(sentences) < 2:
        return " ".join(sentences)
    try:
        vectors = TfidfVectorizer(stop_words="english").fit_transform(sentences)
    except ValueError:  # no word but stop words: nothing to rank by
        return lead_summary([sentences], words)
    graph = ((vectors @ vectors.T).toarray() >= THRESHOLD).astype(float)
    graph[graph.sum(axis=1) == 0] = 1.0  # a sentence of stop words only links to all
    transition = graph / graph.sum(axis=1, keepdims=True)
    n = len(sentences)
    rank = np.full(n, 1 / n)
    for _ in range(100):
        new = (1 - DAMPING) / n + DAMPING * transition.T @ rank
        if np.abs(new - rank).sum() < 1e-8:
            break
        rank = new
    chosen, count = [], 0
    for index in np.argsort(-rank, kind="stable"):
        if count >= words:
            break
        chosen.append(index)
        count += len(sentences[index].split())
    return " ".join(sentences[i] for i in sorted(chosen))


class Budget:
    """Words of the first `reference_words` of each brief's prose, by where they come from."""

    def __init__(self) -> None:
        self.words: Counter[str] = Counter()
        self.total = 0

    def add(self, cluster: SummaryCluster, brief: Brief) -> None:
        left = cluster.reference_words
        self.total += left
        for kind, sentence in brief.sentences():
            frame = min(len(sentence.frame.split()), left)
            text = min(len(sentence.text.split()), left - frame)
            self.words["frames"] += frame
            self.words[kind] += text
            left -= frame + text
        if brief.pull_quote:
            quote = min(len(brief.pull_quote.text.split()), left)
            self.words["pull quote"] += quote
            left -= quote
        self.words["unfilled"] += left

    def shares(self) -> list[str]:
        return [f"{100 * self.words[part] / self.total:.1f}" for part in BUDGET_PARTS]


if __name__ == "__main__":
    main()
